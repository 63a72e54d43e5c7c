from celery import shared_task

from accounts.code_attempts import code_guess_counts_prune


@shared_task(name="accounts.code_guess_counts_prune")
def code_guess_counts_prune_task() -> int:
    """Periodic (beat): forget the guess counts of expired SMS codes; safe to run twice."""
    return code_guess_counts_prune()
