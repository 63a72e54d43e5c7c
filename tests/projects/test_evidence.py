import datetime
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from courses.services import course_complete_if_done
from coverage.models import Attendance
from coverage.sessions.services import session_verify
from projects.declarations.services import ProjectRefused, budget_line_add
from projects.evidence.selectors import project_evidence, project_flagged
from projects.evidence.services import flag_decide, project_course_link, project_session_link
from projects.models import FlagDecision, Panel, PanelMember, Project
from tests.factories import (
    AttendanceFactory,
    PaymentStandardFactory,
    TrainingSessionFactory,
    UserFactory,
    course_build,
    enrol_on_roster,
    enrolment_make,
)

M = Attendance.Method


class Delivered:
    """The world's project, delivered: two ended 3-hour sessions of the applicant with ten
    verified check-ins (four flagged: shared device, far apart, ID number, added by hand),
    one check-in removed, one at an unlinked session, and one completed 2-hour course."""

    def __init__(self, world):
        self.world = world
        project = world.project
        project.year = timezone.localdate().year
        project.planned_people = 200
        project.save()
        self.project = project
        admin = world.applicant_admin
        budget_line_add(project=project, user=admin, standard=world.standard, quantity=Decimal(600))
        self.per_person = PaymentStandardFactory(
            code="training_person", name="培训（每人）", unit="person", amount=5
        )
        budget_line_add(project=project, user=admin, standard=self.per_person, quantity=Decimal(8))
        start = timezone.now() - datetime.timedelta(hours=5)
        sessions = [
            TrainingSessionFactory(
                organiser=world.applicant,
                starts_at=start,
                ends_at=start + datetime.timedelta(hours=3),
                hours=3,
            )
            for _ in range(2)
        ]
        people = [enrol_on_roster(world.applicant) for _ in range(9)]
        self.rows = {}
        plan = [  # (session, person, method, flags)
            (0, 0, M.ROTATING, []),
            (0, 1, M.ROTATING, []),
            (0, 2, M.ROTATING, ["shared_device"]),
            (0, 3, M.ROTATING, ["far_apart"]),
            (0, 4, M.ID_NUMBER, ["id_number"]),
            (1, 0, M.ROTATING, []),
            (1, 5, M.ROTATING, []),
            (1, 6, M.MANUAL, []),
            (1, 7, M.ROTATING, []),
            (1, 8, M.ROTATING, []),
        ]
        for s, p, method, flags in plan:
            self.rows[(s, p)] = AttendanceFactory(
                session=sessions[s],
                person=people[p],
                checked_in_at=start,
                checkin_method=method,
                flags=flags,
            )
        removed = AttendanceFactory(session=sessions[1], person=enrol_on_roster(world.applicant))
        removed.removed_at = timezone.now()
        removed.save()
        other = TrainingSessionFactory(
            organiser=world.applicant, starts_at=start, ends_at=start + datetime.timedelta(hours=3)
        )
        AttendanceFactory(session=other, person=people[0], checked_in_at=start)
        for session in [*sessions, other]:
            session_verify(session=session)
        for session in sessions:
            project_session_link(project=project, user=admin, session=session)
        course = course_build(lessons=1, questions=0)  # 2 credit hours
        course_complete_if_done(enrolment=enrolment_make(course, people[8]))
        course_complete_if_done(enrolment=enrolment_make(course, enrol_on_roster(world.applicant)))
        project_course_link(project=project, user=admin, course=course)
        Project.objects.filter(pk=project.pk).update(status=Project.Status.DELIVERED)
        project.refresh_from_db()
        panel = Panel.objects.create(
            project=project, purpose=Panel.Purpose.ACCEPTANCE, size=3, seed=1
        )
        self.expert = world.experts[0]
        PanelMember.objects.create(panel=panel, expert=self.expert, position=0)


@pytest.fixture
def delivered(world):
    return Delivered(world)


def test_payable_counts_verified_unflagged_and_accepted_units_only(delivered):
    project, user = delivered.project, delivered.expert.user
    evidence = project_evidence(project=project)
    # 10 verified check-ins × 3 h + 2 completions × 2 h; 9 + 1 people (one online only).
    assert (evidence.people, evidence.hours) == (10, Decimal("34.0"))
    assert evidence.flagged == 4 and evidence.completions == 2
    assert evidence.planned_people == 200 and evidence.planned_hours == Decimal(600)
    # Payable before any decision: 6 unflagged check-ins × 3 h + 4 h online = 22 person-hours;
    # people 0,1,5,7,8 and the online-only one = 6 people.
    assert (evidence.payable_hours, evidence.payable_people) == (Decimal(22), 6)
    assert evidence.payable == Decimal("22") * 20 + 6 * 5

    flagged = list(project_flagged(project=project))
    assert len(flagged) == 4
    flag_decide(project=project, user=user, attendance=delivered.rows[(0, 2)], decision="accept")
    flag_decide(
        project=project,
        user=user,
        attendance=delivered.rows[(0, 3)],
        decision="strike",
        reason="签到地点距会场40公里",
    )
    evidence = project_evidence(project=project)
    assert (evidence.accepted, evidence.struck) == (1, 1)
    assert (evidence.payable_hours, evidence.payable_people) == (Decimal(25), 7)
    assert evidence.payable == Decimal("25") * 20 + 7 * 5  # never the planned 600 h × 20


def test_payable_units_stop_at_the_budgeted_quantity(delivered):
    line = delivered.project.budget_lines.get(standard=delivered.per_person)
    line.quantity = 3
    line.save()
    evidence = project_evidence(project=delivered.project)
    assert [(pay.units, pay.amount) for pay in evidence.pay_lines] == [
        (Decimal(22), Decimal("440.00")),
        (Decimal(3), Decimal("15.00")),
    ]


def test_only_the_panel_decides_on_a_flagged_check_in_of_the_project(delivered):
    project, world = delivered.project, delivered.world
    with pytest.raises(ProjectRefused):
        flag_decide(
            project=project,
            user=world.applicant_admin,
            attendance=delivered.rows[(0, 2)],
            decision="accept",
        )
    with pytest.raises(ProjectRefused):  # not flagged
        flag_decide(
            project=project,
            user=delivered.expert.user,
            attendance=delivered.rows[(0, 0)],
            decision="accept",
        )
    with pytest.raises(ProjectRefused):  # a strike needs its reason
        flag_decide(
            project=project,
            user=delivered.expert.user,
            attendance=delivered.rows[(0, 3)],
            decision="strike",
        )
    assert not FlagDecision.objects.exists()


def test_the_evidence_pack_takes_a_constant_number_of_queries(
    delivered, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        project_evidence(project=delivered.project)


def test_project_evidence_command_prints_the_pack_as_json(delivered, capsys):
    flag_decide(
        project=delivered.project,
        user=delivered.expert.user,
        attendance=delivered.rows[(0, 2)],
        decision="accept",
    )
    call_command("project_evidence", project=delivered.project.code, json=True)
    assert json.loads(capsys.readouterr().out) == {
        "project": delivered.project.code,
        "planned": {"people": 200, "hours": 600.0},
        "delivered": {"people": 10, "hours": 34.0},
        "flagged": 4,
        "payable": 25 * 20 + 7 * 5,
    }


def test_project_page_shows_the_pack_and_the_panel_strikes_a_flagged_check_in(delivered, client):
    project, expert = delivered.project, delivered.expert
    client.force_login(expert.user)
    page = client.get(project.get_absolute_url()).content.decode()
    assert 'data-testid="payable">470.00<' in page  # 22 h × 20 + 6 people × 5
    assert delivered.rows[(0, 2)].person.name in page
    assert 'data-testid="flagged"' in page and 'value="strike"' in page
    attendance = delivered.rows[(0, 3)]
    url = f"/projects/{project.code}/evidence/flags/{attendance.pk}"
    response = client.post(url, {"decision": "strike", "reason": "距会场40公里"})
    assert response.status_code == 302
    assert FlagDecision.objects.get(attendance=attendance).decision == "strike"
    client.force_login(delivered.world.applicant_admin)  # sees the pack, may not decide
    client.post(
        url.replace(str(attendance.pk), str(delivered.rows[(0, 2)].pk)), {"decision": "accept"}
    )
    assert FlagDecision.objects.count() == 1


def test_nobody_outside_the_region_or_panel_links_or_decides(delivered, client):
    client.force_login(UserFactory())
    url = f"/projects/{delivered.project.code}/evidence/flags/{delivered.rows[(0, 2)].pk}"
    assert client.post(url, {"decision": "accept"}).status_code == 404
    assert client.get(delivered.project.get_absolute_url()).status_code == 404
    assert not FlagDecision.objects.exists()
