import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from courses.models import Enrolment
from courses.organisations.services import course_assign
from coverage.models import AuditLog, Enterprise, Membership
from tests.factories import (
    EnrolmentFactory,
    EnterpriseFactory,
    MembershipFactory,
    admin_of,
    course_build,
    enrol_on_roster,
)

pytestmark = pytest.mark.django_db

URL = "/learn/schools/"


def school(region, name):
    return EnterpriseFactory(
        region=region, name=name, kind=Enterprise.Kind.TECHNICAL_SCHOOL, is_key=False
    )


def regulator(region):
    return MembershipFactory(role=Membership.Role.REGULATOR, enterprise=None, region=region).user


@pytest.fixture
def schools(jilin):
    course = course_build(title="技工院校工伤预防课", audience="school", lessons=1, questions=0)
    nanguan = school(jilin["220102"], "南关技校")  # offers: 4 students, 2 enrolled, 1 done
    lvyuan = school(jilin["220106"], "绿园技校")  # does not offer; one self-enrolled
    empty = school(jilin["220102"], "空名册技校")  # does not offer, nobody on the roster
    elsewhere = school(jilin["220202"], "吉林市技校")  # offers, outside Changchun
    EnterpriseFactory(region=jilin["220102"], name="南关企业")  # not a school
    students = [enrol_on_roster(nanguan) for _ in range(4)]
    enrol_on_roster(nanguan, ended=True)  # left: not a student any more
    course_assign(
        organisation=nanguan,
        course=course,
        roles=[],
        people=students[:2],
        deadline=None,
        user=None,
    )
    Enrolment.objects.filter(person=students[0]).update(completed_at=timezone.now())
    lvyuan_students = [enrol_on_roster(lvyuan) for _ in range(3)]
    EnrolmentFactory(person=lvyuan_students[0], course=course)  # enrolled themselves
    other = enrol_on_roster(elsewhere)
    course_assign(
        organisation=elsewhere, course=course, roles=[], people=None, deadline=None, user=None
    )
    Enrolment.objects.filter(person=other).update(completed_at=timezone.now())
    return {
        "course": course,
        "nanguan": nanguan,
        "lvyuan": lvyuan,
        "empty": empty,
        "elsewhere": elsewhere,
        "city": regulator(jilin["220100"]),
        "county": regulator(jilin["220102"]),
    }


def rows(response):
    return [
        (s.name, s.offers, s.students, s.enrolled, s.completed, s.percent)
        for s in response.context["page"]
    ]


def test_city_regulator_sees_its_schools_not_offering_and_worst_first(client, schools):
    client.force_login(schools["city"])
    response = client.get(URL)
    assert response.status_code == 200
    assert rows(response) == [
        ("空名册技校", False, 0, 0, 0, None),
        ("绿园技校", False, 3, 1, 0, 0.0),
        ("南关技校", True, 4, 2, 1, 25.0),
    ]
    totals = response.context["totals"]
    assert (totals.schools, totals.offering, totals.not_offering) == (3, 1, 2)
    assert (totals.students, totals.enrolled, totals.completed, totals.percent) == (7, 3, 1, 14.3)
    assert "吉林市技校" not in response.text
    assert "南关企业" not in response.text


def test_county_regulator_sees_only_the_schools_of_its_county(client, schools):
    client.force_login(schools["county"])
    response = client.get(URL)
    assert [row[0] for row in rows(response)] == ["空名册技校", "南关技校"]
    assert response.context["totals"].students == 4
    # A region outside the scope is not a choice: the filter is ignored, the scope holds.
    response = client.get(URL, {"region": "220202"})
    assert [row[0] for row in rows(response)] == ["空名册技校", "南关技校"]
    response = client.get(URL, {"region": "220100"})
    assert "吉林市技校" not in response.text


def test_region_filter_narrows_to_a_subregion(client, schools):
    client.force_login(schools["city"])
    response = client.get(URL, {"region": "220106"})
    assert [row[0] for row in rows(response)] == ["绿园技校"]


def test_school_report_in_a_fixed_number_of_queries(client, schools, django_assert_num_queries):
    client.force_login(schools["city"])
    client.get(URL)
    # session, user, regulated regions, scope check, any school course, totals, count and page
    # of schools, region and course choices, header roles (permissions twice, memberships),
    # the bell's unread notices: one query per school would show here.
    with django_assert_num_queries(14):
        response = client.get(URL)
    assert len(response.context["page"]) == 3


def test_non_regulators_get_404(client, schools):
    for user in (admin_of(schools["nanguan"]), admin_of(EnterpriseFactory())):
        client.force_login(user)
        assert client.get(URL).status_code == 404
    client.logout()
    assert client.get(URL).status_code == 302


def test_export_is_audited_and_holds_the_same_figures(client, schools):
    client.force_login(schools["county"])
    response = client.get(URL, {"export": "xlsx", "table": "schools"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert [row[0] for row in values[1:]] == ["空名册技校", "南关技校"]
    assert values[2][4:] == [4, 2, 1, 25]
    log = AuditLog.objects.get()
    assert (log.action, log.rows, log.contains_personal_data) == ("export", 2, False)
    assert log.user == schools["county"]


def test_header_links_to_school_courses_for_regulators_and_courses_for_admins(client, schools):
    client.force_login(schools["county"])
    assert reverse("courses:school_report") in client.get(URL).text
    client.force_login(admin_of(schools["nanguan"]))
    page = client.get(reverse("courses:org_courses", args=[schools["nanguan"].credit_code]))
    assert reverse("courses:org_courses", args=[schools["nanguan"].credit_code]) in page.text
    assert reverse("courses:school_report") not in page.text
