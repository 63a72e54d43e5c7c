"""Two years of training history for the demo's key-role people (demo/content/history.toml),
made through `training_record` so the maintained counts follow; safe to re-run (one record per
person and source, dated on the first load)."""

import datetime

from django.db import transaction
from django.utils import timezone

from coverage.models import RosterEntry
from coverage.services import training_record
from demo.content import content_load

_CONTENT = content_load("history")


@transaction.atomic
def demo_history_install(*, today: datetime.date | None = None) -> None:
    """Refresher records spread over the last two years, the share of each enterprise's
    key-role people given in the content; run after the rosters and targets exist."""
    today = today or timezone.localdate()
    days = _CONTENT["days"]
    for credit_code, share in _CONTENT["shares"].items():
        entries = list(
            RosterEntry.objects.filter(enterprise__credit_code=credit_code, end_date__isnull=True)
            .exclude(role="other")
            .select_related("person")
            .order_by("pk")
        )
        trained = round(share * len(entries))
        for n, entry in enumerate(entries[:trained]):
            # Evenly spread and interleaved across enterprises: the trend rises month by month.
            offset = days - round((n + 0.5) * days / trained)
            training_record(
                person=entry.person,
                kind=_CONTENT["kind"],
                occurred_on=today - datetime.timedelta(days=offset),
                title=_CONTENT["title"],
                source_key=_CONTENT["source_key"],
                hours=_CONTENT["hours"],
            )
