from celery import shared_task

from courses.integrity.services import integrity_signals_detect


@shared_task(name="courses.integrity_signals_detect", acks_late=True)
def integrity_signals_detect_task() -> int:
    return integrity_signals_detect()
