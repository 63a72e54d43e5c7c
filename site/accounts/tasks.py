from celery import shared_task

from accounts.code_attempts import code_guess_counts_prune


@shared_task(name="accounts.code_guess_counts_prune")
def code_guess_counts_prune_task() -> int:
    """Periodic (beat): forget the guess counts of expired SMS codes; safe to run twice."""
    return code_guess_counts_prune()


@shared_task(name="accounts.sessions_clear_expired")
def sessions_clear_expired_task() -> None:
    """Periodic (beat): delete expired sessions from the database (`clearsessions`); the cache
    copies expire by themselves."""
    from importlib import import_module

    from django.conf import settings

    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
