from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from media.failures import TIMEOUT
from media.services import (
    TRANSCODE_TASK,
    media_item_fail,
    media_item_transcode,
    media_items_requeue_stale,
)


# ffmpeg stops itself at MEDIA_TRANSCODE_TIME_LIMIT; Celery's limits are the backstop for a
# run stuck outside ffmpeg (storage, database). Late acknowledgement with requeue on a lost
# worker hands the same task id to the next worker, which may take over the item at once.
@shared_task(
    name=TRANSCODE_TASK,  # "media.transcode"
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.MEDIA_TRANSCODE_TIME_LIMIT + 5 * 60,
    time_limit=settings.MEDIA_TRANSCODE_TIME_LIMIT + 6 * 60,
)
def media_transcode_task(self, item_id: int) -> str:
    """Transcode one media item (ids in, status out)."""
    try:
        return media_item_transcode(item_id=item_id, run_id=self.request.id)
    except SoftTimeLimitExceeded:
        return media_item_fail(
            item_id=item_id,
            run_id=self.request.id,
            code=TIMEOUT,
            limit=settings.MEDIA_TRANSCODE_TIME_LIMIT,
        )


@shared_task(name="media.requeue_stale")
def media_requeue_stale_task() -> int:
    """Restart runs whose worker died (beat, every five minutes)."""
    return media_items_requeue_stale()
