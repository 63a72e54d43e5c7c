"""Reads of a person's ledger: the lines with their sources, and totals per year and target,
summed in SQL (a worker's ledger is short, a regulator may open anyone's)."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _

from coverage.identifiers import clean_id_number
from coverage.models import Person, TrainingRecord, TrainingTarget
from coverage.services import person_find
from ledger.models import Correction

ZERO = Decimal("0.0")


def person_by_id_number(*, id_number: str) -> Person | None:
    """The person with this ID number, found by its keyed hash (nobody is decrypted); None
    for a number that is not a valid one either."""
    try:
        cleaned = clean_id_number(id_number)
    except ValidationError:
        return None
    return person_find(id_number=cleaned)


def line_source(line: TrainingRecord) -> str:
    """What produced the line, in words: its source key's prefix names the producer."""
    prefix = line.source_key.split(":", 1)[0]
    labels = {
        "course": _("Online course completed"),
        "session": _("Offline attendance verified"),
        "authority": _("Recorded by an authority"),
        "correction": _("Correction"),
    }
    return str(labels.get(prefix, _("Imported record")))


def ledger_lines(
    *,
    person: Person,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> QuerySet[TrainingRecord]:
    """The person's lines, newest first, each with its correction (if it is one) and whether a
    later line voided it; one query."""
    lines = (
        TrainingRecord.objects.filter(person=person)
        .select_related("correction", "correction__corrects")
        .annotate(
            voided=Exists(Correction.objects.filter(corrects=OuterRef("pk"), voids=True)),
        )
        .order_by("-occurred_on", "-recorded_at", "-pk")
    )
    if start:
        lines = lines.filter(occurred_on__gte=start)
    if end:
        lines = lines.filter(occurred_on__lte=end)
    return lines


@dataclass
class TargetTotal:
    target: TrainingTarget
    hours: Decimal


@dataclass
class LedgerTotals:
    hours: Decimal = ZERO
    per_year: list[tuple[int, Decimal]] = field(default_factory=list)
    per_target: list[TargetTotal] = field(default_factory=list)


def ledger_totals(
    *, person: Person, start: datetime.date | None = None, end: datetime.date | None = None
) -> LedgerTotals:
    """Hours in all, per calendar year and per target. A target counts its lines' hours and
    their corrections' (a voided line counts toward no target, nor does its reversal)."""
    lines = ledger_lines(person=person, start=start, end=end).order_by()
    per_year = [
        (row["year"], row["hours"])
        for row in lines.annotate(year=ExtractYear("occurred_on"))
        .values("year")
        .annotate(hours=Sum("hours"))
        .order_by("-year")
    ]
    through = TrainingRecord.targets.through.objects.filter(trainingrecord__in=lines.values("pk"))
    by_target: dict[int, Decimal] = {
        row["trainingtarget_id"]: row["hours"]
        for row in through.values("trainingtarget_id").annotate(hours=Sum("trainingrecord__hours"))
    }
    corrected = TrainingRecord.targets.through.objects.filter(
        trainingrecord__corrections__line__in=lines.values("pk")
    )
    for row in corrected.values("trainingtarget_id").annotate(
        hours=Sum("trainingrecord__corrections__line__hours")
    ):
        key = row["trainingtarget_id"]
        by_target[key] = by_target.get(key, ZERO) + row["hours"]
    targets = TrainingTarget.objects.filter(pk__in=by_target).order_by("-end_date")
    return LedgerTotals(
        hours=sum((hours for _year, hours in per_year), ZERO),
        per_year=per_year,
        per_target=[TargetTotal(target, by_target[target.pk]) for target in targets],
    )


def ledger_rows(lines) -> list[dict]:
    """The lines as the command, the export and the proof write them."""
    return [
        {
            "date": line.occurred_on.isoformat(),
            "kind": str(line.get_kind_display()),
            "title": line.title,
            "hours": str(line.hours),
            "source": line_source(line),
        }
        for line in lines
    ]
