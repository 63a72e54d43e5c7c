"""Reads of the expert pool: who may be drawn for a project, who is excluded and why, and
whose terms end soon."""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from coverage.models import Membership
from projects.models import Expert, ExpertConflict, Project
from projects.panels.draw import PoolEntry

EXPIRY_NOTICE_DAYS = 60

# Reasons in the command's JSON and the panel's record (stable codes; labels in the views).
SAME_ORGANISATION = "same_organisation"
DECLARED_CONFLICT = "declared_conflict"
UNAVAILABLE = "unavailable"
OUT_OF_TERM = "out_of_term"


def expert_pool_for(
    *, project: Project, on: datetime.date | None = None
) -> tuple[list[PoolEntry], list[dict]]:
    """The experts who may sit on the project's panels (ids ascending) and the excluded ones
    with their reason: unavailable, outside their term, of the applicant's organisation (on
    the platform, by name, or administering it), or with a declared conflict. Two queries."""
    on = on or timezone.localdate()
    applicant = project.applicant
    administering = Membership.objects.filter(enterprise=applicant).values("user_id")
    conflicted = ExpertConflict.objects.filter(enterprise=applicant).values("expert_id")
    rows = (
        Expert.objects.annotate_reason(
            same=Q(organisation=applicant)
            | Q(organisation_name=applicant.name)
            | Q(user_id__in=administering),
            declared=Q(pk__in=conflicted),
            on=on,
        )
        .order_by("pk")
        .values_list("pk", "field", "reason")
    )
    pool, excluded = [], []
    for pk, field, reason in rows:
        if reason:
            excluded.append({"expert_id": pk, "reason": reason})
        else:
            pool.append(PoolEntry(pk, field))
    return pool, excluded


def experts_expiring(*, on: datetime.date | None = None) -> QuerySet[Expert]:
    """Experts whose term ends within the next 60 days (renewal reminders on the pool page)."""
    on = on or timezone.localdate()
    return Expert.objects.filter(
        term_end__gte=on, term_end__lte=on + datetime.timedelta(days=EXPIRY_NOTICE_DAYS)
    ).order_by("term_end", "pk")
