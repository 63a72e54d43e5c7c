"""Sending reminders: each message at most once per rule, period and recipient, and logged.

The Delivery row is created (get-or-create on its unique constraint) in the transaction that
sends the message: a second beat run, a retried task or a concurrent worker meets the row, or
waits on the first one's insert and then meets it, and sends nothing.
"""

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.sms import Purpose, SmsSendError, sms_send
from coverage.identifiers import clean_mobile, mask_mobile
from coverage.models import Enterprise, Person
from coverage.pii import pii_lookup_hash
from reminders.models import Channel, Delivery, Notice, ReminderRule, SmsOptOut
from reminders.selectors import (
    contact_recipients,
    notice_recipients,
    people_recipients,
    percent_of,
)

logger = logging.getLogger(__name__)

# Nothing is sent from 21:00 until 08:00 in Jilin; what is due waits for the first run after.
SHANGHAI = ZoneInfo("Asia/Shanghai")
QUIET_FROM, QUIET_UNTIL = 21, 8
_OPT_OUT_SALT = "reminders.sms-opt-out"


def in_quiet_hours(now: datetime.datetime) -> bool:
    hour = now.astimezone(SHANGHAI).hour
    return hour >= QUIET_FROM or hour < QUIET_UNTIL


def absolute_url(path: str) -> str:
    if path.startswith(("http://", "https://")):
        return path
    return settings.PUBLIC_BASE_URL.rstrip("/") + path


def opt_out_token(person: Person) -> str:
    """For the link in an SMS: names the person by a signed row id, never by ID or phone."""
    return signing.Signer(salt=_OPT_OUT_SALT).sign(str(person.pk))


def opt_out_person(token: str) -> Person | None:
    try:
        pk = signing.Signer(salt=_OPT_OUT_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return Person.objects.filter(pk=pk).first()


def sms_opt_out(*, person: Person, via: str) -> SmsOptOut:
    """The person gets no more reminder SMS; asking twice changes nothing."""
    opt_out, _created = SmsOptOut.objects.get_or_create(person=person, defaults={"via": via})
    return opt_out


def sms_opt_in(*, person: Person) -> None:
    SmsOptOut.objects.filter(person=person).delete()


def notice_send(
    *, user, title: str, body: str = "", link: str = "", now: datetime.datetime | None = None
) -> Notice:
    """Put a notice under the user's bell."""
    return Notice.objects.create(
        user=user, title=title, body=body, link=link, created_at=now or timezone.now()
    )


def notices_mark_read(*, user, notice_ids: list[int] | None = None) -> int:
    """Mark the user's notices read (all of them without ids); returns how many changed."""
    notices = Notice.objects.filter(user=user, read_at__isnull=True)
    if notice_ids is not None:
        notices = notices.filter(pk__in=notice_ids)
    return notices.update(read_at=timezone.now())


@dataclass
class RunResult:
    quiet: bool = False
    notices: int = 0
    sms: int = 0
    skipped: int = 0
    failed: int = 0
    tasks: int = 0


def _deliver(
    *,
    rule: ReminderRule,
    period: str,
    recipient_key: str,
    channel: str,
    now: datetime.datetime,
    send: Callable[[Delivery], tuple[str, str]],
    **fields,
) -> str | None:
    """Log and send one message unless this rule, period and recipient has one already;
    returns the status, None when it had been sent (or is being sent) before."""
    with transaction.atomic():
        delivery, created = Delivery.objects.get_or_create(
            rule=rule,
            period=period,
            recipient_key=recipient_key,
            defaults={
                "channel": channel,
                "status": Delivery.Status.SENT,
                "created_at": now,
                **fields,
            },
        )
        if not created:
            return None
        status, detail = send(delivery)
        if status != Delivery.Status.SENT:
            delivery.status, delivery.detail = status, detail[:200]
            delivery.save(update_fields=["status", "detail"])
    return status


def _sms(delivery: Delivery, phone: str, *, purpose: str, text: str, params: dict):
    """Send unless the number had a reminder inside the window (another person's row with
    the same number, a second rule): then skipped."""
    window = delivery.created_at - datetime.timedelta(days=settings.REMINDERS_SMS_WINDOW_DAYS)
    recent = (
        Delivery.objects.filter(
            phone_hash=delivery.phone_hash,
            channel=Channel.SMS,
            status=Delivery.Status.SENT,
            created_at__gte=window,
        )
        .exclude(pk=delivery.pk)
        .exists()
    )
    if recent:
        return Delivery.Status.SKIPPED, "rate limited: this number had a reminder recently"
    try:
        sms_send(phone=phone, purpose=purpose, text=text, params=params)
    except SmsSendError as error:
        return Delivery.Status.FAILED, str(error)
    return Delivery.Status.SENT, ""


def _count(result: RunResult, status: str | None) -> None:
    if status == Delivery.Status.SENT:
        pass
    elif status == Delivery.Status.FAILED:
        result.failed += 1
    elif status == Delivery.Status.SKIPPED:
        result.skipped += 1


def person_phone(person: Person) -> str:
    """The person's own number in E.164: their verified account's, else the roster's."""
    user = person.user
    if user is not None and user.phone_verified and user.phone:
        return user.phone
    return "+86" + person.phone if person.phone_encrypted else ""


def _enterprise_rule_send(rule, period, now, result: RunResult, budget: list[int]) -> None:
    milestone = rule.milestone_date
    recipients = list(notice_recipients(rule, period))
    percents = percent_of(rule, sorted({m.enterprise_id for m in recipients}))
    link = reverse("coverage:enterprise_detail", args=["__code__"])
    for membership in recipients:
        enterprise = membership.enterprise
        percent = percents.get(enterprise.pk)
        title = _("%(enterprise)s: training coverage below %(threshold)s%%") % {
            "enterprise": enterprise.name,
            "threshold": rule.threshold_percent,
        }
        body = _(
            "Coverage of the key roles is %(percent)s; the milestone is %(date)s. "
            "Train the people still missing before then."
        ) % {
            "percent": f"{percent} %" if percent is not None else _("roster missing"),
            "date": milestone.isoformat(),
        }

        def send(delivery, membership=membership, title=title, body=body, enterprise=enterprise):
            notice_send(
                user=membership.user,
                title=title,
                body=body,
                link=link.replace("__code__", enterprise.credit_code),
                now=now,
            )
            return Delivery.Status.SENT, ""

        status = _deliver(
            rule=rule,
            period=period,
            recipient_key=f"user:{membership.user_id}:{enterprise.pk}",
            channel=Channel.NOTICE,
            now=now,
            send=send,
            enterprise=enterprise,
            user=membership.user,
        )
        if status == Delivery.Status.SENT:
            result.notices += 1
    for enterprise in contact_recipients(rule, period):
        if budget[0] <= 0:
            return
        _contact_sms(rule, period, now, enterprise, result, budget)


def _contact_sms(rule, period, now, enterprise: Enterprise, result, budget) -> None:
    try:
        phone = "+86" + clean_mobile(enterprise.contact_phone)
    except ValidationError:  # a landline or a typo: the administrators still got a notice
        phone = ""
    params = {
        "enterprise": enterprise.name,
        "percent": f"{enterprise.percent}%" if enterprise.percent is not None else "-",
        "date": rule.milestone_date.isoformat(),
        "link": absolute_url(reverse("coverage:enterprise_detail", args=[enterprise.credit_code])),
    }
    text = (
        _(
            "%(enterprise)s: coverage of key-role training is %(percent)s, below the target before "
            "%(date)s. Details: %(link)s"
        )
        % params
    )
    status = _deliver(
        rule=rule,
        period=period,
        recipient_key=f"contact:{enterprise.pk}",
        channel=Channel.SMS,
        now=now,
        send=lambda d: (
            _sms(d, phone, purpose=Purpose.ENTERPRISE_REMINDER, text=text, params=params)
            if phone
            else (Delivery.Status.SKIPPED, "no mobile number")
        ),
        enterprise=enterprise,
        phone_hash=pii_lookup_hash(phone) if phone else "",
        phone_masked=mask_mobile(phone) if phone else "",
    )
    _tally_sms(result, budget, status)


def _tally_sms(result: RunResult, budget: list[int], status: str | None) -> None:
    if status == Delivery.Status.SENT:
        result.sms += 1
        budget[0] -= 1
    _count(result, status)


def _people_rule_send(rule, period, now, result: RunResult, budget: list[int]) -> None:
    people = people_recipients(rule, period, now=now).filter(recently_texted=False)
    link = absolute_url(rule.course_link or reverse("courses:my_learning"))
    date = rule.milestone_date.isoformat()
    for person in people[: max(budget[0], 0)].iterator(chunk_size=500):
        if budget[0] <= 0:
            return
        phone = person_phone(person)
        params = {
            "name": person.name,
            "date": date,
            "link": link,
            "stop": absolute_url(reverse("reminders:opt_out", args=[opt_out_token(person)])),
        }
        text = (
            _(
                "%(name)s, the work-injury prevention training your role requires is not done yet. "
                "Please finish it by %(date)s: %(link)s No more reminders: %(stop)s"
            )
            % params
        )
        status = _deliver(
            rule=rule,
            period=period,
            recipient_key=f"person:{person.pk}",
            channel=Channel.SMS,
            now=now,
            send=lambda d, phone=phone, text=text, params=params: (
                _sms(d, phone, purpose=Purpose.TRAINING_REMINDER, text=text, params=params)
                if phone
                else (Delivery.Status.SKIPPED, "no mobile number of their own")
            ),
            person=person,
            phone_hash=pii_lookup_hash(phone) if phone else "",
            phone_masked=mask_mobile(phone) if phone else "",
        )
        _tally_sms(result, budget, status)


def rule_send(
    *, rule: ReminderRule, now: datetime.datetime, result: RunResult, budget: list[int]
) -> None:
    """Send what the rule owes today's period (nothing outside its window)."""
    period = rule.period_on(timezone.localdate(now))
    if period is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        if rule.kind == ReminderRule.Kind.ENTERPRISE_BEHIND:
            _enterprise_rule_send(rule, period, now, result, budget)
        else:
            _people_rule_send(rule, period, now, result, budget)


def reminders_run(*, now: datetime.datetime | None = None) -> RunResult:
    """Every live rule's messages due now, then the escalations; nothing in quiet hours."""
    from reminders.escalations import escalations_raise

    now = now or timezone.now()
    result = RunResult()
    if in_quiet_hours(now):
        result.quiet = True
        return result
    # At most REMINDERS_SMS_PER_RUN messages a run, so the provider is never flooded; the
    # rest have no Delivery row yet and go in the next run.
    budget = [settings.REMINDERS_SMS_PER_RUN]
    rules = ReminderRule.objects.filter(is_active=True).select_related("region", "target")
    for rule in rules:
        rule_send(rule=rule, now=now, result=result, budget=budget)
    with translation.override(settings.LANGUAGE_CODE):
        result.tasks = escalations_raise(now=now)
    logger.info("Reminders run: %s", result)
    return result
