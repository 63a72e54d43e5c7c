"""The maintained coverage compared with a full recount from rosters and records.

The recount reads only base tables (records, their targets, roster entries), never the
maintained ones, so it is the definition the maintained tables must equal. A periodic task
runs it (`coverage.counts_drift_repair`): any difference is logged as an error, with its
size, and repaired by rebuilding the target. Tests run it after every sequence of changes.
"""

import logging
from dataclasses import dataclass

from django.db import connection

from coverage.counts.maintain import _QUALIFYING, target_rebuild
from coverage.models import TrainingTarget

logger = logging.getLogger(__name__)

_WANTED = _QUALIFYING.format(where="AND t.id = %s")
_STORED = "SELECT target_id, person_id, first_on FROM coverage_coveredperson WHERE target_id = %s"

_ROLE_COUNTED = f"""
    SELECT r.enterprise_id AS enterprise_id, r.role AS role,
           COUNT(*) AS required, COUNT(w.person_id) AS covered
    FROM coverage_rosterentry r
    LEFT JOIN ({_WANTED}) w ON w.person_id = r.person_id
    WHERE r.end_date IS NULL AND r.role IN ({{roles}})
    GROUP BY r.enterprise_id, r.role
"""
# Each enterprise's rows per role, and its row of all required roles (ALL_ROLES, '').
_COUNTED = f"""
    SELECT enterprise_id, role, required, covered FROM ({_ROLE_COUNTED}) by_role
    UNION ALL
    SELECT enterprise_id, '', SUM(required), SUM(covered) FROM ({_ROLE_COUNTED}) by_role
    GROUP BY enterprise_id
"""
_KEPT = """
    SELECT enterprise_id, role, required, covered FROM coverage_enterprisecoverage
    WHERE target_id = %s AND (required <> 0 OR covered <> 0)
"""


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


def drift_find(target: TrainingTarget) -> Drift:
    """How far the maintained tables are from a recount for this target (4 queries)."""
    roles = [str(role) for role in target.required_roles] or [""]
    counted = _COUNTED.format(roles=", ".join(["%s"] * len(roles)))
    counted_params = [target.pk, *roles] * 2
    with connection.cursor() as cursor:
        return Drift(
            target=target,
            covered_missing=_difference(cursor, _WANTED, _STORED, [target.pk, target.pk]),
            covered_extra=_difference(cursor, _STORED, _WANTED, [target.pk, target.pk]),
            counts_missing=_difference(cursor, counted, _KEPT, [*counted_params, target.pk]),
            counts_extra=_difference(cursor, _KEPT, counted, [target.pk, *counted_params]),
        )


def drift_repair() -> list[Drift]:
    """Compare every target with a recount; rebuild (and log) those that drifted."""
    found = []
    for target in TrainingTarget.objects.order_by("pk"):
        drift = drift_find(target)
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
