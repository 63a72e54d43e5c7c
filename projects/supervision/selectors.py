"""Supervision of a region's projects (事前事中事后, issue 17 item 5): what 人社 and 社保 see.

A supervisor is a regulator of the human-resources (人社) or social-insurance (社保) department;
the projects are those of the regions under their scopes (coverage.jurisdiction's answer).
Overdue steps are computed in SQL from the project's deadlines: a step still open after its
date is overdue. The yearly list aggregates per region in three grouped queries, whatever the
number of projects."""

from dataclasses import dataclass
from decimal import Decimal
from functools import reduce
from operator import or_

from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from coverage.jurisdiction import regulated_scopes
from coverage.models import Attendance, Department, Region
from projects.models import BudgetLine, Project

Status = Project.Status

SUPERVISING = (Department.HUMAN_RESOURCES, Department.SOCIAL_INSURANCE)

# The step a project waits on, and the deadline field that bounds it.
OVERDUE_STEPS = (
    ("declaration", (Status.DRAFT,), "declaration_closes"),
    ("agreement", (Status.APPROVED,), "agreement_due"),
    ("delivery", (Status.AGREEMENT_FILED, Status.IN_EXECUTION), "delivery_due"),
)


def supervision_condition(user) -> Q | None:
    """The Q over projects the user supervises, or None when the user supervises nothing."""
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return Q()
    scopes = [s for s in regulated_scopes(user) if s.department in SUPERVISING]
    if not scopes:
        return None
    return reduce(
        or_, (s.condition(path_field="region__path", industry_field="industry_id") for s in scopes)
    )


def projects_supervised(condition: Q) -> QuerySet[Project]:
    """The supervised projects, each annotated with `overdue_step` ('' when none)."""
    today = timezone.localdate()
    whens = [
        When(Q(status__in=statuses, **{f"{field}__lt": today}), then=Value(step))
        for step, statuses, field in OVERDUE_STEPS
    ]
    return Project.objects.filter(condition).annotate(
        overdue_step=Case(*whens, default=Value(""), output_field=CharField())
    )


def status_counts(projects: QuerySet[Project]) -> dict[str, dict[str, int]]:
    """Per status: projects and overdue ones (one grouped query)."""
    rows = (
        projects.order_by()
        .values("status")
        .annotate(total=Count("pk"), overdue=Count("pk", filter=~Q(overdue_step="")))
    )
    return {r["status"]: {"total": r["total"], "overdue": r["overdue"]} for r in rows}


@dataclass(frozen=True)
class RegionYear:
    region: Region
    projects: int
    budget: Decimal
    paid: Decimal
    people: int


def yearly_by_region(projects: QuerySet[Project], *, year: int) -> list[RegionYear]:
    """The year's projects per region: number, budget, paid and people trained (distinct
    people with verified attendance at the projects' sessions), in three grouped queries."""
    year_projects = projects.filter(year=year).order_by()
    counts = {
        r["region"]: r
        for r in year_projects.values("region").annotate(
            n=Count("pk"), paid=Coalesce(Sum("paid_amount"), Decimal("0"))
        )
    }
    cost = ExpressionWrapper(
        F("quantity") * F("standard__amount"), output_field=DecimalField(decimal_places=2)
    )
    budgets = {
        r["project__region"]: r["budget"]
        for r in BudgetLine.objects.filter(project__in=year_projects.values("pk"))
        .values("project__region")
        .annotate(budget=Sum(cost))
    }
    people = {
        r["session__project_links__project__region"]: r["n"]
        for r in Attendance.objects.filter(
            session__project_links__project__in=year_projects.values("pk"),
            verified_at__isnull=False,
            removed_at__isnull=True,
        )
        .values("session__project_links__project__region")
        .annotate(n=Count("person", distinct=True))
    }
    regions = Region.objects.filter(pk__in=counts).order_by("code")
    return [
        RegionYear(
            region=region,
            projects=counts[region.pk]["n"],
            budget=(budgets.get(region.pk) or Decimal("0")).quantize(Decimal("0.01")),
            paid=counts[region.pk]["paid"],
            people=people.get(region.pk, 0),
        )
        for region in regions
    ]
