"""Accident figures written by an import: all rows or none, audited."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coverage.accidents.rows import COLUMN_LABELS, Problem, accident_rows_read
from coverage.jurisdiction import accident_figures_may_write, regions_in_scope
from coverage.models import AccidentFigures, AuditLog
from coverage.services import audit_log


@dataclass
class AccidentImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def imported(self) -> bool:
        return not self.problems


def accident_figures_import(
    *, user, file, filename: str, ip_address: str | None = None
) -> AccidentImportResult:
    """Write every row of the file (a row for a known region, industry and year replaces
    its figures), or nothing when any row has a problem; raise RosterFileError when the
    file cannot be read. Only regions in the user's scope can be written."""
    regions = {region.code: region for region in regions_in_scope(user)}
    rows, problems = accident_rows_read(file, filename=filename, regions=regions)
    # A department's regulator writes the industries it supervises, as it sees them.
    outside = [
        row
        for row in rows
        if not accident_figures_may_write(user, region=row.region, industry_id=row.industry.pk)
    ]
    if outside:
        rows = [row for row in rows if row not in outside]
        problems = sorted(
            problems
            + [
                Problem(
                    row.row,
                    COLUMN_LABELS["industry"],
                    _(
                        "%(industry)s is not an industry your department supervises in "
                        "%(region)s: import only the figures of its own industries."
                    )
                    % {"industry": row.industry.name, "region": row.region.name},
                )
                for row in outside
            ],
            key=lambda problem: problem.row,
        )
    if problems:
        return AccidentImportResult(
            rows=len(rows) + len({p.row for p in problems}), problems=problems
        )
    now = timezone.now()
    result = AccidentImportResult(rows=len(rows))
    with transaction.atomic():
        for row in rows:
            _figures, created = AccidentFigures.objects.update_or_create(
                region=row.region,
                industry=row.industry,
                year=row.year,
                defaults={
                    "injuries": row.injuries,
                    "deaths": row.deaths,
                    "occupational_diseases": row.occupational_diseases,
                    "pneumoconiosis": row.pneumoconiosis,
                    "insured": row.insured,
                    "imported_by": user,
                    "imported_at": now,
                    "source_file": filename[:200],
                },
            )
            if created:
                result.created += 1
            else:
                result.updated += 1
        audit_log(
            user=user,
            action=AuditLog.Action.ACCIDENT_IMPORT,
            subject=f"accident figures from {filename}",
            rows=len(rows),
            ip_address=ip_address,
        )
    return result
