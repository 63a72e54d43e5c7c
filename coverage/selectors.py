"""Coverage figures, computed in SQL. One set of selectors serves the dashboards, the exports,
the API and the annual report, so every place shows the same numbers.

A person on an active roster entry with a required role, in a key enterprise, is *covered*
when they have a training record counting toward the target dated inside its period. Training
belongs to the person: a course finished while working elsewhere counts here too.
"""

import datetime
from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Round
from django.utils import timezone

from coverage.models import Enterprise, Region, Role, RosterEntry, TrainingRecord, TrainingTarget


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


def key_enterprises(enterprises: QuerySet[Enterprise]) -> QuerySet[Enterprise]:
    return enterprises.filter(is_key=True, kind=Enterprise.Kind.ENTERPRISE)


def _is_covered(target: TrainingTarget) -> Exists:
    return Exists(
        TrainingRecord.objects.filter(
            person=OuterRef("person_id"),
            targets=target,
            occurred_on__gte=target.start_date,
            occurred_on__lte=target.end_date,
        )
    )


def required_entries(
    *, target: TrainingTarget, enterprises: QuerySet[Enterprise]
) -> QuerySet[RosterEntry]:
    """Active roster entries the target requires."""
    return RosterEntry.objects.filter(
        end_date__isnull=True,
        role__in=target.required_roles,
        enterprise__in=key_enterprises(enterprises),
    ).order_by()


def covered_entries(
    *, target: TrainingTarget, enterprises: QuerySet[Enterprise]
) -> QuerySet[RosterEntry]:
    """The required entries whose person has qualifying training.

    The EXISTS stands in WHERE, where PostgreSQL turns it into one hash semi-join; inside a
    conditional COUNT it would run once per roster entry (5-9x slower at province scale,
    measured by `make bench`). So figures are two counts, required and covered, merged here.
    """
    return required_entries(target=target, enterprises=enterprises).filter(_is_covered(target))


def _grouped_figures(target, enterprises, *fields: str) -> dict[tuple, Figures]:
    def counts(queryset) -> dict[tuple, int]:
        rows = queryset.values(*fields).annotate(n=Count("pk"))
        return {tuple(row[field] for field in fields): row["n"] for row in rows}

    required = counts(required_entries(target=target, enterprises=enterprises))
    covered = counts(covered_entries(target=target, enterprises=enterprises))
    return {key: Figures(n, covered.get(key, 0)) for key, n in required.items()}


def coverage_totals(*, target: TrainingTarget, enterprises: QuerySet[Enterprise]) -> Figures:
    return Figures(
        required_entries(target=target, enterprises=enterprises).count(),
        covered_entries(target=target, enterprises=enterprises).count(),
    )


def coverage_by_role(
    *, target: TrainingTarget, enterprises: QuerySet[Enterprise]
) -> dict[str, Figures]:
    found = _grouped_figures(target, enterprises, "role")
    return {role: found.get((role,), Figures(0, 0)) for role in target.required_roles}


def coverage_by_industry(
    *, target: TrainingTarget, enterprises: QuerySet[Enterprise]
) -> list[tuple[str, str, Figures]]:
    """(code, name, figures) per industry, worst first."""
    found = _grouped_figures(
        target, enterprises, "enterprise__industry__code", "enterprise__industry__name"
    )
    result = [(code or "", name or "", figures) for (code, name), figures in found.items()]
    return sorted(result, key=lambda item: (item[2].percent is not None, item[2].percent or 0))


def enterprises_with_coverage(
    *, target: TrainingTarget, enterprises: QuerySet[Enterprise]
) -> QuerySet[Enterprise]:
    """Key enterprises annotated `required`, `covered`, `percent` (NULL: roster missing),
    worst first; the primary key last makes the order total, so pages never overlap."""
    entries = RosterEntry.objects.filter(
        enterprise=OuterRef("pk"), end_date__isnull=True, role__in=target.required_roles
    )

    def count_of(queryset) -> Coalesce:
        counted = queryset.order_by().values("enterprise").annotate(n=Count("pk")).values("n")
        return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))

    return (
        key_enterprises(enterprises)
        .annotate(
            required=count_of(entries),
            covered=count_of(entries.filter(_is_covered(target))),
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
    """Per enterprise id, per required role: two grouped queries for any number of enterprises."""
    result: dict[int, dict[str, Figures]] = {}
    for (enterprise_id, role), figures in _grouped_figures(
        target, enterprises, "enterprise_id", "role"
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
    """The region's people-weighted coverage and its enterprises' state (three queries)."""
    if region is not None:
        enterprises = enterprises.filter(region__path__startswith=region.path)
    people = coverage_totals(target=target, enterprises=enterprises)
    counts = (
        enterprises_with_coverage(target=target, enterprises=enterprises)
        .order_by()
        .aggregate(**_enterprise_counts())
    )
    return RegionFigures(region=region, people=people, **counts)


def coverage_by_subregion(
    *, target: TrainingTarget, region: Region, enterprises: QuerySet[Enterprise]
) -> list[RegionFigures]:
    """Each child region's figures, rolled up from everything below it (four queries)."""
    children = list(region.children.all())
    if not children:
        return []
    enterprises = enterprises.filter(region__path__startswith=region.path)
    people_aggregates, enterprise_aggregates = {}, {}
    for child in children:
        people_aggregates[str(child.pk)] = Count(
            "pk", filter=Q(enterprise__region__path__startswith=child.path)
        )
        in_child = Q(region__path__startswith=child.path)
        for name, aggregate in _enterprise_counts(in_child).items():
            enterprise_aggregates[f"{name}_{child.pk}"] = aggregate
    required = required_entries(target=target, enterprises=enterprises).aggregate(
        **people_aggregates
    )
    covered = covered_entries(target=target, enterprises=enterprises).aggregate(**people_aggregates)
    counts = (
        enterprises_with_coverage(target=target, enterprises=enterprises)
        .order_by()
        .aggregate(**enterprise_aggregates)
    )
    figures = [
        RegionFigures(
            region=child,
            people=Figures(required[str(child.pk)], covered[str(child.pk)]),
            key_enterprises=counts[f"key_enterprises_{child.pk}"],
            complete_enterprises=counts[f"complete_enterprises_{child.pk}"],
            roster_missing=counts[f"roster_missing_{child.pk}"],
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
    """Required roster entries still without qualifying training (masked data only)."""
    return (
        required_entries(target=target, enterprises=enterprises)
        .filter(~_is_covered(target))
        .select_related("person", "enterprise", "enterprise__region")
        .order_by("enterprise__name", "role", "person__name")
    )


def days_to_deadline(target: TrainingTarget, *, today: datetime.date | None = None) -> int:
    return (target.end_date - (today or timezone.localdate())).days


ROLE_LABELS = dict(Role.choices)
