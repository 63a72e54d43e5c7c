"""Celery finds a part's tasks in its root `tasks.py`: this one imports the sub-packages'."""

from courses.integrity.tasks import integrity_signals_detect_task

__all__ = ["integrity_signals_detect_task"]
