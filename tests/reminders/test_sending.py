import datetime

import pytest

from coverage.services import person_save
from reminders.models import Delivery, Notice, ReminderRule, SmsOptOut
from reminders.services import reminders_run, sms_opt_out
from tests.factories import UserFactory
from tests.reminders.conftest import DEADLINE, NOW, at

PEOPLE = ReminderRule.Kind.PEOPLE_MISSING


def phone_give(person, number: str):
    person_save(id_number=person.id_number, name=person.name, phone=number)


def test_enterprise_behind_notifies_its_administrators_once_and_the_complete_one_not(world):
    world.rule()
    result = reminders_run(now=NOW)
    assert result.notices == 1
    notice = Notice.objects.get()
    assert notice.user == world.behind_admin
    assert "落后企业" in notice.title
    assert world.behind.credit_code in notice.link
    # The enterprise of another county is outside the rule's region.
    assert not Notice.objects.filter(user=world.other_admin).exists()
    delivery = Delivery.objects.get()
    assert (delivery.period, delivery.status) == (DEADLINE.isoformat(), Delivery.Status.SENT)


def test_a_second_run_in_the_same_period_sends_nothing(world, sms_outbox):
    world.rule()
    world.rule(kind=PEOPLE)
    phone_give(world.manager, "13800001111")
    first = reminders_run(now=NOW)
    second = reminders_run(now=NOW + datetime.timedelta(hours=3))
    assert (first.notices, first.sms) == (1, 1)
    assert (second.notices, second.sms) == (0, 0)
    assert Notice.objects.count() == 1
    assert len(sms_outbox) == 1


def test_a_repeating_rule_sends_again_in_its_next_period_only(world):
    world.rule(repeat_days=7)
    assert reminders_run(now=NOW).notices == 1
    assert reminders_run(now=NOW + datetime.timedelta(days=1)).notices == 0
    assert reminders_run(now=NOW + datetime.timedelta(days=7)).notices == 1
    assert Delivery.objects.values("period").distinct().count() == 2


@pytest.mark.parametrize(
    ("hour", "minute", "sends"),
    [(21, 0, False), (23, 30, False), (7, 59, False), (8, 0, True), (20, 59, True)],
)
def test_nothing_is_sent_in_quiet_hours(world, sms_outbox, hour, minute, sends):
    world.rule()
    world.rule(kind=PEOPLE)
    phone_give(world.manager, "13800001111")
    result = reminders_run(now=at(datetime.date(2026, 6, 10), hour, minute))
    assert result.quiet is not sends
    assert Notice.objects.exists() is sends
    assert bool(sms_outbox) is sends
    assert Delivery.objects.exists() is sends


def test_what_waited_through_the_night_goes_at_eight(world):
    world.rule()
    assert reminders_run(now=at(datetime.date(2026, 6, 10), 7, 59)).notices == 0
    assert reminders_run(now=at(datetime.date(2026, 6, 10), 8, 0)).notices == 1


def test_a_draft_rule_and_a_rule_outside_its_window_send_nothing(world):
    world.rule(is_active=False)
    world.rule(days_before=5)  # its window opens on 2026-06-25
    assert reminders_run(now=NOW).notices == 0
    assert not Delivery.objects.exists()


def test_people_missing_training_get_the_course_link_and_an_opt_out_link(world, sms_outbox):
    world.rule(kind=PEOPLE, course_link="/learn/courses/key-staff/")
    phone_give(world.manager, "13800001111")
    phone_give(world.done, "13800003333")  # trained: no reminder
    result = reminders_run(now=NOW)
    assert result.sms == 1
    [message] = sms_outbox
    assert message.phone == "+8613800001111"
    assert message.purpose == "training_reminder"
    assert message.params["link"].endswith("/learn/courses/key-staff/")
    assert "/reminders/stop/" in message.params["stop"]
    assert "张经理" in message.text
    # The leader has no number of their own: logged as skipped, never sent elsewhere.
    skipped = Delivery.objects.get(person=world.leader)
    assert skipped.status == Delivery.Status.SKIPPED


def test_the_sms_goes_only_to_the_persons_own_number(world, sms_outbox):
    world.rule(kind=PEOPLE)
    phone_give(world.manager, "13800001111")
    # A verified account is the person's own number; an unverified one is not trusted.
    world.manager.user = UserFactory(phone="+8613900002222", phone_verified=True)
    world.manager.save(update_fields=["user"])
    world.leader.user = UserFactory(phone="+8613900003333", phone_verified=False)
    world.leader.save(update_fields=["user"])
    # The enterprise's contact number is nobody's own: never used for a person.
    world.behind.contact_phone = "13800009999"
    world.behind.save()
    reminders_run(now=NOW)
    assert [message.phone for message in sms_outbox] == ["+8613900002222"]
    assert Delivery.objects.get(person=world.leader).status == Delivery.Status.SKIPPED


def test_an_opted_out_person_gets_no_sms(world, sms_outbox):
    world.rule(kind=PEOPLE)
    phone_give(world.manager, "13800001111")
    phone_give(world.leader, "13800002222")
    sms_opt_out(person=world.leader, via=SmsOptOut.Via.ACCOUNT)
    reminders_run(now=NOW)
    assert [message.phone for message in sms_outbox] == ["+8613800001111"]
    assert not Delivery.objects.filter(person=world.leader).exists()


def test_a_person_reminded_recently_by_another_rule_waits_for_the_window(
    world, sms_outbox, settings
):
    settings.REMINDERS_SMS_WINDOW_DAYS = 7
    world.rule(kind=PEOPLE)
    phone_give(world.manager, "13800001111")
    assert reminders_run(now=NOW).sms == 1
    world.rule(kind=PEOPLE, name="第二条")
    assert reminders_run(now=NOW + datetime.timedelta(days=3)).sms == 0
    assert reminders_run(now=NOW + datetime.timedelta(days=8)).sms == 1
    assert len(sms_outbox) == 2


def test_one_number_on_two_people_is_texted_once(world, sms_outbox):
    world.rule(kind=PEOPLE)
    phone_give(world.manager, "13800001111")
    phone_give(world.leader, "13800001111")
    reminders_run(now=NOW)
    assert len(sms_outbox) == 1
    assert Delivery.objects.filter(status=Delivery.Status.SKIPPED).count() == 1


def test_at_most_the_run_budget_is_sent_and_the_rest_goes_next_run(world, sms_outbox, settings):
    settings.REMINDERS_SMS_PER_RUN = 1
    world.rule(kind=PEOPLE)
    phone_give(world.manager, "13800001111")
    phone_give(world.leader, "13800002222")
    assert reminders_run(now=NOW).sms == 1
    assert reminders_run(now=NOW + datetime.timedelta(minutes=15)).sms == 1
    assert sorted(m.phone for m in sms_outbox) == ["+8613800001111", "+8613800002222"]


def test_an_enterprise_contact_is_texted_when_the_rule_says_so(world, sms_outbox):
    world.rule(sms_contact=True)
    world.behind.contact_phone = "138-0000-9999"
    world.behind.save()
    result = reminders_run(now=NOW)
    assert (result.notices, result.sms) == (1, 1)
    [message] = sms_outbox
    assert (message.phone, message.purpose) == ("+8613800009999", "enterprise_reminder")
