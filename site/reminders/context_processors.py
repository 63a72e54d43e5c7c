"""The bell: unread notices of staff, administrators and regulators, one query when shown."""

from django.utils.functional import SimpleLazyObject

from reminders.selectors import notices_unread_count


def bell(request):
    # Lazy: only the header of a bell user reads it, and a page shows it at most once; the
    # mobile worker pages never show the bell and so never count.
    return {"notices_unread": SimpleLazyObject(lambda: notices_unread_count(request))}
