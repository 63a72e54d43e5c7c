from celery import shared_task

from coverage.sessions.services import sessions_verify_ended


@shared_task(name="coverage.sessions_verify_ended")
def sessions_verify_ended_task() -> int:
    """Periodic (beat): turn attendance at ended sessions into training records; safe to rerun."""
    return sessions_verify_ended()
