"""Which enterprises are key, read from the designations (the only source of "key").

An enterprise (of kind enterprise: schools and institutions never are) is key for a span of
years when a designation of a year in the span names it, names a project it runs, or names
its industry and was made by a region containing it. The condition is one SQL expression
(IN and EXISTS over the small designation table), so a province's dashboard filters its
20,000 enterprises' maintained counts with it at query time: designations need no count
maintenance.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from coverage.models import Enterprise, Industry, KeyDesignation, Region, TrainingTarget


def key_condition(*, first_year: int, last_year: int) -> Q:
    """The condition on Enterprise: key in some year from first_year to last_year."""
    in_years = KeyDesignation.objects.filter(year__range=(first_year, last_year)).order_by()
    own = in_years.filter(kind=KeyDesignation.Kind.ENTERPRISE).values("enterprise_id")
    projects = (
        KeyDesignation.project_enterprises.through.objects.filter(
            keydesignation__year__range=(first_year, last_year)
        )
        .order_by()
        .values("enterprise_id")
    )
    # An industry designation reaches the enterprises of the industry in the designating
    # region and below, so the designating region is the enterprise's region or one of its
    # (at most two) ancestors: province, city, county/zone. Three index probes of the
    # (region, year, industry) constraint per enterprise; matching region paths with LIKE
    # instead cost 0.3 s for 5,000 enterprises.
    by_industry = Exists(
        in_years.filter(
            Q(region_id=OuterRef("region_id"))
            | Q(region_id=OuterRef("region__parent_id"))
            | Q(region_id=OuterRef("region__parent__parent_id")),
            kind=KeyDesignation.Kind.INDUSTRY,
            industry=OuterRef("industry_id"),
        )
    )
    return Q(kind=Enterprise.Kind.ENTERPRISE) & (Q(pk__in=own) | Q(pk__in=projects) | by_industry)


def target_years(target: TrainingTarget) -> tuple[int, int]:
    return target.start_date.year, target.end_date.year


def enterprises_key(
    enterprises: QuerySet[Enterprise], *, first_year: int, last_year: int
) -> QuerySet[Enterprise]:
    return enterprises.filter(key_condition(first_year=first_year, last_year=last_year))


def enterprise_is_key(*, enterprise: Enterprise, target: TrainingTarget) -> bool:
    first, last = target_years(target)
    return enterprises_key(
        Enterprise.objects.filter(pk=enterprise.pk), first_year=first, last_year=last
    ).exists()


def province_key_industry_condition() -> Q:
    """The province's key industries (any year): what publicity campaigns and cases are for."""
    return Q(
        pk__in=KeyDesignation.objects.filter(
            kind=KeyDesignation.Kind.INDUSTRY, region__parent__isnull=True
        ).values("industry_id")
    )


def industries_key() -> QuerySet[Industry]:
    return Industry.objects.filter(province_key_industry_condition())


def designations_of_region(*, region: Region, year: int) -> QuerySet[KeyDesignation]:
    """The designations made by the region and the regions below it in the year, for its list."""
    return (
        KeyDesignation.objects.filter(year=year, region__path__startswith=region.path)
        .select_related("region", "industry", "enterprise", "enterprise__region", "created_by")
        .prefetch_related("project_enterprises")
        .order_by("region__path", "kind", "industry__code", "enterprise__name", "project_name")
    )


def designations_in_force(*, region: Region, year: int) -> QuerySet[KeyDesignation]:
    """The designations made above the region that apply within it in the year (read-only)."""
    codes = region.path.strip("/").split("/")[:-1]
    within = region.path
    return (
        KeyDesignation.objects.filter(year=year, region__code__in=codes)
        .filter(
            Q(kind=KeyDesignation.Kind.INDUSTRY)
            | Q(enterprise__region__path__startswith=within)
            | Q(project_enterprises__region__path__startswith=within)
        )
        .distinct()
        .select_related("region", "industry", "enterprise")
        .prefetch_related("project_enterprises")
        .order_by("region__path", "kind", "industry__code", "pk")
    )
