"""Serving media: the admin views (status, original download, transcode again) and the
development server for MEDIA_URL, with the headers production's web server sends."""
