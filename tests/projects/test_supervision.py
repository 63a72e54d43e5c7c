import datetime
from decimal import Decimal
from io import BytesIO

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from coverage.models import AuditLog, Department
from projects.models import BudgetLine, Project, ProjectSession
from tests.factories import (
    AttendanceFactory,
    EnterpriseFactory,
    ProjectFactory,
    TrainingSessionFactory,
    department_regulator_of,
    regulator_of,
)

Status = Project.Status
PAST = timezone.localdate() - datetime.timedelta(days=3)
FUTURE = timezone.localdate() + datetime.timedelta(days=30)


def supervised_world(world):
    """Five projects of the city in 2025: overdue in each step, one on time, one paid with
    trained people; and one project of another city."""
    made = {
        "late_draft": ProjectFactory(applicant=world.applicant, declaration_closes=PAST),
        "late_agreement": ProjectFactory(
            applicant=world.applicant, status=Status.APPROVED, agreement_due=PAST
        ),
        "late_delivery": ProjectFactory(
            applicant=world.applicant, status=Status.IN_EXECUTION, delivery_due=PAST
        ),
        "on_time": ProjectFactory(
            applicant=world.applicant, status=Status.IN_EXECUTION, delivery_due=FUTURE
        ),
        "paid": ProjectFactory(
            applicant=world.applicant,
            status=Status.PAID,
            paid_amount=Decimal("1200.00"),
            delivery_due=PAST,
        ),
    }
    for project in made.values():
        BudgetLine.objects.create(project=project, standard=world.standard, quantity=100)
    session = TrainingSessionFactory(organiser=world.applicant)
    ProjectSession.objects.create(project=made["paid"], session=session)
    for _ in range(3):
        AttendanceFactory(session=session, verified_at=timezone.now())
    # An unverified check-in trains nobody.
    AttendanceFactory(session=session)
    made["elsewhere"] = ProjectFactory(
        applicant=EnterpriseFactory(region=world.other_city), declaration_closes=PAST
    )
    return made


def test_supervisors_see_their_region_by_status_with_overdue_steps(
    client, world, django_assert_max_num_queries
):
    made = supervised_world(world)
    for user in (world.hrss, world.social):
        client.force_login(user)
        with django_assert_max_num_queries(12):
            response = client.get(reverse("projects:supervision"))
        html = response.content.decode()
        assert made["elsewhere"].code not in html
        assert made["late_draft"].code in html
        overdue = {p.code: p.overdue_step for p in response.context["page"] if p.overdue_step}
        assert overdue == {
            made["late_draft"].code: "declaration",
            made["late_agreement"].code: "agreement",
            made["late_delivery"].code: "delivery",
        }
        counts = {value: count for value, _label, count in response.context["statuses"]}
        # The world's own draft project has no deadline: counted, not overdue.
        assert counts[Status.DRAFT] == {"total": 2, "overdue": 1}
        assert counts[Status.IN_EXECUTION] == {"total": 2, "overdue": 1}
        assert counts[Status.PAID] == {"total": 1, "overdue": 0}
    only = client.get(reverse("projects:supervision"), {"overdue": "1"})
    assert [p.code for p in only.context["page"]] == sorted(
        [made["late_draft"].code, made["late_agreement"].code, made["late_delivery"].code]
    )


def test_nobody_but_the_region_s_supervisors_sees_the_supervision(client, world):
    supervised_world(world)
    outsiders = [
        world.applicant_admin,
        regulator_of(world.city),  # a regulator without a department supervises no projects
        department_regulator_of(world.city, Department.EMERGENCY),
    ]
    for user in outsiders:
        client.force_login(user)
        assert client.get(reverse("projects:supervision")).status_code == 404, user
        assert client.get(reverse("projects:yearly", args=[2025])).status_code == 404, user
    # 人社 of another city: its page holds none of this city's projects, the city is a 404.
    client.force_login(department_regulator_of(world.other_city, Department.HUMAN_RESOURCES))
    response = client.get(reverse("projects:supervision"))
    assert world.project.code not in response.content.decode()
    yearly = reverse("projects:yearly", args=[2025])
    assert client.get(yearly, {"region": world.city.code}).status_code == 404
    assert client.get(yearly, {"region": world.city.code, "format": "xlsx"}).status_code == 404
    assert [r.region for r in client.get(yearly).context["rows"]] == [world.other_city]


def test_yearly_list_per_region_and_its_audited_export(
    client, world, django_assert_max_num_queries
):
    made = supervised_world(world)
    ProjectFactory(applicant=world.applicant, year=2024)
    client.force_login(world.social)
    url = reverse("projects:yearly", args=[2025])
    # seven of ours (user, scopes, region, three grouped sums, the regions), six of base.html
    with django_assert_max_num_queries(13):
        response = client.get(url, {"region": world.city.code})
    (row,) = response.context["rows"]
    assert row.region == world.county
    assert row.projects == 6  # the world's draft and the five above; not 2024's
    assert row.budget == Decimal("10000.00")  # five lines of 100 person-hours × 20
    assert row.paid == Decimal("1200.00")
    assert row.people == 3
    assert made["elsewhere"].code not in response.content.decode()

    with django_assert_max_num_queries(12):
        export = client.get(url, {"region": world.city.code, "format": "xlsx"})
    assert export["Content-Disposition"].endswith('projects-2025.xlsx"')
    sheet = load_workbook(BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == world.county.name
    assert list(rows[1][1:]) == [6, 10000, 1200, 3]
    entry = AuditLog.objects.filter(user=world.social, action=AuditLog.Action.EXPORT).get()
    assert entry.rows == 1 and "2025" in entry.subject
