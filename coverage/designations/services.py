"""Designations written by a regulator, one at a time in the web or from a file (all rows or
none); every change audited. Who may is checked by the views (coverage.jurisdiction)."""

from dataclasses import dataclass, field

from django.db import transaction

from coverage.designations.checks import DesignationSpec
from coverage.designations.rows import Problem, designation_rows_read
from coverage.jurisdiction import regions_in_scope
from coverage.models import AuditLog, KeyDesignation
from coverage.services import audit_log


def _describe(designation: KeyDesignation) -> str:
    return (
        f"{designation.year} {designation.region.name} "
        f"{designation.get_kind_display()} {designation.subject}"
    )


def _audit(*, user, verb: str, designation: KeyDesignation, ip_address: str | None) -> None:
    audit_log(
        user=user,
        action=AuditLog.Action.DESIGNATION,
        subject=f"key designation {verb}: {_describe(designation)}",
        rows=1,
        ip_address=ip_address,
    )


def _save(*, user, spec: DesignationSpec) -> tuple[KeyDesignation, bool]:
    designation, created = KeyDesignation.objects.get_or_create(
        **spec.lookup, defaults={"reason": spec.reason, "created_by": user}
    )
    if not created and designation.reason != spec.reason:
        designation.reason = spec.reason
        designation.save(update_fields=["reason", "updated_at"])
    if spec.kind == KeyDesignation.Kind.PROJECT:
        designation.project_enterprises.set(spec.enterprises)
    return designation, created


@transaction.atomic
def designation_add(
    *, user, spec: DesignationSpec, ip_address: str | None = None
) -> KeyDesignation:
    """Designate (a designation already there for the region, year and subject takes the new
    reason, and a project its enterprises)."""
    designation, created = _save(user=user, spec=spec)
    _audit(
        user=user,
        verb="added" if created else "changed",
        designation=designation,
        ip_address=ip_address,
    )
    return designation


@transaction.atomic
def designation_change(
    *, user, designation: KeyDesignation, spec: DesignationSpec, ip_address: str | None = None
) -> KeyDesignation:
    """A new reason (and, for a project, its enterprises); what is designated stays."""
    designation.reason = spec.reason
    designation.save(update_fields=["reason", "updated_at"])
    if designation.kind == KeyDesignation.Kind.PROJECT:
        designation.project_enterprises.set(spec.enterprises)
    _audit(user=user, verb="changed", designation=designation, ip_address=ip_address)
    return designation


@transaction.atomic
def designation_remove(*, user, designation: KeyDesignation, ip_address: str | None = None) -> None:
    _audit(user=user, verb="removed", designation=designation, ip_address=ip_address)
    designation.delete()


@dataclass
class DesignationImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def imported(self) -> bool:
        return not self.problems


def designations_import(
    *, user, file, filename: str, ip_address: str | None = None
) -> DesignationImportResult:
    """Write every row of the file (a row for a region, year and subject already designated
    replaces its reason), or nothing when any row has a problem; raise RosterFileError when
    the file cannot be read. Only regions in the user's scope can designate."""
    regions = {region.code: region for region in regions_in_scope(user)}
    rows, problems = designation_rows_read(file, filename=filename, regions=regions)
    if problems:
        return DesignationImportResult(
            rows=len(rows) + len({p.row for p in problems}), problems=problems
        )
    result = DesignationImportResult(rows=len(rows))
    with transaction.atomic():
        for row in rows:
            _designation, created = _save(user=user, spec=row.spec)
            if created:
                result.created += 1
            else:
                result.updated += 1
        audit_log(
            user=user,
            action=AuditLog.Action.DESIGNATION,
            subject=f"key designations imported from {filename}",
            rows=len(rows),
            ip_address=ip_address,
        )
    return result
