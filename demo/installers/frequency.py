"""The demo's frequency target (demo/content/frequency.toml): team leaders in mining twice a
year, with some of them meeting it this year. Records go through `training_record`, so the
maintained counts follow; safe to re-run (one rule per group, one record per person and
source)."""

import datetime

from django.db import transaction
from django.utils import timezone

from coverage.models import Enterprise, Industry, RosterEntry, TrainingFrequency, TrainingTarget
from coverage.selectors import key_enterprises
from coverage.services import training_record
from demo.content import content_load

_CONTENT = content_load("frequency")


@transaction.atomic
def demo_frequency_install(*, today: datetime.date | None = None) -> TrainingFrequency:
    """The rule, then the year's trainings of the first team leaders of each mining enterprise;
    run after the rosters and the follow-on plan's target exist."""
    today = today or timezone.localdate()
    industry = Industry.objects.get(code=_CONTENT["industry"])
    target = TrainingTarget.objects.get(code=_CONTENT["target"])
    rule, _created = TrainingFrequency.objects.update_or_create(
        target=target,
        role=_CONTENT["role"],
        industry=industry,
        defaults={"per_year": _CONTENT["per_year"]},
    )
    entries = RosterEntry.objects.filter(
        enterprise__industry=industry,
        enterprise__in=key_enterprises(Enterprise.objects.all(), target=target),
        role=_CONTENT["role"],
        end_date__isnull=True,
    ).select_related("person")
    meeting: dict[int, list[RosterEntry]] = {}
    for entry in entries.order_by("enterprise_id", "pk"):
        chosen = meeting.setdefault(entry.enterprise_id, [])
        if len(chosen) < _CONTENT["meeting"]:
            chosen.append(entry)
    # Dated this year (never before 1 January), so they count toward this year's frequency.
    first_day = datetime.date(today.year, 1, 1)
    for chosen in meeting.values():
        for entry in chosen:
            for spec in _CONTENT["trainings"]:
                training_record(
                    person=entry.person,
                    kind="offline",
                    occurred_on=max(today - datetime.timedelta(days=spec["days_ago"]), first_day),
                    title=spec["title"],
                    source_key=spec["source_key"],
                    hours=spec["hours"],
                )
    return rule
