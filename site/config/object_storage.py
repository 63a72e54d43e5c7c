"""S3-compatible object storage for more than one machine (docs/operations.md): public media
in one bucket, private files in another that has no public URL at all."""

from __future__ import annotations

import json

from storages.backends.s3 import S3Storage

# What anyone may read from the media bucket: the same prefixes nginx serves from MEDIA_ROOT
# (docker/nginx/yufang.conf.template). Wagtail documents, which can be restricted per
# collection, stay behind Wagtail's view (WAGTAILDOCS_SERVE_METHOD).
PUBLIC_PREFIXES = (
    "media/renditions/",
    "media/originals/",
    "images/",
    "original_images/",
    "media_thumbnails/",
)
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


def public_read_policy(bucket: str) -> str:
    """The media bucket's policy: anonymous reads of the public prefixes, nothing else."""
    statement = {
        "Effect": "Allow",
        "Principal": "*",
        "Action": ["s3:GetObject"],
        "Resource": [f"arn:aws:s3:::{bucket}/{prefix}*" for prefix in PUBLIC_PREFIXES],
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]}, indent=2)
