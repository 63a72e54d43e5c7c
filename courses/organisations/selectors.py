"""Reads behind the organisations' course pages and the regulators' school report.

Figures are SQL aggregates (conditional counts, counted subqueries), never loops over people.
"""

import datetime
from dataclasses import dataclass

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    Max,
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
from django.utils.translation import gettext_lazy as _

from courses.models import CourseAssignment, CoursePage, Enrolment, LessonProgress
from coverage.models import Enterprise, RosterEntry


class State:
    OVERDUE = "overdue"
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"


STATE_LABELS = {
    State.OVERDUE: _("Overdue"),
    State.NOT_STARTED: _("Not started"),
    State.IN_PROGRESS: _("In progress"),
    State.COMPLETED: _("Completed"),
}


def _percent(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


def _started() -> Q:
    return Q(completed_at__isnull=False) | Q(
        Exists(LessonProgress.objects.filter(enrolment=OuterRef("pk")))
    )


def _count_of(queryset, group: str) -> Coalesce:
    counted = queryset.order_by().values(group).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


@dataclass(frozen=True)
class CourseFigures:
    course: CoursePage
    deadline: datetime.date | None
    last_assigned: datetime.datetime
    assigned: int
    started: int
    completed: int
    overdue: int

    @property
    def percent(self) -> float | None:
        return _percent(self.completed, self.assigned)


def org_course_figures(
    *, organisation: Enterprise, today: datetime.date | None = None
) -> list[CourseFigures]:
    """Each course the organisation assigned, latest first, with its people's progress
    (two queries, whatever the number of courses and people)."""
    today = today or timezone.localdate()
    counts = {
        row["course_id"]: row
        for row in Enrolment.objects.filter(assignment__organisation=organisation)
        .order_by()
        .values("course_id")
        .annotate(
            assigned=Count("pk"),
            started=Count("pk", filter=_started()),
            completed=Count("pk", filter=Q(completed_at__isnull=False)),
            overdue=Count("pk", filter=Q(completed_at__isnull=True, deadline__lt=today)),
        )
    }
    courses = (
        CoursePage.objects.filter(assignments__organisation=organisation)
        .annotate(
            last_assigned=Max("assignments__created_at"), last_deadline=Max("assignments__deadline")
        )
        .order_by("-last_assigned", "pk")
    )
    empty = {"assigned": 0, "started": 0, "completed": 0, "overdue": 0}
    return [
        CourseFigures(
            course=course,
            deadline=course.last_deadline,
            last_assigned=course.last_assigned,
            **{key: counts.get(course.pk, empty)[key] for key in empty},
        )
        for course in courses
    ]


def org_course_people(
    *,
    organisation: Enterprise,
    course: CoursePage,
    state: str | None = None,
    today: datetime.date | None = None,
) -> QuerySet[Enrolment]:
    """The people the organisation gave the course to, each annotated with `roster_role`,
    `lessons_done` and `state`; overdue first, then not started, in progress, completed."""
    today = today or timezone.localdate()
    role = RosterEntry.objects.filter(
        enterprise=organisation, person=OuterRef("person_id"), end_date__isnull=True
    ).values("role")[:1]
    done = LessonProgress.objects.filter(enrolment=OuterRef("pk"), completed_at__isnull=False)
    rank = Case(
        When(completed_at__isnull=False, then=Value(State.COMPLETED)),
        When(deadline__lt=today, then=Value(State.OVERDUE)),
        When(_started(), then=Value(State.IN_PROGRESS)),
        default=Value(State.NOT_STARTED),
        output_field=CharField(),
    )
    order = Case(
        *(When(state=name, then=Value(n)) for n, name in enumerate(STATE_LABELS)),
        output_field=IntegerField(),
    )
    people = (
        Enrolment.objects.filter(course=course, assignment__organisation=organisation)
        .select_related("person")
        .annotate(
            roster_role=Subquery(role, output_field=CharField()),
            lessons_done=_count_of(done, "enrolment"),
            state=rank,
        )
    )
    if state in STATE_LABELS:
        people = people.filter(state=state)
    return people.annotate(state_order=order).order_by("state_order", "person__name", "pk")


def school_courses() -> QuerySet[CoursePage]:
    """The technical-school courses, published or withdrawn (past offerings still count)."""
    return CoursePage.objects.filter(audience=CoursePage.Audience.SCHOOL).order_by("path")


def _schools_counted(
    schools: QuerySet[Enterprise], courses: QuerySet[CoursePage]
) -> QuerySet[Enterprise]:
    students = RosterEntry.objects.filter(enterprise=OuterRef("pk"), end_date__isnull=True)
    # The EXISTS stands in the subquery's WHERE (a semi-join), as in coverage.selectors.
    enrolments = Enrolment.objects.filter(person=OuterRef("person_id"), course__in=courses)
    return schools.filter(kind=Enterprise.Kind.TECHNICAL_SCHOOL).annotate(
        offers=Exists(
            CourseAssignment.objects.filter(organisation=OuterRef("pk"), course__in=courses)
        ),
        students=_count_of(students, "enterprise"),
        enrolled=_count_of(students.filter(Exists(enrolments)), "enterprise"),
        completed=_count_of(
            students.filter(Exists(enrolments.filter(completed_at__isnull=False))),
            "enterprise",
        ),
    )


def schools_with_course_figures(
    *, schools: QuerySet[Enterprise], courses: QuerySet[CoursePage]
) -> QuerySet[Enterprise]:
    """Schools annotated `offers` (assigned one of the courses), `students` (active roster),
    `enrolled`, `completed` (students with an enrolment, a completed one, in any of the
    courses) and `percent` (NULL: no students); not offering first, then worst first."""
    return (
        _schools_counted(schools, courses)
        .annotate(
            percent=Case(
                When(students=0, then=Value(None)),
                default=Round(F("completed") * 100.0 / F("students"), 1),
                output_field=FloatField(),
            )
        )
        .select_related("region")
        .order_by("offers", F("percent").asc(nulls_first=True), "name", "pk")
    )


@dataclass(frozen=True)
class SchoolTotals:
    schools: int
    offering: int
    students: int
    enrolled: int
    completed: int

    @property
    def percent(self) -> float | None:
        return _percent(self.completed, self.students)

    @property
    def not_offering(self) -> int:
        return self.schools - self.offering


def school_totals(*, schools: QuerySet[Enterprise], courses: QuerySet[CoursePage]) -> SchoolTotals:
    """The same figures summed over all the schools, in one query."""
    # The sums take names of their own: named like the annotation they sum, Django leaves the
    # annotation out of the inner query (and SQLite then sums a string literal to 0).
    totals = (
        _schools_counted(schools, courses)
        .order_by()
        .aggregate(
            schools=Count("pk"),
            offering=Count("pk", filter=Q(offers=True)),
            **{
                f"{name}_total": Coalesce(Sum(name), 0)
                for name in ("students", "enrolled", "completed")
            },
        )
    )
    totals = {name.removesuffix("_total"): value for name, value in totals.items()}
    return SchoolTotals(**totals)
