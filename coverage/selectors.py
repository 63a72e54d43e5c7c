"""Coverage figures, computed in SQL. One set of selectors serves the dashboards, the exports,
the API and the annual report, so every place shows the same numbers.

A person on an active roster entry with a required role, in a key enterprise, is *covered*
when they have a training record counting toward the target dated inside its period. Training
belongs to the person: a course finished while working elsewhere counts here too. An entry in
a frequency group (TrainingFrequency: a role, optionally in one industry) needs that many
records in the counting year instead (coverage/counts/frequency.py states the rule).

The figures are sums over the maintained counts (coverage/counts/): per enterprise, target
and role, the required and covered entries, kept exact as rosters and records change. Key
designation, region and industry are read from the enterprise at query time.
"""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FilteredRelation,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Round
from django.utils import timezone

from coverage.counts.maintain import ALL_ROLES
from coverage.designations.selectors import enterprises_key, target_years
from coverage.models import (
    CoveredPerson,
    Enterprise,
    EnterpriseCoverage,
    Region,
    Role,
    RosterEntry,
    TrainingFrequency,
    TrainingTarget,
)


@dataclass(frozen=True)
class Figures:
    required: int
    covered: int

    @property
    def percent(self) -> float | None:
        """None when nobody is required: "roster missing", never 100 %."""
        return round(self.covered * 100 / self.required, 1) if self.required else None

    @property
    def missing(self) -> int:
        return self.required - self.covered


def target_current(*, today: datetime.date | None = None) -> TrainingTarget | None:
    """The target whose period contains today, else the one that ended last."""
    today = today or timezone.localdate()
    return (
        TrainingTarget.objects.filter(start_date__lte=today, end_date__gte=today)
        .order_by("end_date")
        .first()
        or TrainingTarget.objects.order_by("-end_date").first()
    )


def key_enterprises(
    enterprises: QuerySet[Enterprise], *, target: TrainingTarget
) -> QuerySet[Enterprise]:
    """The enterprises key for the target: designated in a year of its period."""
    first, last = target_years(target)
    return enterprises_key(enterprises, first_year=first, last_year=last)


def _per_year(target: TrainingTarget) -> Coalesce:
    """The entry's frequency rule (its industry's, else its role's): 0 outside every group."""
    rules = TrainingFrequency.objects.filter(target=target, role=OuterRef("role")).values(
        "per_year"
    )
    return Coalesce(
        Subquery(rules.filter(industry=OuterRef("enterprise__industry_id"))[:1]),
        Subquery(rules.filter(industry__isnull=True)[:1]),
        0,
    )


def _is_covered(target: TrainingTarget) -> Exists:
    # `in_year` is 0 outside frequency targets, and so is an entry's per_year outside groups.
    return Exists(
        CoveredPerson.objects.filter(
            target=target, person=OuterRef("person_id"), in_year__gte=OuterRef("per_year")
        )
    )


def required_entries(
    *, target: TrainingTarget, enterprises: QuerySet[Enterprise]
) -> QuerySet[RosterEntry]:
    """Active roster entries the target requires, annotated with their `per_year` (0: one
    qualifying training in the period is enough)."""
    return (
        RosterEntry.objects.filter(
            end_date__isnull=True,
            role__in=target.required_roles,
            enterprise__in=key_enterprises(enterprises, target=target),
        )
        .annotate(per_year=_per_year(target))
        .order_by()
    )


def frequency_by_role(*, target: TrainingTarget, industry_id: int | None) -> dict[str, int]:
    """The trainings a year each role of an enterprise in this industry needs (roles
    without a frequency rule are absent)."""
    found: dict[str, int] = {}
    for role, industry, per_year in TrainingFrequency.objects.filter(
        Q(industry__isnull=True) | Q(industry_id=industry_id), target=target
    ).values_list("role", "industry_id", "per_year"):
        if industry is not None or role not in found:  # the industry's own rule wins
            found[role] = per_year
    return found


def covered_entries(
    *, target: TrainingTarget, enterprises: QuerySet[Enterprise]
) -> QuerySet[RosterEntry]:
    """The required entries whose person has qualifying training."""
    return required_entries(target=target, enterprises=enterprises).filter(_is_covered(target))


def _counts(target: TrainingTarget, enterprises: QuerySet[Enterprise], *, by_role: bool):
    """The maintained counts of the target in the key enterprises: per required role, or
    (by_role=False) one row per enterprise summing its required roles."""
    roles = {"role__in": target.required_roles} if by_role else {"role": ALL_ROLES}
    return EnterpriseCoverage.objects.filter(
        target=target,
        required__gt=0,
        enterprise__in=key_enterprises(enterprises, target=target),
        **roles,
    ).order_by()


_SUMS = {
    "required_sum": Coalesce(Sum("required"), 0),
    "covered_sum": Coalesce(Sum("covered"), 0),
}


def _grouped_figures(target, enterprises, *fields: str, by_role: bool) -> dict[tuple, Figures]:
    rows = _counts(target, enterprises, by_role=by_role).values(*fields).annotate(**_SUMS)
    return {
        tuple(row[field] for field in fields): Figures(row["required_sum"], row["covered_sum"])
        for row in rows
    }


def coverage_totals(*, target: TrainingTarget, enterprises: QuerySet[Enterprise]) -> Figures:
    sums = _counts(target, enterprises, by_role=False).aggregate(**_SUMS)
    return Figures(sums["required_sum"], sums["covered_sum"])


def coverage_by_role(
    *, target: TrainingTarget, enterprises: QuerySet[Enterprise]
) -> dict[str, Figures]:
    found = _grouped_figures(target, enterprises, "role", by_role=True)
    return {role: found.get((role,), Figures(0, 0)) for role in target.required_roles}


def coverage_by_industry(
    *, target: TrainingTarget, enterprises: QuerySet[Enterprise]
) -> list[tuple[str, str, Figures]]:
    """(code, name, figures) per industry, worst first."""
    found = _grouped_figures(
        target,
        enterprises,
        "enterprise__industry__code",
        "enterprise__industry__name",
        by_role=False,
    )
    result = [(code or "", name or "", figures) for (code, name), figures in found.items()]
    return sorted(result, key=lambda item: (item[2].percent is not None, item[2].percent or 0))


def enterprises_with_coverage(
    *, target: TrainingTarget, enterprises: QuerySet[Enterprise]
) -> QuerySet[Enterprise]:
    """Key enterprises annotated `required`, `covered`, `percent` (NULL: roster missing),
    worst first; the primary key last makes the order total, so pages never overlap."""
    # One maintained row per enterprise (all its required roles): a join, no grouping.
    counted = FilteredRelation(
        "coverage_counts",
        condition=Q(coverage_counts__target=target, coverage_counts__role=ALL_ROLES),
    )
    return (
        key_enterprises(enterprises, target=target)
        .annotate(
            counted=counted,
            required=Coalesce(F("counted__required"), 0),
            covered=Coalesce(F("counted__covered"), 0),
        )
        .annotate(
            percent=Case(
                When(required=0, then=Value(None)),
                default=Round(F("covered") * 100.0 / F("required"), 1),
                output_field=FloatField(),
            )
        )
        .select_related("region", "industry")
        .order_by(F("percent").asc(nulls_first=True), "-required", "name", "pk")
    )


def enterprise_role_figures(
    *, target: TrainingTarget, enterprises: QuerySet[Enterprise]
) -> dict[int, dict[str, Figures]]:
    """Per enterprise id, per required role: one grouped query for any number of enterprises."""
    result: dict[int, dict[str, Figures]] = {}
    for (enterprise_id, role), figures in _grouped_figures(
        target, enterprises, "enterprise_id", "role", by_role=True
    ).items():
        result.setdefault(enterprise_id, {})[role] = figures
    return {
        enterprise_id: {role: by_role.get(role, Figures(0, 0)) for role in target.required_roles}
        for enterprise_id, by_role in result.items()
    }


@dataclass(frozen=True)
class RegionFigures:
    region: Region | None
    people: Figures
    key_enterprises: int
    complete_enterprises: int
    roster_missing: int

    @property
    def complete_share(self) -> float | None:
        """Share of key enterprises at 100 %, shown beside the people-weighted figure."""
        if not self.key_enterprises:
            return None
        return round(self.complete_enterprises * 100 / self.key_enterprises, 1)


def _enterprise_counts(condition: Q | None = None) -> dict:
    condition = condition or Q()
    return {
        "key_enterprises": Count("pk", filter=condition),
        "complete_enterprises": Count(
            "pk", filter=condition & Q(required__gt=0, covered=F("required"))
        ),
        "roster_missing": Count("pk", filter=condition & Q(required=0)),
    }


def region_figures(
    *, target: TrainingTarget, region: Region | None, enterprises: QuerySet[Enterprise]
) -> RegionFigures:
    """The region's people-weighted coverage and its enterprises' state (one query)."""
    if region is not None:
        enterprises = enterprises.filter(region__path__startswith=region.path)
    found = (
        enterprises_with_coverage(target=target, enterprises=enterprises)
        .order_by()
        .aggregate(**_SUMS, **_enterprise_counts())
    )
    return RegionFigures(
        region=region,
        people=Figures(found.pop("required_sum"), found.pop("covered_sum")),
        **found,
    )


def coverage_by_subregion(
    *, target: TrainingTarget, region: Region, enterprises: QuerySet[Enterprise]
) -> list[RegionFigures]:
    """Each child region's figures, rolled up from everything below it (two queries).

    The database sums per region (a few hundred rows in a province); each child adds up
    the regions under its path.
    """
    children = list(region.children.all())
    if not children:
        return []
    per_region = (
        enterprises_with_coverage(
            target=target, enterprises=enterprises.filter(region__path__startswith=region.path)
        )
        .order_by()
        .values("region__path")
        .annotate(**_SUMS, **_enterprise_counts())
    )
    totals = {child.pk: Counter() for child in children}
    for row in per_region:
        for child in children:
            if row["region__path"].startswith(child.path):
                totals[child.pk].update({k: v for k, v in row.items() if k != "region__path"})
                break
    figures = [
        RegionFigures(
            region=child,
            people=Figures(totals[child.pk]["required_sum"], totals[child.pk]["covered_sum"]),
            key_enterprises=totals[child.pk]["key_enterprises"],
            complete_enterprises=totals[child.pk]["complete_enterprises"],
            roster_missing=totals[child.pk]["roster_missing"],
        )
        for child in children
    ]
    # Worst first; regions without any key enterprise have nothing to do and go last.
    return sorted(
        figures,
        key=lambda f: (not f.key_enterprises, f.people.percent is not None, f.people.percent or 0),
    )


def people_not_covered(
    *, target: TrainingTarget, enterprises: QuerySet[Enterprise]
) -> QuerySet[RosterEntry]:
    """Required roster entries still without qualifying training (masked data only); those
    in frequency groups carry `in_year`, their qualifying trainings in the counting year."""
    in_year = CoveredPerson.objects.filter(target=target, person=OuterRef("person_id"))
    return (
        required_entries(target=target, enterprises=enterprises)
        .filter(~_is_covered(target))
        .annotate(in_year=Coalesce(Subquery(in_year.values("in_year")[:1]), 0))
        .select_related("person", "enterprise", "enterprise__region")
        .order_by("enterprise__name", "role", "person__name")
    )


def days_to_deadline(target: TrainingTarget, *, today: datetime.date | None = None) -> int:
    return (target.end_date - (today or timezone.localdate())).days


ROLE_LABELS = dict(Role.choices)
