"""The demo's projects: ~30 experts and three projects of 长春市 in different states, made
through the services (events and audit entries real), unchanged by a second load."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from coverage.identifiers import mobile_to_e164
from coverage.models import AuditLog
from projects.evidence.selectors import project_evidence
from projects.experts.selectors import experts_expiring
from projects.models import Expert, Panel, Project, ProjectEvent

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

Status = Project.Status


def test_the_demo_has_an_expert_pool_and_three_projects_in_different_states(client):
    call_command("load_demo", verbosity=0)
    counts = (
        Expert.objects.count(),
        Project.objects.count(),
        ProjectEvent.objects.count(),
        Panel.objects.count(),
        AuditLog.objects.filter(action=AuditLog.Action.PROJECT).count(),
    )
    call_command("load_demo", verbosity=0)  # safe to re-run: nothing changes
    assert (
        Expert.objects.count(),
        Project.objects.count(),
        ProjectEvent.objects.count(),
        Panel.objects.count(),
        AuditLog.objects.filter(action=AuditLog.Action.PROJECT).count(),
    ) == counts
    assert counts[0] == 30
    assert experts_expiring().count() == 3  # renewal reminders show on the pool page
    by_status = {p.status: p for p in Project.objects.all()}
    assert set(by_status) == {Status.IN_EXECUTION, Status.UNDER_REVIEW, Status.PAID}

    running = by_status[Status.IN_EXECUTION]
    assert running.session_links.count() == 2
    evidence = project_evidence(project=running)
    assert evidence.people > 0 and evidence.sessions == 2
    assert [e.to_status for e in running.events.all()] == [
        Status.SUBMITTED,
        Status.UNDER_REVIEW,
        Status.APPROVED,
        Status.AGREEMENT_FILED,
        Status.IN_EXECUTION,
    ]

    reviewed = by_status[Status.UNDER_REVIEW]
    (panel,) = reviewed.panels.all()
    assert panel.members.count() == 3 and panel.outcome == Panel.Outcome.PENDING

    paid = by_status[Status.PAID]
    assert paid.panels.filter(outcome=Panel.Outcome.PASSED).count() == 2
    # Paid what the verified attendance evidences, never the plan.
    assert paid.paid_amount == project_evidence(project=paid).payable > Decimal(0)

    # 社保 of 长春市 sees the three on the supervision page.
    client.force_login(User.objects.get(phone=mobile_to_e164("13800000021")))
    html = client.get(reverse("projects:supervision")).content.decode()
    assert all(p.code in html for p in by_status.values())
