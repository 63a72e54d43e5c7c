"""Keeping CoveredPerson and EnterpriseCoverage exact as rosters and records change.

The SQL is written once for PostgreSQL and SQLite (both take INSERT … ON CONFLICT); the ORM
cannot express "add to the stored count on conflict", which is what keeps concurrent changes
from overwriting each other.
"""

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable

from django.db import connection, transaction

from coverage.counts.frequency import (
    Rules,
    counting_windows,
    counting_year,
    group_sql,
    in_year_sql,
    rules_load,
)
from coverage.models import CoveredPerson, EnterpriseCoverage, Person, RosterEntry, TrainingTarget

CHUNK = 500  # ids per IN list: well under SQLite's 32,766 parameters
# The row of an enterprise and target summing its required roles: what the province's pages
# read (one row per enterprise, no grouping at read time).
ALL_ROLES = ""

# The people's qualifying records, one row per (target, person): the covered set's source,
# with (frequency targets) how many of them fall in the target's counting year.
_QUALIFYING = """
    SELECT tt.trainingtarget_id AS target_id, r.person_id AS person_id,
           MIN(r.occurred_on) AS first_on{in_year}
    FROM coverage_trainingrecord r
    JOIN coverage_trainingrecord_targets tt ON tt.trainingrecord_id = r.id
    JOIN coverage_trainingtarget t ON t.id = tt.trainingtarget_id
    WHERE r.occurred_on >= t.start_date AND r.occurred_on <= t.end_date {where}
    GROUP BY tt.trainingtarget_id, r.person_id
"""

# Active entries in the target's roles, per enterprise and role, and how many are covered.
_ENTRY_COUNTS = """
    SELECT r.enterprise_id AS enterprise_id, r.role AS role,
           COUNT(*) AS required, COUNT({covered}) AS covered
    FROM coverage_rosterentry r
    LEFT JOIN coverage_coveredperson c ON c.person_id = r.person_id AND c.target_id = %s
    {joins}
    WHERE r.end_date IS NULL AND r.role IN ({roles}) {where}
    GROUP BY r.enterprise_id, r.role
"""

_COUNTS_ADD = """
    INSERT INTO coverage_enterprisecoverage (enterprise_id, target_id, role, required, covered)
    VALUES {values}
    ON CONFLICT (enterprise_id, target_id, role) DO UPDATE SET
        required = coverage_enterprisecoverage.required + excluded.required,
        covered = coverage_enterprisecoverage.covered + excluded.covered
"""

_COUNTS_SET = """
    INSERT INTO coverage_enterprisecoverage (enterprise_id, target_id, role, required, covered)
    VALUES {values}
    ON CONFLICT (enterprise_id, target_id, role) DO UPDATE SET
        required = excluded.required, covered = excluded.covered
"""


def qualifying_sql(*, where: str, windows: dict | None) -> tuple[str, list]:
    """The qualifying query and the parameters that precede `where`'s. `windows` are the
    counting years of the targets with frequency rules; None gives the query as it was
    before frequency targets (no `in_year`), for migration 0007's historical schema."""
    if windows is None:
        return _QUALIFYING.format(where=where, in_year=""), []
    expression, params = in_year_sql(windows)
    return _QUALIFYING.format(where=where, in_year=f", {expression} AS in_year"), params


def entry_counts_sql(target: TrainingTarget, *, ruled: bool, where: str) -> tuple[str, list]:
    """The entry counts of one target and the parameters that precede `where`'s."""
    roles = [str(role) for role in target.required_roles]
    joins, join_params, covered = group_sql(target.pk, ruled=ruled, covered="c")
    sql = _ENTRY_COUNTS.format(
        covered=covered, joins=joins, roles=_placeholders(len(roles)), where=where
    )
    return sql, [target.pk, *join_params, *roles]


def as_date(value) -> datetime.date:
    # SQLite hands raw SQL its dates as ISO text; PostgreSQL as dates.
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def chunked(ids: Iterable[int], size: int = CHUNK) -> Iterable[list[int]]:
    ids = list(ids)
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _placeholders(count: int) -> str:
    return ", ".join(["%s"] * count)


def _targets() -> list[TrainingTarget]:
    return list(
        TrainingTarget.objects.only("pk", "code", "start_date", "end_date", "required_roles")
    )


def people_lock(person_ids: Iterable[int]) -> None:
    """Lock the people's rows until the transaction ends, in id order (no deadlock between
    two writers locking overlapping sets). SQLite serialises writers anyway: no-op there."""
    if not connection.features.has_select_for_update:
        return
    for chunk in chunked(sorted(set(person_ids))):
        list(
            Person.objects.select_for_update(no_key=True)
            .filter(pk__in=chunk)
            .order_by("pk")
            .values_list("pk", flat=True)
        )


def _counts_write(sql: str, rows: list[tuple]) -> None:
    # Sorted so that concurrent writers take the count rows' locks in the same order.
    rows = sorted(rows)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK):
            batch = rows[start : start + CHUNK]
            values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(batch))
            cursor.execute(sql.format(values=values), [value for row in batch for value in row])


def people_refresh(person_ids: Iterable[int]) -> None:
    """Recompute the people's covered rows from their records and move the counts of their
    active roster entries by the difference. Idempotent: a second call changes nothing."""
    person_ids = sorted(set(person_ids))
    if not person_ids:
        return
    with transaction.atomic():
        people_lock(person_ids)
        targets = {target.pk: target for target in _targets()}
        rules = rules_load()
        windows = counting_windows(targets.values(), rules)
        for chunk in chunked(person_ids):
            _people_refresh_chunk(chunk, targets, rules, windows)


def _people_refresh_chunk(
    person_ids: list[int], targets: dict[int, TrainingTarget], rules: Rules, windows: dict
) -> None:
    sql, params = qualifying_sql(
        where=f"AND r.person_id IN ({_placeholders(len(person_ids))})", windows=windows
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *person_ids])
        wanted = {
            (target_id, person_id): (as_date(first_on), in_year)
            for target_id, person_id, first_on, in_year in cursor
        }
    stored = {
        (row.target_id, row.person_id): row
        for row in CoveredPerson.objects.filter(person_id__in=person_ids)
    }
    added = [key for key in wanted if key not in stored]
    removed = [key for key in stored if key not in wanted]
    changed = [
        stored[key]
        for key in wanted
        if key in stored and (stored[key].first_on, stored[key].in_year) != wanted[key]
    ]
    CoveredPerson.objects.bulk_create(
        [
            CoveredPerson(target_id=t, person_id=p, first_on=wanted[(t, p)][0], in_year=n)
            for t, p in added
            for n in [wanted[(t, p)][1]]
        ]
    )
    CoveredPerson.objects.filter(pk__in=[stored[key].pk for key in removed]).delete()
    # The entries' coverage depends on existence and, in frequency groups, on in_year.
    before = {key: row.in_year for key, row in stored.items()}
    after = {key: in_year for key, (_first_on, in_year) in wanted.items()}
    moved = added + removed + [key for key in before if key in after and before[key] != after[key]]
    for row in changed:
        row.first_on, row.in_year = wanted[(row.target_id, row.person_id)]
    CoveredPerson.objects.bulk_update(changed, ["first_on", "in_year"])
    if not moved:
        return
    entries = defaultdict(list)
    for person_id, enterprise_id, role, industry_id in RosterEntry.objects.filter(
        person_id__in={person_id for _target, person_id in moved},
        end_date__isnull=True,
    ).values_list("person_id", "enterprise_id", "role", "enterprise__industry_id"):
        entries[person_id].append((enterprise_id, role, industry_id))
    moves = Counter()
    for key in moved:
        target_id, person_id = key
        roles = targets[target_id].required_roles
        for enterprise_id, role, industry_id in entries[person_id]:
            if role not in roles:
                continue
            needed = rules.per_year(target_id, role, industry_id)
            was = key in before and before[key] >= needed
            now = key in after and after[key] >= needed
            if was != now:
                step = 1 if now else -1
                moves[(enterprise_id, target_id, role)] += step
                moves[(enterprise_id, target_id, ALL_ROLES)] += step
    _counts_write(
        _COUNTS_ADD,
        [(e, t, role, 0, step) for (e, t, role), step in moves.items() if step],
    )


def enterprises_recount(enterprise_ids: Iterable[int], *, lock_people: bool = True) -> None:
    """Recount the organisations' rows from their active roster entries.

    The count rows are created (zero) and locked before the recount reads anything, so a
    concurrent `people_refresh` adding to them either committed before the recount (and is
    counted) or waits and adds after it. With `lock_people`, the people of the active
    entries are locked first; a caller that already holds them passes False.
    """
    enterprise_ids = sorted(set(enterprise_ids))
    if not enterprise_ids:
        return
    with transaction.atomic():
        if lock_people:
            people_lock(
                RosterEntry.objects.filter(
                    enterprise_id__in=enterprise_ids, end_date__isnull=True
                ).values_list("person_id", flat=True)
            )
        targets = _targets()
        ruled = rules_load().target_ids
        for chunk in chunked(enterprise_ids):
            zeros = [
                (enterprise_id, target.pk, role, 0, 0)
                for enterprise_id in chunk
                for target in targets
                for role in [*target.required_roles, ALL_ROLES]
            ]
            _counts_write(_COUNTS_ADD, zeros)
            list(
                EnterpriseCoverage.objects.select_for_update()
                .filter(enterprise_id__in=chunk)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            counted = {row[:3]: row for row in zeros}
            for target in targets:
                for enterprise_id, role, required, covered in _entry_counts(
                    target, enterprise_ids=chunk, ruled=target.pk in ruled
                ):
                    counted[(enterprise_id, target.pk, role)] = (
                        enterprise_id,
                        target.pk,
                        role,
                        required,
                        covered,
                    )
                    total = counted[(enterprise_id, target.pk, ALL_ROLES)]
                    counted[(enterprise_id, target.pk, ALL_ROLES)] = (
                        *total[:3],
                        total[3] + required,
                        total[4] + covered,
                    )
            _counts_write(_COUNTS_SET, list(counted.values()))


def _entry_counts(target: TrainingTarget, *, enterprise_ids: list[int], ruled: bool) -> list:
    if not target.required_roles:
        return []
    where = f"AND r.enterprise_id IN ({_placeholders(len(enterprise_ids))})"
    sql, params = entry_counts_sql(target, ruled=ruled, where=where)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *enterprise_ids])
        return cursor.fetchall()


def target_rebuild(target: TrainingTarget) -> None:
    """Recompute everything about one target (its period or required roles changed).

    One statement per table, over the whole province: seconds at full scale, for an edit
    made a few times in a five-year plan (and, for targets with frequency rules, on 1 January).
    """
    with transaction.atomic(), connection.cursor() as cursor:
        list(
            EnterpriseCoverage.objects.select_for_update()
            .filter(target=target)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        ruled = target.pk in rules_load().target_ids
        covered_rebuild(cursor, target, windows={target.pk: counting_year(target)} if ruled else {})
        counts_rebuild(cursor, target, ruled=ruled)


def counts_rebuild(cursor, target, *, ruled: bool = False) -> None:
    """Make the target's EnterpriseCoverage rows equal the active entries and covered people.
    Raw SQL only, so a migration can call it with its historical target (no rules then)."""
    cursor.execute(
        "UPDATE coverage_enterprisecoverage SET required = 0, covered = 0 WHERE target_id = %s",
        [target.pk],
    )
    if not target.required_roles:
        return
    counted, counted_params = entry_counts_sql(target, ruled=ruled, where="")
    for select in (
        "SELECT enterprise_id, %s, role, required, covered",
        "SELECT enterprise_id, %s, '', SUM(required), SUM(covered)",  # ALL_ROLES
    ):
        grouped = " GROUP BY enterprise_id" if "SUM" in select else ""
        cursor.execute(
            "INSERT INTO coverage_enterprisecoverage "
            "(enterprise_id, target_id, role, required, covered) "
            f"{select} FROM ({counted}) counted WHERE true{grouped} "
            "ON CONFLICT (enterprise_id, target_id, role) DO UPDATE SET "
            "required = excluded.required, covered = excluded.covered",
            [target.pk, *counted_params],
        )


def covered_rebuild(cursor, target: TrainingTarget, *, windows: dict | None = None) -> None:
    """Make the target's CoveredPerson rows equal the qualifying records: add, re-date,
    re-count the year, drop. `windows` as for `qualifying_sql` (None: migration 0007)."""
    wanted, params = qualifying_sql(where="AND t.id = %s", windows=windows)
    columns, changed = "first_on", "coverage_coveredperson.first_on <> excluded.first_on"
    if windows is not None:
        columns += ", in_year"
        changed += " OR coverage_coveredperson.in_year <> excluded.in_year"
    updates = ", ".join(f"{column} = excluded.{column}" for column in columns.split(", "))
    cursor.execute(
        f"INSERT INTO coverage_coveredperson (target_id, person_id, {columns}) "
        f"SELECT target_id, person_id, {columns} FROM ({wanted}) wanted "
        f"WHERE true ON CONFLICT (target_id, person_id) DO UPDATE SET {updates} WHERE {changed}",
        [*params, target.pk],
    )
    # Set-based (EXCEPT): a correlated NOT EXISTS probes the records once per covered person.
    cursor.execute(
        "DELETE FROM coverage_coveredperson WHERE target_id = %s AND person_id IN ("
        "SELECT person_id FROM coverage_coveredperson WHERE target_id = %s EXCEPT "
        f"SELECT person_id FROM ({wanted}) wanted)",
        [target.pk, target.pk, *params, target.pk],
    )


def frequency_year_rebuild() -> list[TrainingTarget]:
    """The new year (1 January, Asia/Shanghai): every target with frequency rules counts a
    new year, so its people's `in_year` and its counts are rebuilt. Returns those targets."""
    ruled = rules_load().target_ids
    targets = [target for target in _targets() if target.pk in ruled]
    for target in targets:
        target_rebuild(target)
    return targets
