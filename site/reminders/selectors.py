"""Who is behind and who gets what: one set of queries for the sender and the dry run alike.

Coverage comes from the maintained counts (coverage.selectors.enterprises_with_coverage), the
recipients from SQL; nothing here loops over people to work out a figure.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest

from coverage.jurisdiction import ADMINISTRATOR_ROLES
from coverage.models import Enterprise, Membership, Person
from coverage.selectors import enterprises_with_coverage, people_not_covered
from reminders.models import Channel, Delivery, Notice, ReminderRule, SmsOptOut

SAMPLE_SIZE = 50


def notices_unread_count(request: HttpRequest) -> int:
    """The bell's number: one query, kept on the request for the rest of it."""
    count = getattr(request, "_notices_unread", None)
    if count is None:
        user = request.user
        count = (
            Notice.objects.filter(user=user, read_at__isnull=True).count()
            if user.is_authenticated
            else 0
        )
        request._notices_unread = count
    return count


def enterprises_behind(rule: ReminderRule) -> QuerySet[Enterprise]:
    """The rule's key enterprises below its threshold (a missing roster counts as behind),
    annotated `required`, `covered`, `percent` from the maintained counts."""
    enterprises = Enterprise.objects.filter(region__path__startswith=rule.region.path)
    return enterprises_with_coverage(target=rule.target, enterprises=enterprises).filter(
        Q(percent__lt=rule.threshold_percent) | Q(percent__isnull=True)
    )


def _delivered(rule: ReminderRule, period: str, channel: str, **outer) -> Exists:
    return Exists(
        Delivery.objects.filter(
            rule=rule,
            period=period,
            channel=channel,
            **{key: OuterRef(value) for key, value in outer.items()},
        )
    )


def notice_recipients(rule: ReminderRule, period: str) -> QuerySet[Membership]:
    """Administrators of the enterprises behind who have no notice of this rule and period."""
    return (
        Membership.objects.filter(
            role__in=ADMINISTRATOR_ROLES,
            enterprise__in=Subquery(enterprises_behind(rule).order_by().values("pk")),
        )
        .exclude(_delivered(rule, period, Channel.NOTICE, user="user", enterprise="enterprise"))
        .select_related("user", "enterprise")
        .order_by("enterprise_id", "user_id")
    )


def contact_recipients(rule: ReminderRule, period: str) -> QuerySet[Enterprise]:
    """Enterprises behind whose contact has no SMS of this rule and period yet."""
    if not rule.sms_contact:
        return Enterprise.objects.none()
    return (
        enterprises_behind(rule)
        .exclude(contact_phone="")
        .exclude(_delivered(rule, period, Channel.SMS, enterprise="pk"))
    )


def people_recipients(
    rule: ReminderRule, period: str, *, now: datetime.datetime
) -> QuerySet[Person]:
    """People on the rosters of the enterprises behind who miss training, not opted out and
    not yet sent this period's SMS; annotated `recently_texted` (a reminder SMS inside the
    rate-limit window) and `has_phone` (their own number: the verified account's or the
    roster's)."""
    behind = Enterprise.objects.filter(
        pk__in=Subquery(enterprises_behind(rule).order_by().values("pk"))
    )
    missing = people_not_covered(target=rule.target, enterprises=behind).order_by()
    window_start = now - datetime.timedelta(days=settings.REMINDERS_SMS_WINDOW_DAYS)
    return (
        Person.objects.filter(pk__in=Subquery(missing.values("person_id")))
        .exclude(Exists(SmsOptOut.objects.filter(person=OuterRef("pk"))))
        .exclude(_delivered(rule, period, Channel.SMS, person="pk"))
        .annotate(
            recently_texted=Exists(
                Delivery.objects.filter(
                    person=OuterRef("pk"),
                    channel=Channel.SMS,
                    status=Delivery.Status.SENT,
                    created_at__gte=window_start,
                )
            ),
            has_phone=Q(phone_encrypted__gt="")
            | Q(user__phone_verified=True, user__phone__isnull=False),
        )
        .select_related("user")
        .order_by("pk")
    )


@dataclass
class Preview:
    """What a rule would send on a day, without sending it."""

    rule: ReminderRule
    day: datetime.date
    period: str | None
    window_start: datetime.date
    enterprises_behind: int = 0
    notices: int = 0
    contact_sms: int = 0
    people_sms: int = 0
    rate_limited: int = 0
    without_phone: int = 0
    opted_out: int = 0
    already_sent: int = 0
    notice_sample: list = field(default_factory=list)
    people_sample: list = field(default_factory=list)


def rule_preview(rule: ReminderRule, *, now: datetime.datetime, day: datetime.date) -> Preview:
    """Counts and a sample of who would get what on `day` (the same selectors the sender
    uses), in a handful of queries whatever the number of people."""
    milestone = rule.milestone_date
    preview = Preview(
        rule=rule,
        day=day,
        period=rule.period_on(day),
        window_start=milestone - datetime.timedelta(days=rule.days_before),
    )
    preview.enterprises_behind = enterprises_behind(rule).count()
    if preview.period is None:
        return preview
    period = preview.period
    preview.already_sent = Delivery.objects.filter(rule=rule, period=period).count()
    if rule.kind == ReminderRule.Kind.ENTERPRISE_BEHIND:
        recipients = notice_recipients(rule, period)
        preview.notices = recipients.count()
        preview.notice_sample = list(recipients[:SAMPLE_SIZE])
        preview.contact_sms = contact_recipients(rule, period).count()
        return preview
    people = people_recipients(rule, period, now=now)
    preview.rate_limited = people.filter(recently_texted=True).count()
    preview.without_phone = people.filter(has_phone=False).count()
    preview.people_sms = people.filter(recently_texted=False, has_phone=True).count()
    preview.people_sample = list(people.filter(recently_texted=False, has_phone=True)[:SAMPLE_SIZE])
    preview.opted_out = SmsOptOut.objects.filter(
        person__in=Subquery(
            people_not_covered(
                target=rule.target,
                enterprises=Enterprise.objects.filter(
                    pk__in=Subquery(enterprises_behind(rule).order_by().values("pk"))
                ),
            )
            .order_by()
            .values("person_id")
        )
    ).count()
    return preview


def percent_of(rule: ReminderRule, enterprise_ids: list[int]) -> dict[int, float | None]:
    """Current coverage % of these enterprises under the rule's target (one query)."""
    rows = (
        enterprises_with_coverage(
            target=rule.target, enterprises=Enterprise.objects.filter(pk__in=enterprise_ids)
        )
        .order_by()
        .values_list("pk", "percent")
    )
    return dict(rows)
