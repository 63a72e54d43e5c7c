import uuid

from django.db import models
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _
from wagtailmedia.models import AbstractMedia

from media.failures import failure_message


def original_upload_to(instance: "MediaItem", filename: str) -> str:
    # A folder of its own per upload: names never collide and originals' URLs are not guessable.
    return f"media/originals/{uuid.uuid4().hex}/{get_valid_filename(filename)}"


class MediaItem(AbstractMedia):
    """A video or audio file as editors upload it, and what the pipeline made of it.

    wagtailmedia's `thumbnail` holds the generated poster; `duration`, `width` and `height`
    come from probing the upload (width × height as shown, rotation applied).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        PROCESSING = "processing", _("Processing")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    file = models.FileField(upload_to=original_upload_to, max_length=255, verbose_name=_("file"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    failure_code = models.CharField(_("failure"), max_length=40, blank=True)
    failure_params = models.JSONField(_("failure details"), default=dict, blank=True)
    source_info = models.JSONField(_("source"), default=dict, blank=True, editable=False)
    # The Celery task id of the run that owns the item while it is processing.
    run_id = models.CharField(max_length=255, blank=True, editable=False)
    heartbeat_at = models.DateTimeField(null=True, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    outputs_dir = models.CharField(max_length=255, blank=True, editable=False)
    hls = models.FileField(_("HLS playlist"), max_length=255, blank=True, editable=False)
    fallback = models.FileField(_("MP4/M4A fallback"), max_length=255, blank=True, editable=False)
    renditions = models.JSONField(_("renditions"), default=list, blank=True, editable=False)
    transcoded_at = models.DateTimeField(_("transcoded at"), null=True, blank=True, editable=False)

    admin_form_fields = ("title", "file", "collection", "tags")

    class Meta(AbstractMedia.Meta):
        verbose_name = _("media item")
        verbose_name_plural = _("media items")
        indexes = [models.Index(fields=["status", "heartbeat_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="media_item_progress_at_most_100"
            ),
        ]

    @property
    def is_playable(self) -> bool:
        return bool(self.fallback)

    @property
    def failure_message(self) -> str:
        return failure_message(self.failure_code, self.failure_params) if self.failure_code else ""

    @property
    def sources(self) -> list[dict]:
        # wagtailmedia's own renderers read this: the outputs, never the original.
        sources = []
        if self.hls:
            sources.append({"src": self.hls.url, "type": "application/vnd.apple.mpegurl"})
        if self.fallback:
            kind = "audio/mp4" if self.type == "audio" else "video/mp4"
            sources.append({"src": self.fallback.url, "type": kind})
        return sources
