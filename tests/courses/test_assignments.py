import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.models import (
    CourseAssignment,
    Enrolment,
)
from courses.organisations.services import AssignmentRefused, course_assign
from coverage.models import AuditLog, Enterprise, Membership, Role, RosterEntry
from coverage.services import roster_entry_end
from tests.factories import (
    EnrolmentFactory,
    EnterpriseFactory,
    LessonProgressFactory,
    MembershipFactory,
    RosterEntryFactory,
    admin_of,
    course_build,
    enrol_on_roster,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today


@pytest.fixture
def factory(jilin):
    enterprise = EnterpriseFactory(region=jilin["220102"], name="示范机械厂")
    school = EnterpriseFactory(
        region=jilin["220102"], name="示范技校", kind=Enterprise.Kind.TECHNICAL_SCHOOL, is_key=False
    )
    return {
        "enterprise": enterprise,
        "school": school,
        "manager": enrol_on_roster(enterprise, Role.MANAGER, "经理"),
        "leader": enrol_on_roster(enterprise, Role.TEAM_LEADER, "班组长"),
        "worker": enrol_on_roster(enterprise, Role.OTHER, "工人"),
        "gone": enrol_on_roster(enterprise, Role.MANAGER, "离职经理", ended=True),
        "key_course": course_build(
            title="重点岗位课程", audience="key_staff", lessons=1, questions=0
        ),
        "school_course": course_build(title="技校课程", audience="school", lessons=1, questions=0),
        "open_course": course_build(title="公开课程", audience="everyone", lessons=1, questions=0),
    }


def test_assigning_roles_enrols_their_active_roster_people_only(factory):
    outcome = course_assign(
        organisation=factory["enterprise"],
        course=factory["key_course"],
        roles=[Role.MANAGER, Role.TEAM_LEADER],
        people=None,
        deadline=TODAY() + datetime.timedelta(days=30),
        user=None,
    )
    assert (outcome.enrolled, outcome.already_enrolled) == (2, 0)
    enrolments = Enrolment.objects.filter(course=factory["key_course"])
    assert {e.person for e in enrolments} == {factory["manager"], factory["leader"]}
    assert {(e.source, e.assignment_id, e.deadline) for e in enrolments} == {
        ("assigned", outcome.assignment.pk, TODAY() + datetime.timedelta(days=30))
    }
    assert outcome.assignment.roles == ["manager", "team_leader"]


def test_assigning_no_roles_enrols_the_whole_active_roster(factory):
    outcome = course_assign(
        organisation=factory["enterprise"],
        course=factory["open_course"],
        roles=[],
        people=None,
        deadline=None,
        user=None,
    )
    assert outcome.enrolled == 3  # the manager who left is not enrolled


def test_assigning_chosen_people_ignores_roles(factory):
    outcome = course_assign(
        organisation=factory["enterprise"],
        course=factory["key_course"],
        roles=[Role.MANAGER],
        people=[factory["worker"]],
        deadline=None,
        user=None,
    )
    assert outcome.enrolled == 1
    assert Enrolment.objects.get(course=factory["key_course"]).person == factory["worker"]


def test_people_not_on_the_active_roster_are_refused_and_nothing_is_written(factory):
    outsider = enrol_on_roster(EnterpriseFactory(region=factory["enterprise"].region))
    for stranger in (outsider, factory["gone"]):
        with pytest.raises(AssignmentRefused, match=r"不在.*在册名单"):
            course_assign(
                organisation=factory["enterprise"],
                course=factory["key_course"],
                roles=[],
                people=[factory["worker"], stranger],
                deadline=None,
                user=None,
            )
    assert not CourseAssignment.objects.exists()
    assert not Enrolment.objects.exists()


@pytest.mark.parametrize(
    ("organisation", "course"),
    [("enterprise", "school_course"), ("school", "key_course")],
)
def test_course_for_another_audience_is_refused(factory, organisation, course):
    if organisation == "school":
        enrol_on_roster(factory["school"])
    with pytest.raises(AssignmentRefused, match="不能分配"):
        course_assign(
            organisation=factory[organisation],
            course=factory[course],
            roles=[],
            people=None,
            deadline=None,
            user=None,
        )


def test_deadline_in_the_past_is_refused(factory):
    with pytest.raises(AssignmentRefused, match="截止日期已过"):
        course_assign(
            organisation=factory["enterprise"],
            course=factory["key_course"],
            roles=[],
            people=None,
            deadline=TODAY() - datetime.timedelta(days=1),
            user=None,
        )


def test_assigning_twice_enrols_nobody_twice_and_moves_the_deadline(factory):
    def assign(days):
        return course_assign(
            organisation=factory["enterprise"],
            course=factory["key_course"],
            roles=[Role.MANAGER, Role.TEAM_LEADER],
            people=None,
            deadline=TODAY() + datetime.timedelta(days=days),
            user=None,
        )

    first = assign(10)
    second = assign(40)
    assert (second.enrolled, second.already_enrolled) == (0, 2)
    assert Enrolment.objects.count() == 2
    assert set(Enrolment.objects.values_list("assignment_id", "deadline")) == {
        (second.assignment.pk, TODAY() + datetime.timedelta(days=40))
    }
    assert first.assignment.pk != second.assignment.pk


def test_a_self_enrolment_takes_the_assignment_and_keeps_its_source(factory):
    # Enrolled by themselves (source "self"), before any assignment.
    EnrolmentFactory(person=factory["leader"], course=factory["key_course"])
    outcome = course_assign(
        organisation=factory["enterprise"],
        course=factory["key_course"],
        roles=[Role.TEAM_LEADER],
        people=None,
        deadline=None,
        user=None,
    )
    assert (outcome.enrolled, outcome.already_enrolled) == (0, 1)
    enrolment = Enrolment.objects.get()
    assert (enrolment.source, enrolment.assignment) == ("self", outcome.assignment)


def courses_url(organisation):
    return reverse("courses:org_courses", args=[organisation.credit_code])


def test_administrator_assigns_roles_through_the_page(client, factory):
    client.force_login(admin_of(factory["enterprise"]))
    response = client.post(
        courses_url(factory["enterprise"]),
        {
            "course": factory["key_course"].pk,
            "roles": [Role.MANAGER],
            "deadline": (TODAY() + datetime.timedelta(days=7)).isoformat(),
        },
    )
    assert response.status_code == 302
    assignment = CourseAssignment.objects.get()
    assert assignment.created_by is not None
    assert list(Enrolment.objects.values_list("person", flat=True)) == [factory["manager"].pk]


def test_assign_form_offers_only_courses_fitting_the_organisation(client, factory):
    enrol_on_roster(factory["school"], name="学生甲")
    client.force_login(admin_of(factory["school"]))
    response = client.get(courses_url(factory["school"]))
    offered = set(response.context["form"].fields["course"].queryset)
    assert offered == {factory["school_course"], factory["open_course"]}
    assert "学生甲" in response.text
    # A refused assignment is shown on the form, not as an error page.
    response = client.post(
        courses_url(factory["school"]),
        {"course": factory["school_course"].pk, "people": [factory["worker"].pk]},
    )
    assert response.status_code == 200
    assert not CourseAssignment.objects.exists()


def test_another_organisations_admin_and_regulators_get_404(client, factory, jilin):
    other_admin = admin_of(EnterpriseFactory(region=jilin["220102"]))
    regulator = MembershipFactory(
        role=Membership.Role.REGULATOR, enterprise=None, region=jilin["220100"]
    ).user
    course_assign(
        organisation=factory["enterprise"],
        course=factory["key_course"],
        roles=[],
        people=None,
        deadline=None,
        user=None,
    )
    people_url = reverse(
        "courses:org_course_progress",
        args=[factory["enterprise"].credit_code, factory["key_course"].pk],
    )
    for user in (other_admin, regulator):
        client.force_login(user)
        assert client.get(courses_url(factory["enterprise"])).status_code == 404
        assert client.get(people_url).status_code == 404
        response = client.post(
            courses_url(factory["enterprise"]), {"course": factory["key_course"].pk}
        )
        assert response.status_code == 404
    assert CourseAssignment.objects.count() == 1
    client.logout()
    assert client.get(courses_url(factory["enterprise"])).status_code == 302  # sign in first


def _progress(factory):
    """Four people on the key course: completed, overdue, in progress, not started."""
    enterprise = factory["enterprise"]
    extra = enrol_on_roster(enterprise, Role.SAFETY_HEAD, "安全部长")
    outcome = course_assign(
        organisation=enterprise,
        course=factory["key_course"],
        roles=[Role.MANAGER, Role.TEAM_LEADER, Role.SAFETY_HEAD, Role.OTHER],
        people=None,
        deadline=TODAY() + datetime.timedelta(days=5),
        user=None,
    )
    by_person = {e.person_id: e for e in Enrolment.objects.filter(assignment=outcome.assignment)}
    done = by_person[factory["manager"].pk]
    done.completed_at = timezone.now()
    done.save()
    lesson = factory["key_course"].lessons().first()
    LessonProgressFactory(
        enrolment=by_person[factory["leader"].pk], lesson=lesson, completed_at=timezone.now()
    )
    late = by_person[extra.pk]
    late.deadline = TODAY() - datetime.timedelta(days=1)
    late.save()
    # Another course of the organisation, and one of another organisation that must not count.
    course_assign(
        organisation=enterprise,
        course=factory["open_course"],
        roles=[Role.MANAGER],
        people=None,
        deadline=None,
        user=None,
    )
    other = EnterpriseFactory(region=enterprise.region)
    enrol_on_roster(other, Role.MANAGER)
    course_assign(
        organisation=other,
        course=factory["key_course"],
        roles=[],
        people=None,
        deadline=None,
        user=None,
    )
    return extra


def test_org_course_figures_in_a_fixed_number_of_queries(
    client, factory, django_assert_num_queries
):
    _progress(factory)
    user = admin_of(factory["enterprise"])
    client.force_login(user)
    url = courses_url(factory["enterprise"])
    client.get(url)  # warm the session and content-type caches
    # user (the session comes from the cache), organisation, administers, 2 figures, course
    # choices, people choices, the header's roles (permissions twice, memberships) and the
    # bell's unread notices
    with django_assert_num_queries(11):
        response = client.get(url)
    figures = {f.course.title: f for f in response.context["figures"]}
    key = figures["重点岗位课程"]
    assert (key.assigned, key.started, key.completed, key.overdue) == (4, 2, 1, 1)
    assert key.percent == 25.0
    assert (figures["公开课程"].assigned, figures["公开课程"].completed) == (1, 0)


def test_progress_table_states_and_audited_export(client, factory):
    _progress(factory)
    client.force_login(admin_of(factory["enterprise"]))
    url = reverse(
        "courses:org_course_progress",
        args=[factory["enterprise"].credit_code, factory["key_course"].pk],
    )
    response = client.get(url)
    rows = [(e.person.name, e.state, e.lessons_done) for e in response.context["page"]]
    assert rows == [
        ("安全部长", "overdue", 0),
        ("工人", "not_started", 0),
        ("班组长", "in_progress", 1),
        ("经理", "completed", 0),
    ]
    assert factory["manager"].id_number_masked in response.text
    response = client.get(url, {"state": "overdue"})
    assert [e.person.name for e in response.context["page"]] == ["安全部长"]

    response = client.get(url, {"export": "csv"})
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert "班组长" in text and factory["leader"].id_number_masked in text
    assert factory["leader"].id_number not in text
    log = AuditLog.objects.get()
    assert (log.action, log.rows, log.contains_personal_data) == ("export", 4, True)


def test_demo_assignments_install_is_idempotent(jilin):
    from demo.installers.assignments import DEMO_SCHOOL, OTHER_SCHOOL, demo_assignments_install
    from demo.installers.coverage import demo_coverage_install, demo_people_install

    demo_coverage_install()
    demo_people_install()
    school_course = course_build(title="技校课程", audience="school", lessons=1, questions=0)
    course_build(title="重点岗位课程", audience="key_staff", lessons=1, questions=0)
    demo_assignments_install()
    demo_assignments_install()
    school = Enterprise.objects.get(credit_code=DEMO_SCHOOL)
    assert CourseAssignment.objects.filter(organisation=school).count() == 1
    assert CourseAssignment.objects.count() == 2
    assert Enrolment.objects.filter(course=school_course).count() == 12
    assert Enrolment.objects.filter(course=school_course, completed_at__isnull=False).count() == 5
    assert not CourseAssignment.objects.filter(organisation__credit_code=OTHER_SCHOOL).exists()
    key = CourseAssignment.objects.get(course__audience="key_staff")
    assert key.enrolments.count() > 0
    assert key.deadline > TODAY()


def test_someone_who_moved_is_followed_by_the_organisation_that_assigns_the_course_now(factory):
    worker = factory["worker"]
    course_assign(
        organisation=factory["enterprise"],
        course=factory["open_course"],
        roles=[],
        people=[worker],
        deadline=None,
        user=None,
    )
    roster_entry_end(entry=RosterEntry.objects.get(person=worker, enterprise=factory["enterprise"]))
    RosterEntryFactory(
        person=worker,
        enterprise=factory["school"],
        role=Role.OTHER,
        start_date=datetime.date(2026, 1, 1),
    )
    outcome = course_assign(
        organisation=factory["school"],
        course=factory["open_course"],
        roles=[],
        people=[worker],
        deadline=None,
        user=None,
    )
    enrolment = Enrolment.objects.get(person=worker, course=factory["open_course"])
    assert enrolment.assignment == outcome.assignment
    assert enrolment.assignment.organisation == factory["school"]
