import datetime

from celery import shared_task

from reminders.services import reminders_run


@shared_task(name="reminders.run")
def reminders_run_task(now: str | None = None) -> dict:
    """Beat, every 15 minutes: what the live rules owe now (nothing in quiet hours). `now`
    (ISO 8601) only for tests and for re-running a missed moment by hand."""
    moment = datetime.datetime.fromisoformat(now) if now else None
    return reminders_run(now=moment).__dict__
