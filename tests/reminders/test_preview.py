import datetime

from django.urls import reverse

from coverage.services import person_save
from reminders.models import Delivery, Notice, ReminderRule
from reminders.selectors import rule_preview
from reminders.services import reminders_run
from tests.reminders.conftest import NOW


def test_the_preview_lists_what_the_run_then_sends_and_sends_nothing(world, sms_outbox):
    notices = world.rule(is_active=False)
    people = world.rule(kind=ReminderRule.Kind.PEOPLE_MISSING, is_active=False)
    person_save(id_number=world.manager.id_number, name="张经理", phone="13800001111")
    day = NOW.date()
    notice_preview = rule_preview(notices, now=NOW, day=day)
    people_preview = rule_preview(people, now=NOW, day=day)
    assert not sms_outbox and not Notice.objects.exists() and not Delivery.objects.exists()
    assert (notice_preview.enterprises_behind, notice_preview.notices) == (1, 1)
    assert [m.user for m in notice_preview.notice_sample] == [world.behind_admin]
    assert (people_preview.people_sms, people_preview.without_phone) == (1, 1)
    assert [p.name for p in people_preview.people_sample] == ["张经理"]

    ReminderRule.objects.update(is_active=True)
    result = reminders_run(now=NOW)
    assert (result.notices, result.sms) == (notice_preview.notices, people_preview.people_sms)
    after = rule_preview(people, now=NOW, day=day)
    assert (after.people_sms, after.already_sent) == (0, 2)


def test_a_day_outside_the_window_previews_nothing(world):
    rule = world.rule(days_before=5)
    preview = rule_preview(rule, now=NOW, day=NOW.date())
    assert preview.period is None and preview.notices == 0
    assert rule_preview(rule, now=NOW, day=datetime.date(2026, 6, 26)).notices == 1


def test_the_preview_page_shows_the_counts_in_a_few_queries(
    world, client, django_assert_max_num_queries
):
    rule = world.rule(kind=ReminderRule.Kind.PEOPLE_MISSING, is_active=False)
    client.force_login(world.regulator_a)
    url = reverse("reminders:rule_preview", args=[rule.pk]) + "?on=2026-06-10"
    client.get(url)
    with django_assert_max_num_queries(15):
        response = client.get(url)
    assert response.status_code == 200
    assert 'data-count="people-sms">0<' in response.content.decode()  # nobody has a phone
    assert not Delivery.objects.exists()
