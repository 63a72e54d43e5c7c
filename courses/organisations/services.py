"""Organisations giving courses to their roster: an enterprise to chosen people or roles, a
school to its students."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import CourseAssignment, CoursePage, Enrolment
from coverage.models import Enterprise, Person, Role, RosterEntry

Kind = Enterprise.Kind
Audience = CoursePage.Audience

# Who may assign a course of each audience: the technical-school course is for schools'
# students, the key-staff course for enterprises' key roles, "everyone" for any organisation.
AUDIENCE_KINDS = {
    Audience.SCHOOL: {Kind.TECHNICAL_SCHOOL},
    Audience.KEY_STAFF: {Kind.ENTERPRISE},
    Audience.EVERYONE: {Kind.ENTERPRISE, Kind.TRAINING_INSTITUTION, Kind.TECHNICAL_SCHOOL},
}


class AssignmentRefused(Exception):
    """The assignment cannot be made; `message` is translated and shown as it is."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class AssignmentOutcome:
    assignment: CourseAssignment
    enrolled: int  # new enrolments
    already_enrolled: int  # people who had the course already (now carrying the assignment)


def audiences_for(organisation: Enterprise) -> list[str]:
    """The course audiences this organisation may assign."""
    return [audience for audience, kinds in AUDIENCE_KINDS.items() if organisation.kind in kinds]


def assignable_courses(organisation: Enterprise):
    return CoursePage.objects.live().filter(audience__in=audiences_for(organisation))


def active_roster(organisation: Enterprise):
    return RosterEntry.objects.filter(enterprise=organisation, end_date__isnull=True)


def course_assign(
    *,
    organisation: Enterprise,
    course: CoursePage,
    roles: list[str],
    people: list[Person] | None,
    deadline: datetime.date | None,
    user,
) -> AssignmentOutcome:
    """Give the course to people on the organisation's active roster (chosen people, else the
    chosen roles, else everyone) in one transaction; nobody is enrolled twice.

    People who already have the course keep their enrolment: it takes this assignment and its
    deadline when it had none, or when it came from an earlier, unfinished assignment of the
    same organisation (assigning again moves the deadline)."""
    if organisation.kind not in AUDIENCE_KINDS[course.audience]:
        raise AssignmentRefused(
            _("“%(course)s” is a course for %(audience)s; %(organisation)s cannot assign it.")
            % {
                "course": course.title,
                "audience": course.get_audience_display(),
                "organisation": organisation.name,
            }
        )
    if not course.live:
        raise AssignmentRefused(_("The course is not published."))
    if deadline is not None and deadline < timezone.localdate():
        raise AssignmentRefused(_("The deadline is in the past."))
    unknown_roles = set(roles) - set(Role.values)
    if unknown_roles:
        raise AssignmentRefused(_("Unknown role: %(role)s") % {"role": sorted(unknown_roles)[0]})

    roster = active_roster(organisation)
    if people:
        chosen = {person.pk for person in people}
        on_roster = set(roster.filter(person_id__in=chosen).values_list("person_id", flat=True))
        if on_roster != chosen:
            raise AssignmentRefused(
                _(
                    "%(count)s of the chosen people are not on the active roster of "
                    "%(organisation)s."
                )
                % {"count": len(chosen - on_roster), "organisation": organisation.name}
            )
        roles = []
        person_ids = on_roster
    else:
        if roles:
            roster = roster.filter(role__in=roles)
        person_ids = set(roster.values_list("person_id", flat=True))
    if not person_ids:
        raise AssignmentRefused(_("Nobody on the active roster matches the choice."))

    with transaction.atomic():
        assignment = CourseAssignment.objects.create(
            organisation=organisation,
            course=course,
            roles=sorted(roles),
            deadline=deadline,
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )
        existing = Enrolment.objects.filter(course=course, person_id__in=person_ids)
        already = set(existing.values_list("person_id", flat=True))
        # Someone who left the organisation that assigned the course before is followed by the
        # one that assigns it now; a finished course stays with whoever assigned it.
        left_the_assigner = ~Exists(
            RosterEntry.objects.filter(
                person_id=OuterRef("person_id"),
                enterprise_id=OuterRef("assignment__organisation_id"),
                end_date__isnull=True,
            )
        )
        existing.filter(
            Q(assignment__isnull=True)
            | Q(completed_at__isnull=True)
            & (Q(assignment__organisation=organisation) | left_the_assigner)
        ).update(assignment=assignment, deadline=deadline)
        Enrolment.objects.bulk_create(
            [
                Enrolment(
                    person_id=person_id,
                    course=course,
                    source=Enrolment.Source.ASSIGNED,
                    assignment=assignment,
                    deadline=deadline,
                )
                for person_id in sorted(person_ids - already)
            ],
            # Someone enrolling themselves at this very moment keeps their own enrolment.
            ignore_conflicts=True,
        )
    return AssignmentOutcome(
        assignment=assignment,
        enrolled=len(person_ids - already),
        already_enrolled=len(already),
    )
