"""Frequency targets (R3): groups that must train N times a year, in the maintained counts.

The rule, exactly. A `TrainingFrequency(target, role, industry, per_year)` puts the active
roster entries of `role` in enterprises of `industry` (empty: of every industry) into a
frequency group of the target; when both a rule of the entry's industry and a rule for every
industry exist, the industry's rule decides. Such an entry is covered only when its person has
at least `per_year` distinct qualifying records of the target (records linked to the target,
dated inside its period) dated in the **counting year**: the calendar year of the as-of date,
which is today in Asia/Shanghai held inside the target's period (the deadline's year once the
period has ended, the first year before it starts). Entries outside every rule keep the
plain rule: one qualifying record in the whole period.

Why one CoveredPerson row per (target, person) is still enough: what the records give a person
(`first_on`, and `in_year`, the count of their qualifying records in the counting year) does
not depend on where they work; only the threshold does, and that comes from the entry (its
role and its enterprise's industry). So an entry is covered when its person's row exists and
`in_year >= per_year` of the entry's group (0 outside every group). Two entries of the same
person in different groups can then differ, with no per-entry table to keep.

What moves the figures, and who keeps them exact in the same transaction:
- records of a person: `maintain.people_refresh` (the row's `in_year` and the entries it
  crosses a threshold for);
- rules added, changed or removed: `maintain.target_rebuild` of the rule's target (receivers);
- an enterprise's industry: `maintain.enterprises_recount` (receivers);
- the new year (1 January, Asia/Shanghai): `frequency_year_rebuild` from beat at 00:05 rebuilds
  the targets with rules. Until it runs, the nightly drift check would see the old year's
  counts as drift and repair them itself.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from coverage.models import TrainingFrequency, TrainingTarget


def counting_year(
    target: TrainingTarget, *, today: datetime.date | None = None
) -> tuple[datetime.date, datetime.date]:
    """The first and last day of the target's counting year (cut to its period)."""
    today = today or timezone.localdate()
    as_of = min(max(today, target.start_date), target.end_date)
    return (
        max(datetime.date(as_of.year, 1, 1), target.start_date),
        min(datetime.date(as_of.year, 12, 31), target.end_date),
    )


@dataclass(frozen=True)
class Rules:
    """Every frequency rule, by (target id, role, industry id or None) → trainings per year."""

    per_year_by_group: dict[tuple[int, str, int | None], int]

    @property
    def target_ids(self) -> set[int]:
        return {target_id for target_id, _role, _industry in self.per_year_by_group}

    def per_year(self, target_id: int, role: str, industry_id: int | None) -> int:
        """The entry's threshold for `in_year`: 0 outside every group."""
        found = None
        if industry_id is not None:
            found = self.per_year_by_group.get((target_id, role, industry_id))
        if found is None:
            found = self.per_year_by_group.get((target_id, role, None))
        return found or 0


def rules_load() -> Rules:
    return Rules(
        {
            (target_id, role, industry_id): per_year
            for target_id, role, industry_id, per_year in TrainingFrequency.objects.values_list(
                "target_id", "role", "industry_id", "per_year"
            )
        }
    )


def counting_windows(
    targets: Iterable[TrainingTarget], rules: Rules, *, today: datetime.date | None = None
) -> dict[int, tuple[datetime.date, datetime.date]]:
    """The counting year of each target that has rules (the others count no `in_year`)."""
    return {
        target.pk: counting_year(target, today=today)
        for target in targets
        if target.pk in rules.target_ids
    }


def in_year_sql(windows: dict[int, tuple[datetime.date, datetime.date]]) -> tuple[str, list]:
    """The aggregate counting a qualifying record `r` of target `tt` in its counting year."""
    if not windows:
        return "0", []
    cases, params = [], []
    for target_id, (first, last) in sorted(windows.items()):
        cases.append("(tt.trainingtarget_id = %s AND r.occurred_on >= %s AND r.occurred_on <= %s)")
        params += [target_id, first, last]
    return f"SUM(CASE WHEN {' OR '.join(cases)} THEN 1 ELSE 0 END)", params


def group_sql(target_id: int, *, ruled: bool, covered: str) -> tuple[str, list, str]:
    """(joins, their params, covered expression) for counting roster entries `r`.

    `covered` is the alias of the joined covered row (target, person, in_year); an entry
    counts when the row exists and, in a frequency group, `in_year` reaches the group's
    rule. Without rules the old, cheaper form: no joins.
    """
    if not ruled:
        return "", [], f"{covered}.person_id"
    joins = (
        "JOIN coverage_enterprise fe ON fe.id = r.enterprise_id "
        "LEFT JOIN coverage_trainingfrequency fi ON fi.target_id = %s AND fi.role = r.role "
        "AND fi.industry_id = fe.industry_id "
        "LEFT JOIN coverage_trainingfrequency fa ON fa.target_id = %s AND fa.role = r.role "
        "AND fa.industry_id IS NULL"
    )
    expression = (
        f"CASE WHEN {covered}.person_id IS NOT NULL AND "
        f"{covered}.in_year >= COALESCE(fi.per_year, fa.per_year, 0) THEN 1 END"
    )
    return joins, [target_id, target_id], expression
