"""Demo assignments: the demo school gives the technical-school course to its students, the
demo enterprise gives the key-staff course to its key roles; some students have finished.

Runs after demo.installers.coverage (organisations, rosters) and demo.installers.courses (the
courses). The numbers and names are in demo/content/assignments.toml."""

import datetime

from django.db import transaction
from django.utils import timezone
from stdnum.cn import ric, uscc

from courses.models import CourseAssignment, CoursePage, Enrolment, ExamAttempt, LessonProgress
from courses.organisations.services import course_assign
from courses.services import course_complete_if_done
from coverage.models import Enterprise, Region, Role, RosterEntry
from coverage.models.people import KEY_ROLES
from coverage.services import enterprise_save, person_save
from demo.content import content_load

_CONTENT = content_load("assignments")
DEMO_SCHOOL: str = _CONTENT["school"]["credit_code"]
DEMO_ENTERPRISE: str = _CONTENT["key_staff"]["enterprise"]
_OTHER = _CONTENT["other_school"]
OTHER_SCHOOL = _OTHER["credit_code_body"] + "0"
OTHER_SCHOOL += uscc.calc_check_digit(OTHER_SCHOOL)


def _student_id(serial: int, region_code: str) -> str:
    body = f"{region_code}{2005 + serial % 3}{serial % 12 + 1:02d}{serial % 27 + 1:02d}{serial:03d}"
    return body + ric.calc_check_digit(body + "0")


def _students(school: Enterprise, spec: dict) -> None:
    students = _CONTENT["students"]
    family, given = students["family_names"], students["given_names"]
    for n in range(spec["students"]):
        serial = spec["first_serial"] + n
        person, _changed = person_save(
            id_number=_student_id(serial, school.region.code),
            name=family[serial % len(family)] + given[serial % len(given)],
        )
        RosterEntry.objects.get_or_create(
            person=person,
            enterprise=school,
            end_date=None,
            defaults={
                "role": Role.OTHER,
                "department": spec["class"],
                "start_date": students["start_date"],
            },
        )


def _complete(enrolment: Enrolment) -> None:
    """Finish the course as a learner would have: every lesson done, the exam passed."""
    now = timezone.now()
    for lesson in enrolment.course.lessons():
        LessonProgress.objects.update_or_create(
            enrolment=enrolment,
            lesson=lesson,
            defaults={"checks_passed": True, "completed_at": now},
        )
    if enrolment.course.questions.exists() and not enrolment.attempts.filter(passed=True).exists():
        ExamAttempt.objects.create(
            enrolment=enrolment,
            paper=[],
            answers={},
            started_at=now - datetime.timedelta(minutes=20),
            deadline_at=now + datetime.timedelta(minutes=10),
            submitted_at=now,
            score=100,
            passed=True,
        )
    course_complete_if_done(enrolment=enrolment)


def _assign_once(organisation: Enterprise, course: CoursePage, *, roles: list, days: int) -> None:
    if CourseAssignment.objects.filter(organisation=organisation, course=course).exists():
        return
    course_assign(
        organisation=organisation,
        course=course,
        roles=[str(role) for role in roles],
        people=None,
        deadline=timezone.localdate() + datetime.timedelta(days=days),
        user=None,
    )


@transaction.atomic
def demo_assignments_install() -> None:
    """Students for the demo schools, the two demo assignments and some completions; safe
    to re-run."""
    school = Enterprise.objects.get(credit_code=DEMO_SCHOOL)
    other_school = enterprise_save(
        credit_code=OTHER_SCHOOL,
        name=_OTHER["name"],
        region=Region.objects.get(code=_OTHER["region"]),
        industry=None,
        kind=Enterprise.Kind.TECHNICAL_SCHOOL,
    )
    _students(school, _CONTENT["school"])
    _students(other_school, _OTHER)

    school_course = CoursePage.objects.live().filter(audience=CoursePage.Audience.SCHOOL).first()
    if school_course is not None:
        _assign_once(school, school_course, roles=[], days=_CONTENT["school"]["deadline_days"])
        finished = (
            Enrolment.objects.filter(course=school_course, assignment__organisation=school)
            .select_related("course", "person")
            .order_by("person__name", "pk")[: _CONTENT["school"]["completed"]]
        )
        for enrolment in finished:
            if enrolment.completed_at is None:
                _complete(enrolment)

    key_course = CoursePage.objects.live().filter(audience=CoursePage.Audience.KEY_STAFF).first()
    if key_course is not None:
        _assign_once(
            Enterprise.objects.get(credit_code=DEMO_ENTERPRISE),
            key_course,
            roles=KEY_ROLES,
            days=_CONTENT["key_staff"]["deadline_days"],
        )
