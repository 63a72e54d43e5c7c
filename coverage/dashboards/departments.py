"""The department narrowing a regulator's figures, for the page header ("住房和城乡建设 ·
建筑施工"): read from the scopes `coverage.jurisdiction` has already loaded, so no query."""

from dataclasses import dataclass

from coverage.jurisdiction import regulated_scopes
from coverage.models import Department


@dataclass(frozen=True)
class DepartmentLabel:
    department: str
    industries: list[str]  # names; empty with `everything`
    everything: bool

    @property
    def name(self) -> str:
        return Department(self.department).label


def regulator_departments(user) -> list[DepartmentLabel]:
    """The departments narrowing the user's regulator memberships and what each supervises
    ("住房和城乡建设 · 建筑施工" on the dashboards), read with the scope: no query."""
    labels = {
        s.department: DepartmentLabel(
            department=s.department,
            industries=sorted(s.industry_names),
            everything=s.industry_ids is None,
        )
        for s in regulated_scopes(user)
        if s.department
    }
    return [labels[d] for d in sorted(labels)]
