"""Demo assignments: the demo school gives the technical-school course to its students, the
demo enterprise gives the key-staff course to its key roles; some students have finished.

Runs after demo.installers.coverage (organisations, rosters) and demo.installers.courses (the
courses)."""

import datetime

from django.db import transaction
from django.utils import timezone
from stdnum.cn import ric, uscc

from courses.assignments import course_assign
from courses.models import CourseAssignment, CoursePage, Enrolment, ExamAttempt, LessonProgress
from courses.services import course_complete_if_done
from coverage.models import Enterprise, Region, Role, RosterEntry
from coverage.models.people import KEY_ROLES
from coverage.services import enterprise_save, person_save

DEMO_SCHOOL = "12220106MB1G00007L"
DEMO_ENTERPRISE = "91220104MA17A00014"
# A second school, in Nanguan district, that has not offered the course yet: the school report
# then shows both states, and the county regulator has a school of their own.
OTHER_SCHOOL_BODY = "12220102MB1J0001"
OTHER_SCHOOL = OTHER_SCHOOL_BODY + "0" + uscc.calc_check_digit(OTHER_SCHOOL_BODY + "0")
OTHER_SCHOOL_NAME = "长春市示范交通技工学校"

_FAMILY = "郑冯谢韩唐曹许邓萧程"
_GIVEN = ["子涵", "浩然", "欣怡", "宇轩", "梓萱", "俊杰", "雨桐", "博文", "思远", "佳怡"]
STUDENTS = 12  # of the demo school; the first COMPLETED have finished the course
COMPLETED = 5
OTHER_STUDENTS = 6


def _student_id(serial: int, region_code: str) -> str:
    body = f"{region_code}{2005 + serial % 3}{serial % 12 + 1:02d}{serial % 27 + 1:02d}{serial:03d}"
    return body + ric.calc_check_digit(body + "0")


def _students(school: Enterprise, count: int, first_serial: int, klass: str) -> None:
    for n in range(count):
        serial = first_serial + n
        person, _changed = person_save(
            id_number=_student_id(serial, school.region.code),
            name=_FAMILY[serial % len(_FAMILY)] + _GIVEN[serial % len(_GIVEN)],
        )
        RosterEntry.objects.get_or_create(
            person=person,
            enterprise=school,
            end_date=None,
            defaults={
                "role": Role.OTHER,
                "department": klass,
                "start_date": datetime.date(2024, 9, 1),
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
        name=OTHER_SCHOOL_NAME,
        region=Region.objects.get(code="220102"),
        industry=None,
        kind=Enterprise.Kind.TECHNICAL_SCHOOL,
        is_key=False,
    )
    _students(school, STUDENTS, 801, "2024级机电一体化1班")
    _students(other_school, OTHER_STUDENTS, 851, "2024级汽车维修1班")

    school_course = CoursePage.objects.live().filter(audience=CoursePage.Audience.SCHOOL).first()
    if school_course is not None:
        _assign_once(school, school_course, roles=[], days=60)
        finished = (
            Enrolment.objects.filter(course=school_course, assignment__organisation=school)
            .select_related("course", "person")
            .order_by("person__name", "pk")[:COMPLETED]
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
            days=30,
        )
