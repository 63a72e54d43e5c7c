import datetime

from django.urls import reverse

from coverage.models import Role
from reminders.models import EscalationTask, Notice
from reminders.services import reminders_run
from tests.factories import TrainingRecordFactory, enrol_on_roster
from tests.reminders.conftest import NOW


def test_an_enterprise_still_behind_after_the_grace_period_is_escalated_once(world):
    world.rule(escalate_after_days=3)
    reminders_run(now=NOW)
    assert reminders_run(now=NOW + datetime.timedelta(days=2)).tasks == 0
    assert not EscalationTask.objects.exists()
    assert reminders_run(now=NOW + datetime.timedelta(days=3)).tasks == 1
    assert reminders_run(now=NOW + datetime.timedelta(days=4)).tasks == 0
    task = EscalationTask.objects.get()
    assert (task.enterprise, task.percent, task.handled_at) == (world.behind, 0.0, None)
    # The county's regulator hears of it under the bell; the other county's does not.
    notice = Notice.objects.get(user=world.regulator_a)
    assert "落后企业" in notice.title
    assert not Notice.objects.filter(user=world.regulator_b).exists()


def test_an_enterprise_that_caught_up_is_not_escalated(world):
    world.rule(escalate_after_days=3)
    reminders_run(now=NOW)
    for person in (world.manager, world.leader):
        TrainingRecordFactory(person=person, occurred_on=datetime.date(2026, 6, 11))
    assert reminders_run(now=NOW + datetime.timedelta(days=5)).tasks == 0
    assert not EscalationTask.objects.exists()


def test_a_rule_without_a_grace_period_never_escalates(world):
    world.rule()
    reminders_run(now=NOW)
    assert reminders_run(now=NOW + datetime.timedelta(days=20)).tasks == 0


def test_an_enterprise_never_reminded_is_not_escalated(world):
    world.rule(escalate_after_days=3)
    # Behind only after the reminder went: nobody reminded it, so nothing to escalate.
    reminders_run(now=NOW)
    enrol_on_roster(world.complete, Role.MANAGER, "新经理")
    reminders_run(now=NOW + datetime.timedelta(days=5))
    assert list(EscalationTask.objects.values_list("enterprise", flat=True)) == [world.behind.pk]


def test_the_county_regulator_sees_and_handles_the_task(world, client):
    world.rule(escalate_after_days=1)
    reminders_run(now=NOW)
    reminders_run(now=NOW + datetime.timedelta(days=1))
    task = EscalationTask.objects.get()
    client.force_login(world.regulator_a)
    page = client.get(reverse("reminders:task_list"))
    assert "落后企业" in page.content.decode()
    response = client.post(reverse("reminders:task_handle", args=[task.pk]), {"note": "已约谈"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.handled_by, task.note) == (world.regulator_a, "已约谈")
    handle_url = reverse("reminders:task_handle", args=[task.pk])
    assert handle_url not in client.get(reverse("reminders:task_list")).content.decode()
    assert "已约谈" in client.get(reverse("reminders:task_list") + "?show=handled").content.decode()


def test_another_countys_regulator_can_neither_see_nor_handle_the_task(world, client):
    world.rule(escalate_after_days=1)
    reminders_run(now=NOW)
    reminders_run(now=NOW + datetime.timedelta(days=1))
    task = EscalationTask.objects.get()
    client.force_login(world.regulator_b)
    assert "落后企业" not in client.get(reverse("reminders:task_list")).content.decode()
    response = client.post(reverse("reminders:task_handle", args=[task.pk]), {"note": "x"})
    assert response.status_code == 404
    task.refresh_from_db()
    assert task.handled_at is None
    # An enterprise administrator has no task list at all.
    client.force_login(world.behind_admin)
    assert client.get(reverse("reminders:task_list")).status_code == 404
