"""Panel pages: the printable draw record, an expert's scoring form, declining a seat."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from projects.declarations.services import ProjectRefused
from projects.models import Criterion, Expert, Panel, PanelMember
from projects.panels.services import panel_member_decline, panel_vote
from projects.permissions import panel_seat, project_visible_or_404


def _panel(request, code: str, pk: int) -> Panel:
    project = project_visible_or_404(request.user, code=code)
    return get_object_or_404(Panel.objects.select_related("project"), pk=pk, project=project)


@login_required
def panel_print(request, code: str, pk: int):
    """The draw's record for printing: seed, pool snapshot, exclusions, members, outcome."""
    panel = _panel(request, code, pk)
    members = panel.members.select_related("expert", "replaces__expert")
    names = dict(
        Expert.objects.filter(pk__in=[e["expert_id"] for e in panel.excluded]).values_list(
            "pk", "name"
        )
    )
    excluded = [{**e, "name": names.get(e["expert_id"], "")} for e in panel.excluded]
    return render(
        request,
        "projects/panel_print.html",
        {"panel": panel, "project": panel.project, "members": members, "excluded": excluded},
    )


class VoteForm(forms.Form):
    verdict = forms.ChoiceField(
        label=gettext_lazy("verdict"),
        choices=[
            (PanelMember.Verdict.PASS, gettext_lazy("Pass")),
            (PanelMember.Verdict.FAIL, gettext_lazy("Fail")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=gettext_lazy("comment"), widget=forms.Textarea, required=False)

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        for criterion in criteria:
            self.fields[f"c{criterion.pk}"] = forms.IntegerField(
                label=f"{criterion.name}（0–{criterion.max_score}）",
                min_value=0,
                max_value=criterion.max_score,
            )


@login_required
def panel_vote_view(request, code: str, pk: int):
    panel = _panel(request, code, pk)
    seat = panel_seat(request.user, panel)
    if seat is None:
        raise Http404
    criteria = list(Criterion.objects.filter(purpose=panel.purpose))
    form = VoteForm(request.POST or None, criteria=criteria)
    if request.method == "POST" and form.is_valid():
        scores = {c.pk: form.cleaned_data[f"c{c.pk}"] for c in criteria}
        try:
            panel_vote(
                member=seat,
                user=request.user,
                verdict=form.cleaned_data["verdict"],
                scores=scores,
                comment=form.cleaned_data["comment"],
            )
        except ProjectRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("Your vote has been recorded."))
            return redirect(panel.project)
    return render(
        request,
        "projects/panel_vote.html",
        {"panel": panel, "project": panel.project, "seat": seat, "form": form},
    )


@login_required
@require_POST
def panel_member_decline_view(request, code: str, pk: int, member: int):
    panel = _panel(request, code, pk)
    seat = get_object_or_404(PanelMember, pk=member, panel=panel)
    try:
        replacement = panel_member_decline(
            member=seat, user=request.user, reason=request.POST.get("reason", "")
        )
    except ProjectRefused as refusal:
        messages.error(request, refusal.message)
    else:
        if replacement is None:
            messages.warning(request, _("The pool is exhausted: no replacement could be drawn."))
    return redirect(panel.project)
