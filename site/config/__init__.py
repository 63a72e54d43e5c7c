# Load the Celery app with Django, so `.delay()` uses the configured broker (see STACK.md).
from .celery import app as celery_app

__all__ = ["celery_app"]
