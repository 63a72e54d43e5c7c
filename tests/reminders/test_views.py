import datetime

from django.urls import reverse

from coverage.models import Person
from reminders.models import Notice, ReminderRule, SmsOptOut
from reminders.services import notice_send, opt_out_token
from tests.factories import UserFactory
from tests.reminders.conftest import NOW


def test_the_bell_shows_the_unread_count_to_an_administrator(world, client):
    for n in range(3):
        notice_send(user=world.behind_admin, title=f"通知{n}", now=NOW)
    Notice.objects.filter(title="通知0").update(read_at=NOW)
    client.force_login(world.behind_admin)
    page = client.get(reverse("reminders:notice_list")).content.decode()
    assert '<span class="bell__count">2</span>' in page


def test_the_bell_costs_one_query(world, client, django_assert_num_queries):
    """The same page for the same user with and without notices: the count is one query."""
    client.force_login(world.behind_admin)
    url = reverse("reminders:sms_settings")
    Person.objects.filter(pk=world.manager.pk).update(user=world.behind_admin)
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    counting = [q for q in queries.captured_queries if "reminders_notice" in q["sql"]]
    assert len(counting) == 1


def test_a_worker_gets_no_bell_and_no_count_query(world, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    worker = UserFactory()
    Person.objects.filter(pk=world.manager.pk).update(user=worker)
    client.force_login(worker)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("reminders:sms_settings")).content.decode()
    assert "bell" not in page
    assert not [q for q in queries.captured_queries if "reminders_notice" in q["sql"]]


def test_opening_a_notice_marks_it_read_and_follows_its_link(world, client):
    notice = notice_send(user=world.behind_admin, title="通知", link="/coverage/")
    other = notice_send(user=world.other_admin, title="别人的")
    client.force_login(world.behind_admin)
    response = client.post(reverse("reminders:notices_read"), {"notice": notice.pk})
    assert response.url == "/coverage/"
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert client.post(reverse("reminders:notices_read"), {"notice": other.pk}).status_code == 404


def test_a_regulator_edits_rules_of_their_county_only(world, client):
    mine = world.rule()
    theirs = world.rule(region=world.county_b)
    client.force_login(world.regulator_a)
    listing = client.get(reverse("reminders:rule_list")).content.decode()
    assert mine.name in listing and theirs.name not in listing
    for name in ("rule_edit", "rule_preview"):
        assert client.get(reverse(f"reminders:{name}", args=[theirs.pk])).status_code == 404
    response = client.post(
        reverse("reminders:rule_edit", args=[theirs.pk]), {"name": "改", "kind": "people_missing"}
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.name != "改"


def test_a_regulator_creates_a_draft_rule_in_scope_and_not_outside(world, client):
    client.force_login(world.regulator_a)
    data = {
        "name": "年底前提醒",
        "kind": ReminderRule.Kind.ENTERPRISE_BEHIND,
        "target": world.target.pk,
        "threshold_percent": 80,
        "days_before": 60,
        "repeat_days": 0,
    }
    outside = client.post(reverse("reminders:rule_create"), {**data, "region": world.county_b.pk})
    assert outside.status_code == 200 and not ReminderRule.objects.exists()
    response = client.post(reverse("reminders:rule_create"), {**data, "region": world.county_a.pk})
    rule = ReminderRule.objects.get()
    assert response.url == reverse("reminders:rule_preview", args=[rule.pk])
    assert (rule.is_active, rule.created_by) == (False, world.regulator_a)


def test_an_enterprise_administrator_has_no_rules_pages(world, client):
    client.force_login(world.behind_admin)
    assert client.get(reverse("reminders:rule_list")).status_code == 404
    assert client.get(reverse("reminders:rule_create")).status_code == 404


def test_the_sms_link_asks_before_it_opts_out(world, client):
    url = reverse("reminders:opt_out", args=[opt_out_token(world.manager)])
    assert client.get(url).status_code == 200
    assert not SmsOptOut.objects.exists()
    client.post(url)
    assert SmsOptOut.objects.get().person == world.manager
    tampered = url.replace(str(world.manager.pk) + ":", str(world.leader.pk) + ":")
    assert client.post(tampered).status_code == 404


def test_a_person_turns_reminders_off_and_on_in_their_settings(world, client):
    worker = UserFactory()
    Person.objects.filter(pk=world.manager.pk).update(user=worker)
    client.force_login(worker)
    client.post(reverse("reminders:sms_settings"), {})
    assert SmsOptOut.objects.filter(person=world.manager, via="account").exists()
    client.post(reverse("reminders:sms_settings"), {"reminders": "on"})
    assert not SmsOptOut.objects.exists()


def test_period_keys_follow_the_window(world):
    rule = world.rule(repeat_days=10)
    assert rule.period_on(datetime.date(2026, 5, 30)) is None
    assert rule.period_on(datetime.date(2026, 5, 31)) == "2026-06-30/0"
    assert rule.period_on(datetime.date(2026, 6, 10)) == "2026-06-30/1"
    assert rule.period_on(datetime.date(2026, 7, 1)) is None
