"""Enterprises still behind after a reminder's grace period: tasks of their county regulator."""

import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from coverage.jurisdiction import regulators_nearest
from reminders.models import Channel, Delivery, EscalationTask, ReminderRule
from reminders.selectors import enterprises_behind
from reminders.services import notice_send


def escalation_candidates(rule: ReminderRule, *, now: datetime.datetime):
    """Enterprises of the rule still behind whose administrators were reminded at least the
    grace period ago, without a task for that reminder's period; annotated with it."""
    cutoff = now - datetime.timedelta(days=rule.escalate_after_days)
    reminded = Delivery.objects.filter(
        rule=rule,
        channel=Channel.NOTICE,
        status=Delivery.Status.SENT,
        enterprise=OuterRef("pk"),
        created_at__lte=cutoff,
    ).order_by("-created_at")
    return (
        enterprises_behind(rule)
        .filter(Exists(reminded))
        .annotate(
            reminded_period=Subquery(reminded.values("period")[:1]),
            reminded_at=Subquery(reminded.values("created_at")[:1]),
        )
        .exclude(
            Exists(
                EscalationTask.objects.filter(
                    rule=rule, enterprise=OuterRef("pk"), period=OuterRef("reminded_period")
                )
            )
        )
    )


def escalations_raise(*, now: datetime.datetime) -> int:
    """Raise the tasks that are due (once each: unique per rule, period and enterprise) and
    tell the regulators under their bell; returns how many were raised."""
    raised = 0
    regulators: dict[int, list] = {}
    rules = ReminderRule.objects.filter(
        is_active=True,
        kind=ReminderRule.Kind.ENTERPRISE_BEHIND,
        escalate_after_days__isnull=False,
    ).select_related("region", "target")
    for rule in rules:
        for enterprise in escalation_candidates(rule, now=now):
            with transaction.atomic():
                _task, created = EscalationTask.objects.get_or_create(
                    rule=rule,
                    period=enterprise.reminded_period,
                    enterprise=enterprise,
                    defaults={
                        "percent": enterprise.percent,
                        "reminded_at": enterprise.reminded_at,
                        "created_at": now,
                    },
                )
                if not created:
                    continue
                raised += 1
                if enterprise.region_id not in regulators:
                    regulators[enterprise.region_id] = regulators_nearest(enterprise.region)
                for user in regulators[enterprise.region_id]:
                    notice_send(
                        user=user,
                        title=_("Escalated: %(enterprise)s is still behind")
                        % {"enterprise": enterprise.name},
                        body=_("Reminded on %(date)s by the rule “%(rule)s”.")
                        % {
                            "date": timezone.localdate(enterprise.reminded_at).isoformat(),
                            "rule": rule.name,
                        },
                        link=reverse("reminders:task_list"),
                        now=now,
                    )
    return raised


def escalation_handle(*, task: EscalationTask, user, note: str = "") -> EscalationTask:
    """The regulator has dealt with the task; handling it again keeps the first time."""
    if task.handled_at is None:
        task.handled_at = timezone.now()
        task.handled_by = user
        task.note = note[:500]
        task.save(update_fields=["handled_at", "handled_by", "note"])
    return task
