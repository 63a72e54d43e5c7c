"""Which cached trend a viewer reads: the region's enterprises the viewer sees, and a key
naming that narrowing (empty when it is the whole region, so that everyone who sees all of it
shares one value). Built from the scopes of `coverage.jurisdiction`, which decides who sees
what; this module only names the result for the cache."""

from dataclasses import dataclass

from django.db.models import QuerySet

from coverage.jurisdiction import RegulatedScope, enterprises_in_scope, regulated_scopes
from coverage.models import DepartmentScope, Enterprise, Membership, Region


@dataclass(frozen=True)
class RegionView:
    """What a user sees of a region's enterprises: `enterprises`, and `key`, empty when
    that is every enterprise of the region (figures any such user may share, as the cached
    trend), else a name for this narrowing (its departments' industries, and organisations
    the user administers there)."""

    enterprises: QuerySet[Enterprise]
    key: str


def region_view(user, region: Region) -> RegionView:
    """The user's enterprises in the region: all of them for a superuser or a regulator of
    the region (or above) without a department, else the departments' industries."""
    enterprises = enterprises_in_scope(user).filter(region__path__startswith=region.path)
    if user.is_superuser:
        return RegionView(enterprises, "")
    relevant = [
        s
        for s in regulated_scopes(user)
        if region.path.startswith(s.path) or s.path.startswith(region.path)
    ]
    if any(s.industry_ids is None and region.path.startswith(s.path) for s in relevant):
        return RegionView(enterprises, "")
    administered = sorted(getattr(user, "_administered_ids", None) or [])
    return RegionView(enterprises, _view_key(region, relevant, administered))


def _view_key(region: Region, scopes: list[RegulatedScope], administered: list[int]) -> str:
    # A membership at or above the region covers all of it: its path is left out ("^"), so
    # a province's and a city's 住建 regulators share the city's value.
    parts = sorted(
        {
            ("^" if region.path.startswith(s.path) else s.path)
            + "="
            + ("*" if s.industry_ids is None else ",".join(map(str, s.industry_ids)))
            for s in scopes
        }
    )
    if administered:
        parts.append("admin=" + ",".join(map(str, administered)))
    return ";".join(parts)


def department_region_views(regions: list[Region]) -> list[tuple[Region, RegionView]]:
    """For the nightly trend warm-up: each region as the departments whose regulators see it
    narrowed see it (a regulator membership at or above it whose department lists its
    industries), keyed as `region_view` keys it for such a regulator."""
    placed = set(
        Membership.objects.filter(role=Membership.Role.REGULATOR)
        .exclude(department="")
        .values_list("region__path", "department")
    )
    industries: dict[str, tuple[int, ...]] = {}
    for scope in DepartmentScope.objects.filter(all_industries=False).prefetch_related(
        "industries"
    ):
        ids = tuple(sorted(industry.pk for industry in scope.industries.all()))
        if ids:
            industries[scope.department] = ids
    views = []
    for region in regions:
        for department in sorted(
            {d for path, d in placed if d in industries and region.path.startswith(path)}
        ):
            ids = industries[department]
            scope = RegulatedScope(region.path, department, ids)
            enterprises = Enterprise.objects.filter(
                region__path__startswith=region.path, industry_id__in=ids
            )
            views.append((region, RegionView(enterprises, _view_key(region, [scope], []))))
    return views
