"""The name of the plan in force, shown in every page's footer.

Read from coverage's current training target, so a new plan period is a new target row and not
an edit of the templates. Every page renders the footer: the name is kept in the cache for the
day (the current target depends on the date) and forgotten when a target changes.
"""

from django.core.cache import cache
from django.utils import timezone

from coverage.selectors import target_current

_KEY = "publicity:plan-name:{day}"
_TIMEOUT = 60 * 60


def plan_name_current() -> str:
    """The current target's name, or "" when there is no target."""
    key = _KEY.format(day=timezone.localdate().isoformat())
    name = cache.get(key)
    if name is None:
        target = target_current()
        name = target.name if target else ""
        cache.set(key, name, _TIMEOUT)
    return name


def plan_name_forget(**_kwargs) -> None:
    """Signal receiver: a target was saved or deleted."""
    cache.delete(_KEY.format(day=timezone.localdate().isoformat()))
