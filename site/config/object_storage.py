"""S3-compatible object storage for more than one machine (README, "Production"): public media
in one bucket, private files in another that has no public URL at all."""

from __future__ import annotations

from storages.backends.s3 import S3Storage

# Uploaded originals are downloaded, never rendered by a browser (an ".mp4" may hold HTML):
# object stores serve the stored Content-Disposition, as nginx adds it for the local folder.
ATTACHMENT_PREFIXES = ("media/originals/",)


class PublicMediaStorage(S3Storage):
    """STORAGES["default"]: HLS renditions, posters and images under plain, unsigned URLs (a
    playlist names its segments relatively, so signed URLs would not reach them)."""

    querystring_auth = False
    # Like the file system: a name already taken gets a new one instead of being overwritten.
    file_overwrite = False

    def get_object_parameters(self, name: str) -> dict:
        params = super().get_object_parameters(name)
        if name.startswith(ATTACHMENT_PREFIXES):
            params["ContentDisposition"] = "attachment"
        return params


class PrivateObjectStorage(S3Storage):
    """The inner storage of STORAGES["private"] (encrypted before it gets here): objects
    private, and no URL ever, so nothing can link to them past Django's views."""

    default_acl = "private"
    querystring_auth = True
    file_overwrite = False

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise NotImplementedError("Private files are served only by Django's views.")
