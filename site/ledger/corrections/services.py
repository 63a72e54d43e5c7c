"""Corrections of the ledger: new lines, never edits. A line's hours are adjusted by a line
of the difference; a line recorded in error is voided by a line reversing its hours, and it
stops counting toward coverage through coverage's own doors (its targets are cleared, which
refreshes the maintained counts in this transaction)."""

import uuid
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from coverage.models import TrainingRecord
from coverage.services import training_record
from ledger.models import Correction


class CorrectionRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def ledger_line_correct(
    *,
    line: TrainingRecord,
    user,
    reason: str,
    hours: Decimal | None = None,
    void: bool = False,
) -> TrainingRecord:
    """Append the line correcting `line` (void it, or add `hours`, which may be negative) and
    return it; the correcting line counts toward no target."""
    reason = (reason or "").strip()
    if not reason:
        raise CorrectionRefused(_("Give the reason for the correction."))
    if not void and not hours:
        raise CorrectionRefused(_("Give the hours to add or take away, or void the line."))
    with transaction.atomic():
        line = TrainingRecord.objects.select_for_update().get(pk=line.pk)
        if Correction.objects.filter(line=line).exists():
            raise CorrectionRefused(_("A correction cannot be corrected: correct the line itself."))
        if Correction.objects.filter(corrects=line, voids=True).exists():
            raise CorrectionRefused(_("This line has been voided already."))
        earlier = Correction.objects.filter(corrects=line).aggregate(hours=Sum("line__hours"))
        standing = line.hours + (earlier["hours"] or 0)
        delta = -standing if void else Decimal(str(hours))
        if standing + delta < 0:
            raise CorrectionRefused(
                _("The line has %(hours)s hours; a correction cannot take away more.")
                % {"hours": standing}
            )
        correcting, _created = training_record(
            person=line.person,
            kind=line.kind,
            # The corrected line's date: a year's total is the sum of its lines.
            occurred_on=line.occurred_on,
            title=line.title,
            source_key=f"correction:{uuid.uuid4().hex}",
            hours=delta,
            targets=[],
        )
        Correction.objects.create(
            line=correcting,
            corrects=line,
            voids=void,
            reason=reason[:200],
            corrected_by=user if getattr(user, "is_authenticated", False) else None,
        )
        if void:
            line.targets.clear()  # m2m_changed: coverage refreshes the person's counts
    return correcting
