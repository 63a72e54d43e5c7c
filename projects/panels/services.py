"""Writes of the panels: the draw (recorded with its seed and pool snapshot, audited), a
declined seat's replacement, and the members' votes whose majority moves the project."""

import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coverage.services import audit_log
from projects.declarations.services import (
    AUDIT_PANEL_DRAW,
    ProjectRefused,
    _locked,
    project_transition,
)
from projects.experts.selectors import expert_pool_for
from projects.models import Criterion, ExpertField, Panel, PanelMember, PanelScore, Project
from projects.panels.draw import DrawRefused, PoolEntry, panel_pick, replacement_pick
from projects.permissions import Role, acts_as

Status = Project.Status

# Covered by every panel unless the caller asks otherwise; a panel of three covers them all.
DEFAULT_FIELDS = [ExpertField.INJURY_PREVENTION.value, ExpertField.WORK_SAFETY.value]


def seed_new() -> int:
    """A fresh seed (recorded with the draw; 31 bits, easy to read out and type)."""
    return secrets.randbelow(2**31)


def panel_draw(
    *,
    project: Project,
    user,
    purpose: str,
    size: int,
    seed: int | None = None,
    fields: list[str] | None = None,
    ip_address: str | None = None,
) -> Panel:
    """Draw and record a panel (the caller holds the project's lock): the eligible pool as of
    today, snapshotted with the seed, the members in draw order; audited. DrawRefused for a
    size that is even or below 3, or a pool that cannot fill it."""
    seed = seed_new() if seed is None else seed
    fields = DEFAULT_FIELDS if fields is None else fields
    pool, excluded = expert_pool_for(project=project)
    chosen = panel_pick(pool=pool, seed=seed, size=size, fields=fields)
    panel = Panel.objects.create(
        project=project,
        purpose=purpose,
        size=size,
        seed=seed,
        fields=fields,
        pool=[[e.expert_id, e.field] for e in pool],
        excluded=excluded,
        drawn_by=user if getattr(user, "is_authenticated", False) else None,
    )
    PanelMember.objects.bulk_create(
        PanelMember(panel=panel, expert_id=entry.expert_id, position=index)
        for index, entry in enumerate(chosen, start=1)
    )
    audit_log(
        user=user,
        action=AUDIT_PANEL_DRAW,
        subject=(
            f"project {project.code} {purpose} panel {panel.pk}: size {size} seed {seed} "
            f"pool {len(pool)} members {[e.expert_id for e in chosen]}"
        ),
        rows=size,
        ip_address=ip_address,
    )
    return panel


def _draw_for(project, user, *, purpose, size, seed, ip_address) -> Panel:
    try:
        return panel_draw(
            project=project, user=user, purpose=purpose, size=size, seed=seed, ip_address=ip_address
        )
    except DrawRefused as error:
        raise ProjectRefused(str(error)) from error


@transaction.atomic
def project_review_start(
    *, project: Project, user, size: int, seed: int | None = None, ip_address: str | None = None
) -> Panel:
    """人社 opens the review of a submitted project by drawing its review panel."""
    project = _locked(project)
    # The transition first: a wrong role or state is refused before anything is drawn.
    project_transition(
        project=project, user=user, role=Role.HRSS, to=Status.UNDER_REVIEW, ip_address=ip_address
    )
    return _draw_for(
        project, user, purpose=Panel.Purpose.REVIEW, size=size, seed=seed, ip_address=ip_address
    )


@transaction.atomic
def project_acceptance_start(
    *, project: Project, user, size: int, seed: int | None = None, ip_address: str | None = None
) -> Panel:
    """人社 draws the acceptance panel (评估验收) of a delivered project, once."""
    project = _locked(project)
    if not acts_as(user, project, Role.HRSS):
        raise ProjectRefused(
            _("Only the region's human resources and social security bureau may draw a panel.")
        )
    if project.status != Status.DELIVERED:
        raise ProjectRefused(_("An acceptance panel is drawn only for a delivered project."))
    if project.panels.filter(purpose=Panel.Purpose.ACCEPTANCE).exists():
        raise ProjectRefused(_("The project's acceptance panel has already been drawn."))
    return _draw_for(
        project, user, purpose=Panel.Purpose.ACCEPTANCE, size=size, seed=seed, ip_address=ip_address
    )


@transaction.atomic
def panel_member_decline(*, member: PanelMember, user, reason: str) -> PanelMember | None:
    """The expert (or 人社 for them) declines a seat before voting; the replacement comes from
    the recorded snapshot and seed (projects.panels.draw.replacement_pick) and is returned,
    None when the pool is exhausted."""
    member = (
        PanelMember.objects.select_for_update()
        .select_related("panel__project", "expert")
        .get(pk=member.pk)
    )
    panel = member.panel
    own = member.expert.user_id is not None and member.expert.user_id == user.pk
    if not own and not acts_as(user, panel.project, Role.HRSS):
        raise ProjectRefused(_("Only the expert or the bureau may decline a seat."))
    if member.status != PanelMember.Status.ACTIVE or member.verdict:
        raise ProjectRefused(_("Only a serving member who has not voted may decline."))
    if panel.outcome != Panel.Outcome.PENDING:
        raise ProjectRefused(_("The panel has concluded."))
    if not reason.strip():
        raise ProjectRefused(_("Reason: say why the expert declines."))
    member.status, member.decline_reason = PanelMember.Status.DECLINED, reason.strip()
    member.save(update_fields=["status", "decline_reason"])
    pool = [PoolEntry(pk, field) for pk, field in panel.pool]
    used = set(panel.members.values_list("expert_id", flat=True))
    entry = replacement_pick(pool=pool, seed=panel.seed, used=used, field=member.expert.field)
    audit_log(
        user=user,
        action=AUDIT_PANEL_DRAW,
        subject=(
            f"panel {panel.pk}: expert {member.expert_id} declined, "
            f"replaced by {entry.expert_id if entry else 'nobody'}"
        ),
    )
    if entry is None:
        return None
    last = panel.members.order_by("-position").values_list("position", flat=True).first()
    return PanelMember.objects.create(
        panel=panel, expert_id=entry.expert_id, position=last + 1, replaces=member
    )


OUTCOMES = {
    Panel.Purpose.REVIEW: {True: Status.APPROVED, False: Status.REJECTED},
    Panel.Purpose.ACCEPTANCE: {True: Status.ACCEPTED, False: Status.NOT_ACCEPTED},
}


@transaction.atomic
def panel_vote(
    *, member: PanelMember, user, verdict: str, scores: dict[int, int], comment: str = ""
) -> Panel:
    """A serving member scores every criterion of the panel's purpose and votes pass or fail
    (a fail needs a reason); once one verdict holds a majority of the panel's size the panel
    concludes and the project moves (approved / rejected, accepted / not accepted)."""
    member = PanelMember.objects.select_related("panel", "expert").get(pk=member.pk)
    project = _locked(member.panel.project)
    panel = Panel.objects.select_for_update().get(pk=member.panel_id)
    member = PanelMember.objects.select_related("expert").get(pk=member.pk)
    if member.expert.user_id != user.pk or member.status != PanelMember.Status.ACTIVE:
        raise ProjectRefused(_("Only a serving member of the panel may vote."))
    if panel.outcome != Panel.Outcome.PENDING:
        raise ProjectRefused(_("The panel has concluded."))
    if member.verdict:
        raise ProjectRefused(_("You have already voted."))
    if verdict not in (PanelMember.Verdict.PASS, PanelMember.Verdict.FAIL):
        raise ProjectRefused(_("Verdict: choose pass or fail."))
    if verdict == PanelMember.Verdict.FAIL and not comment.strip():
        raise ProjectRefused(_("Comment: a fail needs the reasons."))
    criteria = list(Criterion.objects.filter(purpose=panel.purpose))
    for criterion in criteria:
        value = scores.get(criterion.pk)
        if value is None or not 0 <= value <= criterion.max_score:
            raise ProjectRefused(
                _("Score “%(criterion)s”: enter a whole number from 0 to %(max)d.")
                % {"criterion": criterion.name, "max": criterion.max_score}
            )
    PanelScore.objects.bulk_create(
        PanelScore(member=member, criterion=c, score=scores[c.pk]) for c in criteria
    )
    member.verdict, member.comment, member.voted_at = verdict, comment.strip(), timezone.now()
    member.save(update_fields=["verdict", "comment", "voted_at"])
    votes = list(
        panel.members.filter(status=PanelMember.Status.ACTIVE)
        .exclude(verdict="")
        .values_list("verdict", "comment")
    )
    majority = panel.size // 2 + 1
    for passed, value in ((True, PanelMember.Verdict.PASS), (False, PanelMember.Verdict.FAIL)):
        if sum(1 for v, _c in votes if v == value) >= majority:
            panel.outcome = Panel.Outcome.PASSED if passed else Panel.Outcome.FAILED
            panel.save(update_fields=["outcome"])
            reasons = "\n".join(c for v, c in votes if v == PanelMember.Verdict.FAIL and c)
            changes = {"rejection_reasons": reasons} if not passed else {}
            project_transition(
                project=project,
                user=user,
                role=Role.PANEL,
                to=OUTCOMES[panel.purpose][passed],
                comment=reasons,
                **changes,
            )
    return panel
