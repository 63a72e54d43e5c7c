import mimetypes

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediaConfig(AppConfig):
    name = "media"
    verbose_name = _("Video")

    def ready(self):
        # Storage backends and the development file server take content types from here;
        # Python does not know HLS's, and Safari's native HLS refuses a playlist without it.
        mimetypes.add_type("application/vnd.apple.mpegurl", ".m3u8")
        mimetypes.add_type("video/mp2t", ".ts")
        mimetypes.add_type("audio/mp4", ".m4a")

        from media.signal_handlers import register_signal_handlers

        register_signal_handlers()
