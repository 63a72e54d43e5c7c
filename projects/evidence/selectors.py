"""A project's evidence pack (事中事后 supervision, 评估验收): planned against delivered people
and hours, built in SQL from the verified attendance of its linked sessions and the online
completions of its linked courses, and the payable amount.

Delivered counts everything verified. Payable counts only what nobody doubts: a verified
check-in without a flag (and not added by hand), or a flagged one the panel accepted; a
flagged check-in without a decision, or struck, is never paid. Online completions carry no
check-in flags (the learning lease and heartbeats decide credit) and are payable.

Payable amount: each budget line's standard × the payable units of its unit (person-hours,
people, sessions), at most the line's quantity (the agreement's ceiling); items are not
evidenced by the platform and pay nothing here. Planned numbers never enter it."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from courses.models import Enrolment
from coverage.models import Attendance, RosterEntry
from projects.models import FlagDecision, PaymentStandard, Project

Unit = PaymentStandard.Unit
ZERO = Decimal("0")

# Check-ins that point at someone not there in person (the check-in flags of coverage's
# sessions, and the organiser's additions by hand).
FLAGGED = ~Q(flags=[]) | Q(checkin_method=Attendance.Method.MANUAL)


@dataclass(frozen=True)
class PayLine:
    standard: PaymentStandard
    budgeted: Decimal
    units: Decimal
    amount: Decimal


@dataclass(frozen=True)
class Evidence:
    planned_people: int
    planned_hours: Decimal
    people: int
    hours: Decimal
    sessions: int
    completions: int
    flagged: int
    accepted: int
    struck: int
    payable_people: int
    payable_hours: Decimal
    payable_sessions: int
    pay_lines: list[PayLine] = field(default_factory=list)

    @property
    def payable(self) -> Decimal:
        return sum((line.amount for line in self.pay_lines), ZERO)


def project_attendances(*, project: Project) -> QuerySet[Attendance]:
    """The verified, not removed check-ins at the project's sessions, each with the panel's
    decision ('' when none)."""
    decisions = FlagDecision.objects.filter(project=project, attendance=OuterRef("pk"))
    return Attendance.objects.filter(
        session__project_links__project=project,
        verified_at__isnull=False,
        removed_at__isnull=True,
    ).annotate(
        is_accepted=Exists(decisions.filter(decision=FlagDecision.Decision.ACCEPT)),
        is_struck=Exists(decisions.filter(decision=FlagDecision.Decision.STRIKE)),
    )


def project_completions(*, project: Project) -> QuerySet[Enrolment]:
    """Completions of the project's courses in its year by people on the applicant's roster."""
    return Enrolment.objects.filter(
        course__in=project.course_links.values("course"),
        completed_at__year=project.year,
        person__in=RosterEntry.objects.filter(enterprise=project.applicant_id).values("person"),
    )


def project_flagged(*, project: Project) -> QuerySet[Attendance]:
    """The flagged verified check-ins, for the panel to accept or strike."""
    return (
        project_attendances(project=project)
        .filter(FLAGGED)
        .select_related("person", "session")
        .order_by("session__starts_at", "checked_in_at", "pk")
    )


def _planned_hours(project: Project) -> Decimal:
    """Planned person-hours: the budget's person-hour lines (the declaration's own figure)."""
    total = project.budget_lines.filter(standard__unit=Unit.PERSON_HOUR).aggregate(
        q=Sum("quantity")
    )["q"]
    return total or ZERO


def project_evidence(*, project: Project) -> Evidence:
    """The evidence pack of the project, in six queries whatever its size."""
    attendances = project_attendances(project=project)
    payable = (~FLAGGED | Q(is_accepted=True)) & Q(is_struck=False)
    att = attendances.aggregate(
        hours=Coalesce(Sum("session__hours"), ZERO),
        flagged=Count("pk", filter=FLAGGED),
        accepted=Count("pk", filter=FLAGGED & Q(is_accepted=True) & Q(is_struck=False)),
        struck=Count("pk", filter=FLAGGED & Q(is_struck=True)),
        payable_hours=Coalesce(Sum("session__hours", filter=payable), ZERO),
        payable_sessions=Count("session", filter=payable, distinct=True),
        sessions=Count("session", distinct=True),
    )
    completions = project_completions(project=project)
    online = completions.aggregate(
        count=Count("pk"), hours=Coalesce(Sum("course__credit_hours"), ZERO)
    )
    # Distinct people over both kinds of delivery (a UNION of person ids, counted in SQL).
    people_online = completions.order_by().values("person")
    people = attendances.order_by().values("person").union(people_online).count()
    payable_people = (
        attendances.filter(payable).order_by().values("person").union(people_online).count()
    )
    payable_hours = att["payable_hours"] + online["hours"]
    units = {
        Unit.PERSON_HOUR: payable_hours,
        Unit.PERSON: Decimal(payable_people),
        Unit.SESSION: Decimal(att["payable_sessions"]),
        Unit.ITEM: ZERO,
    }
    pay_lines = []
    for line in project.budget_lines.select_related("standard").order_by("pk"):
        # Two lines of one unit share its payable units, the first taking what it budgeted.
        paid_units = min(units[line.standard.unit], line.quantity)
        units[line.standard.unit] -= paid_units
        amount = (paid_units * line.standard.amount).quantize(Decimal("0.01"))
        pay_lines.append(PayLine(line.standard, line.quantity, paid_units, amount))
    return Evidence(
        planned_people=project.planned_people,
        planned_hours=_planned_hours(project),
        people=people,
        hours=att["hours"] + online["hours"],
        sessions=att["sessions"],
        completions=online["count"],
        flagged=att["flagged"],
        accepted=att["accepted"],
        struck=att["struck"],
        payable_people=payable_people,
        payable_hours=payable_hours,
        payable_sessions=att["payable_sessions"],
        pay_lines=pay_lines,
    )
