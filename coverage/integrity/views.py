"""The reviewer's pages: the signals in scope, one signal with its evidence and the mark."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from coverage.audit.client_ip import client_ip
from coverage.integrity.selectors import integrity_signals_list
from coverage.integrity.services import integrity_signal_review
from coverage.jurisdiction import integrity_reviewer, integrity_signals_in_scope
from coverage.models import IntegritySignal

PAGE_SIZE = 50
# The evidence's keys as the reviewer reads them (detectors write English keys).
EVIDENCE_LABELS = {
    "device": _("Device"),
    "devices": _("Devices"),
    "day": _("Day"),
    "people": _("People"),
    "session": _("Session"),
    "course": _("Course"),
    "takeovers": _("Takeovers"),
    "refusals": _("Refused heartbeats"),
    "first": _("First"),
    "last": _("Last"),
    "claimed_seconds": _("Seconds claimed"),
    "credited_seconds": _("Seconds credited"),
    "started": _("Started"),
    "submitted": _("Handed in"),
    "seconds": _("Seconds taken"),
    "questions": _("Questions"),
    "characters": _("Characters to read"),
    "reading_seconds": _("Seconds needed to read"),
    "score": _("Score (%)"),
    "name": _("Name"),
    "id_masked": _("ID number"),
    "source": _("Used for"),
    "count": _("Times"),
    "at": _("Time"),
    "method": _("Check-in method"),
    "attendance": _("Check-in"),
    "from_device": _("Taken from device"),
    "from_last_beat": _("That device's last heartbeat"),
    "lesson": _("Lesson"),
    "claimed": _("Claimed (s)"),
    "credited": _("Credited (s)"),
    "uses": _("Accounts"),
    "checkins": _("Check-ins"),
    "events": _("Events"),
}


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


def _reviewer_or_404(user) -> None:
    if not integrity_reviewer(user):
        raise Http404


def _evidence(evidence: dict) -> tuple[list, list]:
    """The evidence as (label, value) facts and (label, headers, rows) tables."""
    facts, tables = [], []
    for key, value in evidence.items():
        label = EVIDENCE_LABELS.get(key, key)
        if isinstance(value, list) and value and isinstance(value[0], dict):
            keys = list(value[0])
            headers = [EVIDENCE_LABELS.get(k, k) for k in keys]
            tables.append((label, headers, [[row.get(k, "") for k in keys] for row in value]))
        elif isinstance(value, list):
            facts.append((label, "、".join(str(item) for item in value)))
        else:
            facts.append((label, value))
    return facts, tables


@login_required
def integrity_list(request):
    _reviewer_or_404(request.user)
    signals = integrity_signals_list(
        user=request.user,
        kind=request.GET.get("kind", ""),
        reviewed=request.GET.get("reviewed", "no"),
        enterprise_id=int(request.GET["enterprise"])
        if request.GET.get("enterprise", "").isdigit()
        else None,
    )
    return render(
        request,
        "coverage/integrity_list.html",
        {
            "page": Paginator(signals, PAGE_SIZE).get_page(request.GET.get("page")),
            "kinds": IntegritySignal.Kind.choices,
            "kind": request.GET.get("kind", ""),
            "reviewed": request.GET.get("reviewed", "no"),
        },
    )


@login_required
def integrity_detail(request, pk: int):
    _reviewer_or_404(request.user)
    signal = get_object_or_404(
        integrity_signals_in_scope(request.user).select_related(
            "enterprise", "person", "session", "reviewed_by"
        ),
        pk=pk,
    )
    facts, tables = _evidence(signal.evidence)
    return render(
        request,
        "coverage/integrity_detail.html",
        {
            "signal": signal,
            "facts": facts,
            "tables": tables,
            "form": ReviewForm(initial={"note": signal.note}),
        },
    )


@login_required
@require_POST
def integrity_review(request, pk: int):
    _reviewer_or_404(request.user)
    signal = get_object_or_404(integrity_signals_in_scope(request.user), pk=pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        integrity_signal_review(
            signal=signal,
            user=request.user,
            note=form.cleaned_data["note"],
            ip_address=client_ip(request),
        )
    return redirect("coverage:integrity_detail", pk=signal.pk)
