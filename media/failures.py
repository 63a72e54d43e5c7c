"""Why a file was refused or a transcode failed: codes stored on the item, messages built
when shown, so each editor reads them in their own language."""

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

TOO_LARGE = "too_large"
TOO_LONG = "too_long"
NOT_MEDIA = "not_media"
NO_DURATION = "no_duration"
TRUNCATED = "truncated"
NO_PICTURE = "no_picture"
NO_SOUND = "no_sound"
TIMEOUT = "timeout"
INTERRUPTED = "interrupted"
MISSING_ORIGINAL = "missing_original"
FFMPEG_FAILED = "ffmpeg_failed"


class MediaRejected(Exception):
    """A file the pipeline will not publish; `code` is one of the constants above."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params

    @property
    def message(self) -> str:
        return failure_message(self.code, self.params)


def duration_text(seconds) -> str:
    """3725.4 → "1:02:05", 65 → "1:05"."""
    try:
        seconds = round(float(seconds or 0))
    except (TypeError, ValueError):
        return ""
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def failure_message(code: str, params: dict | None = None) -> str:
    """The editor's explanation: what is wrong with the file and what to do about it."""
    params = params or {}
    if code == TOO_LARGE:
        return _(
            "The file is %(size)s; files up to %(limit)s can be uploaded. Export the video "
            "at a lower resolution (720p is enough) or split it, then upload it again."
        ) % {
            "size": filesizeformat(params.get("size")),
            "limit": filesizeformat(params.get("limit")),
        }
    if code == TOO_LONG:
        return _(
            "The video is %(duration)s long; videos up to %(limit)s can be uploaded. Cut it "
            "into shorter parts and upload each part as its own video."
        ) % {
            "duration": duration_text(params.get("duration")),
            "limit": duration_text(params.get("limit")),
        }
    if code == NOT_MEDIA:
        return _(
            "This file is not a video or audio file that can be read. Upload an MP4, MOV, "
            "MKV, WebM, MP3 or M4A file as exported by a camera, phone or editing program."
        )
    if code == NO_DURATION:
        return _(
            "This file has no playing time (it is a still picture or empty). Upload a video "
            "or audio recording."
        )
    if code == TRUNCATED:
        return _(
            "This file is incomplete: it ends before its own recorded length, usually because "
            "a copy or an upload was cut off. Export or copy the original again and upload "
            "the complete file."
        )
    if code == NO_PICTURE:
        return _(
            "This file has sound but no picture. Upload it with “Add audio”, or upload the "
            "video file that has the picture."
        )
    if code == NO_SOUND:
        return _(
            "This file has no sound track, so it cannot be an audio item. Upload it with "
            "“Add video” instead."
        )
    if code == TIMEOUT:
        return _(
            "Transcoding took longer than %(limit)s and was stopped. Upload a shorter video, "
            "or ask the administrator to raise MEDIA_TRANSCODE_TIME_LIMIT, then press "
            "“Transcode again”."
        ) % {"limit": duration_text(params.get("limit"))}
    if code == INTERRUPTED:
        return _(
            "Transcoding was interrupted %(attempts)s times (the server restarted or ran out "
            "of memory). Press “Transcode again”; if it stops again, send the file to the "
            "administrator."
        ) % {"attempts": params.get("attempts", 0)}
    if code == MISSING_ORIGINAL:
        return _("The uploaded file is missing from storage. Upload the file again.")
    return _(
        "This file could not be converted for playback. Press “Transcode again”; if it "
        "fails again, export the video again as MP4 (H.264) and upload that."
    )
