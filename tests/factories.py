"""Factories for every model the tests build, and builders for Wagtail course pages.

Import them from here, whatever the part. Rows that a service makes in the product (people:
encrypted ID numbers; training records: their targets; enrolments and finished lessons) are
made by that service here too, so a factory never builds a row the product could not.
Valid identifiers come from tests/helpers/identities.py (`id_number`).
"""

import datetime
import itertools

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory
from rest_framework.authtoken.models import Token
from stdnum.cn import uscc
from wagtail.models import Site

from accounts.models import User
from courses.learning.services import course_enrol, lesson_complete, lesson_progress_open
from courses.models import (
    Certificate,
    Choice,
    CourseIndexPage,
    CoursePage,
    Enrolment,
    ExamAttempt,
    LessonPage,
    LessonProgress,
    Question,
)
from courses.services import course_complete_if_done
from coverage.models import (
    AccidentFigures,
    Attendance,
    Enterprise,
    Industry,
    KeyDesignation,
    Membership,
    Person,
    Region,
    Role,
    RosterEntry,
    RosterImport,
    TrainingFrequency,
    TrainingRecord,
    TrainingSession,
    TrainingTarget,
)
from coverage.services import person_save, training_record
from jobs.models import Job
from media.models import MediaItem
from reminders.models import ReminderRule
from tests.helpers.identities import id_number

# Accounts


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User

    phone = factory.Sequence(lambda n: f"+86139{n:08d}")
    phone_verified = True
    last_name = "王"
    first_name = factory.Sequence(lambda n: f"工{n}")
    password = factory.django.Password("correct horse battery staple")


class TokenFactory(DjangoModelFactory):
    """The data-sharing API's token, its key made by `Token.save` as `manage.py api_token`'s is."""

    class Meta:
        model = Token

    user = factory.SubFactory(UserFactory)


# Coverage: organisations


class RegionFactory(DjangoModelFactory):
    """A region under its parent; the path follows the parent like coverage.services does."""

    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"9{n:05d}")
    name = factory.Sequence(lambda n: f"测试区{n}")
    level = Region.Level.COUNTY
    parent = None
    path = factory.LazyAttribute(lambda o: f"{o.parent.path if o.parent else '/'}{o.code}/")


class IndustryFactory(DjangoModelFactory):
    class Meta:
        model = Industry
        django_get_or_create = ["code"]

    code = "construction"
    name = "建筑施工"


def _credit_code(n: int) -> str:
    body = f"91220101MA{n:07d}"
    return body + uscc.calc_check_digit(body)


KEY_YEARS = range(2020, 2031)


class EnterpriseFactory(DjangoModelFactory):
    class Meta:
        model = Enterprise
        skip_postgeneration_save = True

    credit_code = factory.Sequence(_credit_code)
    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    region = factory.SubFactory(RegionFactory)
    industry = factory.SubFactory(IndustryFactory)

    @factory.post_generation
    def is_key(self, create, extracted, **kwargs):
        """Key unless is_key=False: designated by its own region for every year of the
        targets tests use (2020–2030); `is_key__years=[2027]` designates only those years."""
        if not create or extracted is False:
            return
        years = kwargs.get("years", KEY_YEARS)
        KeyDesignation.objects.bulk_create(
            KeyDesignation(
                kind=KeyDesignation.Kind.ENTERPRISE, enterprise=self, region=self.region, year=year
            )
            for year in years
        )


class KeyDesignationFactory(DjangoModelFactory):
    """An enterprise designation by the enterprise's region; pass kind, industry or
    project_name (and project_enterprises) for the other kinds."""

    class Meta:
        model = KeyDesignation
        skip_postgeneration_save = True

    kind = KeyDesignation.Kind.ENTERPRISE
    year = 2026
    enterprise = factory.SubFactory(EnterpriseFactory, is_key=False)
    region = factory.LazyAttribute(lambda o: o.enterprise.region if o.enterprise else None)
    reason = "研判：近三年事故多发"

    @factory.post_generation
    def project_enterprises(self, create, extracted, **kwargs):
        if create and extracted:
            self.project_enterprises.set(extracted)


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Membership.Role.ENTERPRISE_ADMIN
    enterprise = factory.SubFactory(EnterpriseFactory)


def admin_of(enterprise: Enterprise) -> User:
    """An account administering the enterprise (or the school, as its institution admin)."""
    role = (
        Membership.Role.ENTERPRISE_ADMIN
        if enterprise.kind == Enterprise.Kind.ENTERPRISE
        else Membership.Role.INSTITUTION_ADMIN
    )
    return MembershipFactory(role=role, enterprise=enterprise).user


def regulator_of(region: Region) -> User:
    """An account regulating the region (and everything below it)."""
    return MembershipFactory(role=Membership.Role.REGULATOR, enterprise=None, region=region).user


class AccidentFiguresFactory(DjangoModelFactory):
    """One year's accident figures of a region's industry, as an import writes them."""

    class Meta:
        model = AccidentFigures

    region = factory.SubFactory(RegionFactory)
    industry = factory.SubFactory(IndustryFactory)
    year = 2023
    injuries = 30
    deaths = 1
    occupational_diseases = 4
    pneumoconiosis = 2
    insured = 10_000
    imported_at = factory.LazyFunction(timezone.now)


# Coverage: people and rosters


class PersonFactory(DjangoModelFactory):
    """A person saved by `person_save` (ID number encrypted and hashed, phone masked)."""

    class Meta:
        model = Person

    # Born in 1970, apart from the numbers tests write as id_number(n).
    id_number = factory.Sequence(lambda n: id_number(n, born="19700101"))
    name = factory.Sequence(lambda n: f"职工{n}")
    phone = ""
    user = None

    @classmethod
    def _create(cls, model_class, *, id_number, name, phone, user):
        person, _changed = person_save(id_number=id_number, name=name, phone=phone)
        if user is not None:
            person.user = user
            person.save(update_fields=["user"])
        return person


class RosterEntryFactory(DjangoModelFactory):
    class Meta:
        model = RosterEntry

    person = factory.SubFactory(PersonFactory)
    enterprise = factory.SubFactory(EnterpriseFactory)
    role = Role.OTHER
    start_date = datetime.date(2021, 3, 1)
    end_date = None


def enrol_on_roster(enterprise, role=Role.OTHER, name=None, *, ended=False) -> Person:
    """A person on the enterprise's roster since September 2022 (who left in July 2024)."""
    entry = RosterEntryFactory(
        enterprise=enterprise,
        role=role,
        start_date=datetime.date(2022, 9, 1),
        end_date=datetime.date(2024, 7, 1) if ended else None,
        **({"person__name": name} if name else {}),
    )
    return entry.person


class RosterImportFactory(DjangoModelFactory):
    """An upload's record without a file (the import tests upload real files)."""

    class Meta:
        model = RosterImport

    enterprise = factory.SubFactory(EnterpriseFactory)
    uploaded_by = factory.SubFactory(UserFactory)
    filename = "花名册.xlsx"
    mode = RosterImport.Mode.ADD
    status = RosterImport.Status.PENDING


# Coverage: training


class TrainingTargetFactory(DjangoModelFactory):
    class Meta:
        model = TrainingTarget
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"target-{n}")
    name = factory.Sequence(lambda n: f"培训目标{n}")
    start_date = datetime.date(2021, 1, 1)
    end_date = datetime.date(2025, 12, 31)
    required_roles = ["manager", "safety_head", "team_leader"]
    qualifying_kinds = []


class TrainingFrequencyFactory(DjangoModelFactory):
    """Team leaders in mining, twice a year (the plan's kind of high-incidence group)."""

    class Meta:
        model = TrainingFrequency

    target = factory.SubFactory(TrainingTargetFactory)
    role = "team_leader"
    industry = factory.SubFactory(IndustryFactory, code="mining", name="矿山")
    per_year = 2


def target_this_year() -> TrainingTarget:
    """A target whose period holds today, so a completion today counts toward it."""
    year = timezone.localdate().year
    return TrainingTargetFactory(
        code=f"test-{year}",
        name="测试目标",
        start_date=datetime.date(year, 1, 1),
        end_date=datetime.date(year, 12, 31),
    )


class TrainingRecordFactory(DjangoModelFactory):
    """A record made by `training_record` (it counts toward the targets its date falls in)."""

    class Meta:
        model = TrainingRecord

    person = factory.SubFactory(PersonFactory)
    kind = TrainingRecord.Kind.ONLINE
    occurred_on = factory.LazyFunction(timezone.localdate)
    title = "工伤预防课程"
    source_key = factory.Sequence(lambda n: f"test:{n}")
    hours = 2
    targets = None

    @classmethod
    def _create(cls, model_class, **fields):
        return training_record(**fields)[0]


class TrainingSessionFactory(DjangoModelFactory):
    """A session under way: it began five minutes ago and lasts two hours."""

    class Meta:
        model = TrainingSession

    organiser = factory.SubFactory(EnterpriseFactory)
    title = factory.Sequence(lambda n: f"工伤预防培训{n}")
    venue = "三楼会议室"
    region = factory.SelfAttribute("organiser.region")
    starts_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(minutes=5))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=2))


class AttendanceFactory(DjangoModelFactory):
    class Meta:
        model = Attendance

    session = factory.SubFactory(TrainingSessionFactory)
    person = factory.SubFactory(PersonFactory)
    checked_in_at = factory.LazyFunction(timezone.now)
    checkin_method = Attendance.Method.ROTATING


# Jobs


class JobFactory(DjangoModelFactory):
    """A job's row only; `jobs.services.job_start` queues a real task."""

    class Meta:
        model = Job

    user = factory.SubFactory(UserFactory)
    task_name = "tests.count_to"  # the registered name of tests/jobs/tasks_for_tests.count_to
    title = factory.Sequence(lambda n: f"任务{n}")


# Media


class MediaItemFactory(DjangoModelFactory):
    """An item's row only, its file a name that need not exist; the pipeline tests upload."""

    class Meta:
        model = MediaItem

    title = factory.Sequence(lambda n: f"警示片{n}")
    type = "video"
    file = factory.Sequence(lambda n: f"media/originals/test/{n}.mp4")


# Courses: pages, questions, learners

_serials = itertools.count(1)


class QuestionFactory(DjangoModelFactory):
    class Meta:
        model = Question

    kind = Question.Kind.SINGLE
    text = factory.Sequence(lambda n: f"第{n}题：发生工伤事故后应当怎么做？")
    explanation = factory.Sequence(lambda n: f"解析{n}：依据《工伤保险条例》。")


class ChoiceFactory(DjangoModelFactory):
    class Meta:
        model = Choice

    text = factory.Sequence(lambda n: f"选项{n}")
    is_correct = False


def question_add(course: CoursePage, *, kind: str = Question.Kind.SINGLE, correct=(0,), n=4):
    """A question with `n` answers (two for true/false), those at the `correct` indexes right."""
    if kind == Question.Kind.TRUE_FALSE:
        n = 2
    question = QuestionFactory(course=course, kind=kind)
    for index in range(n):
        ChoiceFactory(question=question, is_correct=index in correct, sort_order=index)
    return question


def course_index() -> CourseIndexPage:
    index = CourseIndexPage.objects.first()
    if index:
        return index
    root = Site.objects.get(is_default_site=True).root_page
    return root.add_child(instance=CourseIndexPage(title="课程", slug="courses"))


def course_build(
    *,
    lessons: int = 2,
    questions: int = 10,
    title: str = "工伤预防基础知识",
    audience: str = CoursePage.Audience.EVERYONE,
    live: bool = True,
    **exam_settings,
) -> CoursePage:
    """A course of text-only lessons (done at once) and a bank of single-choice questions."""
    settings = {
        "credit_hours": 2,
        "pass_mark": 80,
        "paper_size": 5,
        "max_attempts": 3,
        "retry_wait_minutes": 30,
        "exam_minutes": 30,
        **exam_settings,
    }
    course = course_index().add_child(
        instance=CoursePage(
            title=title,
            slug=f"course-{next(_serials)}",
            summary="…",
            audience=audience,
            live=live,
            **settings,
        )
    )
    for number in range(lessons):
        course.add_child(
            instance=LessonPage(
                title=f"第{number + 1}课",
                slug=f"lesson-{number + 1}",
                min_minutes=0,
                body=[{"type": "paragraph", "value": "<p>预防为主。</p>"}],
            )
        )
    for _ in range(questions):
        question_add(course)
    return course


def learner_make(name: str = "张伟"):
    """A signed-in account bound to a person; returns (user, person)."""
    user = UserFactory()
    return user, PersonFactory(name=name, user=user)


def enrolment_make(course: CoursePage, person, *, lessons_done: bool = True) -> Enrolment:
    """An enrolment made by `course_enrol`, its lessons finished unless told otherwise."""
    enrolment, _ = course_enrol(person=person, course=course)
    if lessons_done:
        for lesson in course.lessons():
            assert lesson_complete(
                progress=lesson_progress_open(enrolment=enrolment, lesson=lesson)
            )
    return enrolment


class EnrolmentFactory(DjangoModelFactory):
    """An enrolment made by `course_enrol` (on a one-lesson course without an exam unless given)."""

    class Meta:
        model = Enrolment

    person = factory.SubFactory(PersonFactory)
    course = factory.LazyFunction(lambda: course_build(lessons=1, questions=0))

    @classmethod
    def _create(cls, model_class, *, person, course):
        return course_enrol(person=person, course=course)[0]


class LessonProgressFactory(DjangoModelFactory):
    """A lesson's progress row as stored, without the course check `lesson_complete` runs.

    For a lesson done while the course stays unfinished; `enrolment_make` finishes lessons the
    product's way.
    """

    class Meta:
        model = LessonProgress

    enrolment = factory.SubFactory(EnrolmentFactory)
    lesson = factory.LazyAttribute(lambda o: o.enrolment.course.lessons().first())
    completed_at = None


def certificate_make(course: CoursePage | None = None, person: Person | None = None) -> Certificate:
    """A certificate earned the product's way: every lesson done on a course without an exam."""
    course = course or course_build(lessons=1, questions=0)
    enrolment = enrolment_make(course, person or PersonFactory())
    certificate = course_complete_if_done(enrolment=enrolment)
    assert certificate is not None, "the course still asks for something (an exam?)"
    return certificate


def correct_answers(attempt: ExamAttempt, right: int | None = None) -> dict[int, list[int]]:
    """Answers to the paper with the first `right` questions right and the rest wrong."""
    answers = {}
    for number, item in enumerate(attempt.paper):
        question = Question.objects.get(pk=item["question"])
        correct = [c.pk for c in question.choices.all() if c.is_correct]
        wrong = [c.pk for c in question.choices.all() if not c.is_correct][:1]
        answers[question.pk] = correct if right is None or number < right else wrong
    return answers


# Reminders


class ReminderRuleFactory(DjangoModelFactory):
    """A live rule reminding the region's enterprises below 100 % in the target's last 30 days."""

    class Meta:
        model = ReminderRule

    name = factory.Sequence(lambda n: f"提醒规则{n}")
    kind = ReminderRule.Kind.ENTERPRISE_BEHIND
    region = factory.SubFactory(RegionFactory)
    target = factory.SubFactory(TrainingTargetFactory)
    threshold_percent = 100
    days_before = 30
    is_active = True


# Prevention projects


class PaymentStandardFactory(DjangoModelFactory):
    class Meta:
        model = "projects.PaymentStandard"
        django_get_or_create = ["code"]

    code = "training_person_hour"
    name = "培训（每人每学时）"
    unit = "person_hour"
    amount = 20
    valid_from = datetime.date(2021, 1, 1)


class ProjectFactory(DjangoModelFactory):
    """A draft training project of an enterprise in its own region."""

    class Meta:
        model = "projects.Project"

    code = factory.Sequence(lambda n: f"2025-TEST-{n:04d}")
    title = factory.Sequence(lambda n: f"工伤预防培训项目{n}")
    applicant = factory.SubFactory(EnterpriseFactory)
    year = 2025
    region = factory.LazyAttribute(lambda o: o.applicant.region)
    kind = "training"
    planned_people = 200
    planned_sessions = 4


class ExpertFactory(DjangoModelFactory):
    """A pool member in term and available; `field` cycles through three fields."""

    class Meta:
        model = "projects.Expert"

    name = factory.Sequence(lambda n: f"专家{n}")
    field = factory.Iterator(["injury_prevention", "work_safety", "occupational_health"])
    organisation_name = factory.Sequence(lambda n: f"吉林大学第{n}研究所")
    term_start = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=365))
    term_end = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=700))


def department_regulator_of(region: Region, department: str) -> User:
    """An account regulating the region for one joint-meeting department (人社 hrss, 社保 …)."""
    return MembershipFactory(
        role=Membership.Role.REGULATOR, enterprise=None, region=region, department=department
    ).user
