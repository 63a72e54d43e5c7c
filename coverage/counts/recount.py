"""The maintained coverage compared with a full recount from rosters and records.

The recount reads only base tables (records, their targets, roster entries), never the
maintained ones, so it is the definition the maintained tables must equal. A periodic task
runs it (`coverage.counts_drift_repair`): any difference is logged as an error, with its
size, and repaired by rebuilding the target. Tests run it after every sequence of changes.
"""

import logging
from dataclasses import dataclass

from django.db import connection

from coverage.counts.frequency import Rules, counting_windows, group_sql, rules_load
from coverage.counts.maintain import qualifying_sql, target_rebuild
from coverage.models import TrainingTarget

logger = logging.getLogger(__name__)

_STORED = """
    SELECT target_id, person_id, first_on, in_year FROM coverage_coveredperson
    WHERE target_id = %s
"""
_ROLE_COUNTED = """
    SELECT r.enterprise_id AS enterprise_id, r.role AS role,
           COUNT(*) AS required, COUNT({covered}) AS covered
    FROM coverage_rosterentry r
    LEFT JOIN ({wanted}) w ON w.person_id = r.person_id
    {joins}
    WHERE r.end_date IS NULL AND r.role IN ({roles})
    GROUP BY r.enterprise_id, r.role
"""
# Each enterprise's rows per role, and its row of all required roles (ALL_ROLES, '').
_COUNTED = """
    SELECT enterprise_id, role, required, covered FROM ({by_role}) by_role
    UNION ALL
    SELECT enterprise_id, '', SUM(required), SUM(covered) FROM ({by_role}) by_role
    GROUP BY enterprise_id
"""
_KEPT = """
    SELECT enterprise_id, role, required, covered FROM coverage_enterprisecoverage
    WHERE target_id = %s AND (required <> 0 OR covered <> 0)
"""


def _wanted(target: TrainingTarget, rules: Rules) -> tuple[str, list]:
    """The covered people the records give, with their count in the counting year."""
    sql, params = qualifying_sql(where="AND t.id = %s", windows=counting_windows([target], rules))
    return sql, [*params, target.pk]


def _counted(target: TrainingTarget, rules: Rules) -> tuple[str, list]:
    wanted, wanted_params = _wanted(target, rules)
    roles = [str(role) for role in target.required_roles] or [""]
    joins, join_params, covered = group_sql(
        target.pk, ruled=target.pk in rules.target_ids, covered="w"
    )
    by_role = _ROLE_COUNTED.format(
        covered=covered, wanted=wanted, joins=joins, roles=", ".join(["%s"] * len(roles))
    )
    return _COUNTED.format(by_role=by_role), [*wanted_params, *join_params, *roles] * 2


@dataclass(frozen=True)
class Drift:
    target: TrainingTarget
    covered_missing: int  # recount has them, the maintained table not (or another date)
    covered_extra: int
    counts_missing: int  # (enterprise, role, required, covered) rows of the recount not kept
    counts_extra: int

    @property
    def total(self) -> int:
        return self.covered_missing + self.covered_extra + self.counts_missing + self.counts_extra


def _difference(cursor, left: str, right: str, params: list) -> int:
    cursor.execute(
        f"SELECT COUNT(*) FROM (SELECT * FROM ({left}) l EXCEPT SELECT * FROM ({right}) r) d",
        params,
    )
    return cursor.fetchone()[0]


def drift_find(target: TrainingTarget, *, rules: Rules | None = None) -> Drift:
    """How far the maintained tables are from a recount for this target (4 queries, and one
    for the frequency rules unless given)."""
    rules = rules or rules_load()
    wanted, wanted_params = _wanted(target, rules)
    counted, counted_params = _counted(target, rules)
    with connection.cursor() as cursor:
        return Drift(
            target=target,
            covered_missing=_difference(cursor, wanted, _STORED, [*wanted_params, target.pk]),
            covered_extra=_difference(cursor, _STORED, wanted, [target.pk, *wanted_params]),
            counts_missing=_difference(cursor, counted, _KEPT, [*counted_params, target.pk]),
            counts_extra=_difference(cursor, _KEPT, counted, [target.pk, *counted_params]),
        )


def drift_repair() -> list[Drift]:
    """Compare every target with a recount; rebuild (and log) those that drifted."""
    found = []
    rules = rules_load()
    for target in TrainingTarget.objects.order_by("pk"):
        drift = drift_find(target, rules=rules)
        found.append(drift)
        if drift.total:
            logger.error(
                "Maintained coverage of target %s drifted from the recount (covered people: "
                "%s missing, %s extra; enterprise counts: %s missing, %s extra); rebuilt.",
                target.code,
                drift.covered_missing,
                drift.covered_extra,
                drift.counts_missing,
                drift.counts_extra,
            )
            target_rebuild(target)
    return found
