"""Why check-ins are not verified yet, and when they will be: what the organiser is told after
"立即核验签到" instead of a bare "0 verified" (the rule itself is services.attendance_verify)."""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coverage.models import TrainingSession
from coverage.sessions.services import CHECKOUT_CLOSES_AFTER, minutes_present

NOT_ENDED = "not_ended"
NOT_LONG_ENOUGH = "not_long_enough"
TOO_SHORT = "too_short"
CHECKOUT_MISSING = "checkout_missing"
CHECKOUT_CLOSED = "checkout_closed"
# The order the organiser reads them in: what will sort itself out first, then what will not.
REASONS = (NOT_ENDED, NOT_LONG_ENOUGH, CHECKOUT_MISSING, CHECKOUT_CLOSED, TOO_SHORT)


@dataclass(frozen=True)
class Waiting:
    """Unverified check-ins sharing one reason; `at` is when they will be verified (None:
    never, as things stand), `earliest` when the first of them has been present long enough."""

    reason: str
    count: int
    session: TrainingSession
    at: datetime.datetime | None
    earliest: datetime.datetime | None = None

    @property
    def message(self) -> str:
        session, count = self.session, self.count
        values = {
            "count": count,
            "minutes": session.min_minutes,
            "end": _when(session.ends_at),
            "at": _when(self.at) if self.at else "",
            "earliest": _when(self.earliest) if self.earliest else "",
        }
        if self.reason == NOT_ENDED:
            text = ngettext(
                "%(count)d check-in waits for the session to end: it is verified after the "
                "session ends at %(end)s (automatically within the hour after, or press the "
                "button again then).",
                "%(count)d check-ins wait for the session to end: they are verified after the "
                "session ends at %(end)s (automatically within the hour after, or press the "
                "button again then).",
                count,
            )
        elif self.reason == NOT_LONG_ENOUGH:
            text = ngettext(
                "%(count)d person has not yet been present for %(minutes)d minutes (the first "
                "reaches them at %(earliest)s): verified after the session ends at %(end)s if "
                "still present.",
                "%(count)d people have not yet been present for %(minutes)d minutes (the first "
                "reaches them at %(earliest)s): verified after the session ends at %(end)s if "
                "still present.",
                count,
            )
        elif self.reason == CHECKOUT_MISSING:
            text = ngettext(
                "%(count)d person has not checked out: verified as soon as they check out "
                "(check-out is open until %(at)s).",
                "%(count)d people have not checked out: each is verified as soon as they "
                "check out (check-out is open until %(at)s).",
                count,
            )
        elif self.reason == CHECKOUT_CLOSED:
            text = ngettext(
                "%(count)d person did not check out before check-out closed: not verified.",
                "%(count)d people did not check out before check-out closed: not verified.",
                count,
            )
        else:
            text = ngettext(
                "%(count)d person was not present for %(minutes)d minutes (arrived late or "
                "left early): not verified.",
                "%(count)d people were not present for %(minutes)d minutes (arrived late or "
                "left early): not verified.",
                count,
            )
        return text % values


def _when(moment: datetime.datetime) -> str:
    """ "20:00" today, "6月3日 20:00" on another day: when the organiser can act."""
    local = timezone.localtime(moment)
    if local.date() == timezone.localdate():
        return local.strftime("%H:%M")
    return _("%(month)d/%(day)d %(time)s") % {
        "month": local.month,
        "day": local.day,
        "time": local.strftime("%H:%M"),
    }


def session_unverified_explain(
    *, session: TrainingSession, now: datetime.datetime
) -> list[Waiting]:
    """The session's unverified, not removed check-ins grouped by why they are not verified."""
    counts: dict[str, int] = {}
    earliest: datetime.datetime | None = None
    minimum = datetime.timedelta(minutes=session.min_minutes)
    checkout_closes = session.ends_at + CHECKOUT_CLOSES_AFTER
    attendances = session.attendances.filter(
        removed_at__isnull=True, verified_at__isnull=True
    ).only("checked_in_at", "checked_out_at", "session_id")
    for attendance in attendances:
        attendance.session = session
        if session.checkout_required and attendance.checked_out_at is None:
            reason = CHECKOUT_MISSING if now <= checkout_closes else CHECKOUT_CLOSED
        elif minutes_present(attendance, now=session.ends_at) < session.min_minutes:
            reason = TOO_SHORT  # even at the end: arrived too late or checked out too early
        elif session.checkout_required or now >= session.ends_at:
            continue  # qualifies: verified by the verification run just before this
        elif minutes_present(attendance, now=now) < session.min_minutes:
            reason = NOT_LONG_ENOUGH
            enough = max(attendance.checked_in_at, session.starts_at) + minimum
            earliest = enough if earliest is None else min(earliest, enough)
        else:
            reason = NOT_ENDED
        counts[reason] = counts.get(reason, 0) + 1
    at = {
        NOT_ENDED: session.ends_at,
        NOT_LONG_ENOUGH: session.ends_at,
        CHECKOUT_MISSING: checkout_closes,
    }
    return [
        Waiting(
            reason,
            counts[reason],
            session,
            at.get(reason),
            earliest if reason == NOT_LONG_ENOUGH else None,
        )
        for reason in REASONS
        if reason in counts
    ]
