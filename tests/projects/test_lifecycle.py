from decimal import Decimal

import pytest

from coverage.models import AuditLog, Department
from projects.declarations.services import (
    ProjectRefused,
    budget_line_add,
    project_agreement_file,
    project_declare,
    project_deliver,
    project_execution_start,
    project_pay,
    project_submit,
)
from projects.models import Criterion, Panel, PanelMember, Project
from projects.panels.services import panel_vote, project_acceptance_start, project_review_start
from tests.factories import EnterpriseFactory, admin_of, department_regulator_of, regulator_of

S = Project.Status


def vote_all(panel, verdicts):
    criterion = Criterion.objects.get_or_create(purpose=panel.purpose, name="可行性", max_score=10)[
        0
    ]
    seats = panel.members.filter(status=PanelMember.Status.ACTIVE).select_related("expert")
    for seat, verdict in zip(seats, verdicts, strict=False):
        panel_vote(
            member=seat,
            user=seat.expert.user,
            verdict=verdict,
            scores={criterion.pk: 8},
            comment="" if verdict == "pass" else "预算依据不足",
        )


def test_from_declaration_to_payment_each_step_by_its_role(world):
    applicant, hrss, social = world.applicant_admin, world.hrss, world.social
    project = project_declare(
        applicant=world.applicant,
        user=applicant,
        year=2025,
        region=world.city,
        kind=Project.Kind.TRAINING,
        title="建筑施工班组长工伤预防培训",
        planned_people=120,
    )
    assert project.code == "2025-229900-0001" and project.status == S.DRAFT
    budget_line_add(project=project, user=applicant, standard=world.standard, quantity=Decimal(960))
    project_submit(project=project, user=applicant)
    review = project_review_start(project=project, user=hrss, size=3, seed=11)
    vote_all(review, ["pass", "fail", "pass"])
    project.refresh_from_db()
    assert project.status == S.APPROVED and review.outcome == Panel.Outcome.PENDING
    project_agreement_file(project=project, user=social, agreement_number="JLGS-2025-017")
    project_execution_start(project=project, user=applicant)
    project_deliver(project=project, user=applicant)
    acceptance = project_acceptance_start(project=project, user=hrss, size=3, seed=12)
    vote_all(acceptance, ["pass", "pass"])  # two of three decide
    project.refresh_from_db()
    assert project.status == S.ACCEPTED
    project_pay(project=project, user=social, amount=Decimal("19200.00"))
    project.refresh_from_db()
    assert project.status == S.PAID and project.paid_amount == Decimal("19200.00")
    steps = list(project.events.values_list("from_status", "to_status", "role"))
    assert steps == [
        (S.DRAFT, S.SUBMITTED, "applicant"),
        (S.SUBMITTED, S.UNDER_REVIEW, "hrss"),
        (S.UNDER_REVIEW, S.APPROVED, "panel"),
        (S.APPROVED, S.AGREEMENT_FILED, "social_insurance"),
        (S.AGREEMENT_FILED, S.IN_EXECUTION, "applicant"),
        (S.IN_EXECUTION, S.DELIVERED, "applicant"),
        (S.DELIVERED, S.ACCEPTED, "panel"),
        (S.ACCEPTED, S.PAID, "social_insurance"),
    ]
    assert all(e.at for e in project.events.all())
    assert AuditLog.objects.filter(action="project").count() == 8
    assert AuditLog.objects.filter(action="panel_draw").count() == 2


def test_a_majority_of_fails_rejects_with_the_reasons(world):
    project = world.project
    budget_line_add(
        project=project, user=world.applicant_admin, standard=world.standard, quantity=10
    )
    project_submit(project=project, user=world.applicant_admin)
    panel = project_review_start(project=project, user=world.hrss, size=3, seed=1)
    vote_all(panel, ["fail", "pass", "fail"])
    project.refresh_from_db()
    assert project.status == S.REJECTED and "预算依据不足" in project.rejection_reasons


def other_roles(world):
    return {
        "applicant": world.applicant_admin,
        "hrss": world.hrss,
        "social": world.social,
        "hrss_elsewhere": department_regulator_of(world.other_city, Department.HUMAN_RESOURCES),
        "emergency": department_regulator_of(world.city, Department.EMERGENCY),
        "plain_regulator": regulator_of(world.city),
        "other_admin": admin_of(EnterpriseFactory(region=world.county)),
    }


@pytest.mark.parametrize(
    ("step", "status", "right"),
    [
        ("submit", S.DRAFT, "applicant"),
        ("review", S.SUBMITTED, "hrss"),
        ("agreement", S.APPROVED, "social"),
        ("execute", S.AGREEMENT_FILED, "applicant"),
        ("deliver", S.IN_EXECUTION, "applicant"),
        ("pay", S.ACCEPTED, "social"),
    ],
)
def test_each_step_refuses_every_other_role(world, step, status, right):
    budget_line_add(
        project=world.project, user=world.applicant_admin, standard=world.standard, quantity=10
    )
    Project.objects.filter(pk=world.project.pk).update(status=status)
    calls = {
        "submit": lambda u: project_submit(project=world.project, user=u),
        "review": lambda u: project_review_start(project=world.project, user=u, size=3, seed=1),
        "agreement": lambda u: project_agreement_file(
            project=world.project, user=u, agreement_number="X-1"
        ),
        "execute": lambda u: project_execution_start(project=world.project, user=u),
        "deliver": lambda u: project_deliver(project=world.project, user=u),
        "pay": lambda u: project_pay(project=world.project, user=u, amount=Decimal(100)),
    }
    roles = other_roles(world)
    roles["expert"] = world.experts[0].user
    for name, user in roles.items():
        if name == right:
            continue
        with pytest.raises(ProjectRefused, match="只有"):
            calls[step](user)
        world.project.refresh_from_db()
        assert world.project.status == status, name
    calls[step](roles[right])
    world.project.refresh_from_db()
    assert world.project.status != status


def test_a_step_out_of_order_is_refused(world):
    with pytest.raises(ProjectRefused, match="不能变为"):
        project_pay(project=world.project, user=world.social, amount=Decimal(1))
    with pytest.raises(ProjectRefused, match="预算明细"):
        project_submit(project=world.project, user=world.applicant_admin)
    assert not world.project.events.exists()


def test_only_a_serving_member_votes_and_only_once(world):
    budget_line_add(
        project=world.project, user=world.applicant_admin, standard=world.standard, quantity=1
    )
    project_submit(project=world.project, user=world.applicant_admin)
    panel = project_review_start(project=world.project, user=world.hrss, size=3, seed=4)
    on_panel = set(panel.members.values_list("expert_id", flat=True))
    outsider = next(e for e in world.experts if e.pk not in on_panel)
    seat = panel.members.select_related("expert").first()
    with pytest.raises(ProjectRefused):
        panel_vote(member=seat, user=outsider.user, verdict="pass", scores={})
    panel_vote(member=seat, user=seat.expert.user, verdict="pass", scores={})
    with pytest.raises(ProjectRefused, match="已经表决过"):
        panel_vote(member=seat, user=seat.expert.user, verdict="pass", scores={})
