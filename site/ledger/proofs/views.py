"""The worker's 学时证明 (issue, page, PDF) and its public verification page behind the QR."""

from allauth.core.internal import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses.certificates.selectors import name_mask, serial_normalise
from coverage.jurisdiction import own_records_visible
from coverage.models import Person
from coverage.sessions.qr import qr_svg
from ledger.models import HoursProof
from ledger.pages.forms import ProofPeriodForm
from ledger.proofs.pdf import hours_proof_pdf
from ledger.proofs.selectors import hours_proof_find
from ledger.proofs.services import ProofRefused, hours_proof_issue

# As certificates': plenty for people checking papers, too few to walk the serial space.
VERIFY_RATES = {"hours_proof_verify": "30/m/ip,300/h/ip"}


def _verify_url(request: HttpRequest, proof: HoursProof) -> str:
    return request.build_absolute_uri(
        reverse("ledger:proof_verify", kwargs={"serial": proof.serial})
    )


def _own_proof_or_404(request: HttpRequest, serial: str) -> HoursProof:
    proof = hours_proof_find(serial=serial)
    if proof is None or not own_records_visible(request.user, proof.person):
        raise Http404
    return proof


@login_required
@require_POST
def proof_issue(request):
    person = Person.objects.filter(user=request.user).first()
    if person is None:
        raise Http404
    form = ProofPeriodForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("__all__", []) or [_("Enter the period's two dates.")]:
            messages.error(request, error)
        return redirect("ledger:my_hours")
    try:
        proof = hours_proof_issue(
            person=person, start=form.cleaned_data["start"], end=form.cleaned_data["end"]
        )
    except ProofRefused as refusal:
        messages.error(request, refusal.message)
        return redirect("ledger:my_hours")
    return redirect("ledger:proof", serial=proof.serial)


@login_required
def proof(request, serial: str):
    proof = _own_proof_or_404(request, serial)
    verify_url = _verify_url(request, proof)
    return TemplateResponse(
        request,
        "ledger/proof.html",
        {"proof": proof, "verify_url": verify_url, "qr": mark_safe(qr_svg(verify_url))},
    )


@login_required
def proof_download(request, serial: str):
    proof = _own_proof_or_404(request, serial)
    if proof.is_revoked:
        # A revoked proof must not leave the platform as a clean document.
        messages.error(request, _("This proof was revoked and cannot be downloaded."))
        return redirect("ledger:proof", serial=proof.serial)
    pdf = hours_proof_pdf(proof=proof, verify_url=_verify_url(request, proof))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="hours-proof-{proof.serial}.pdf"'
    return response


def _noindex(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def proof_verify(request, serial: str):
    """Public: 404 for an unknown serial, 已撤销 and its date for a revoked proof, else the
    masked name, the period, the hours and 有效."""
    canonical = serial_normalise(serial)
    if canonical and canonical != serial:
        return redirect("ledger:proof_verify", serial=canonical)
    if not ratelimit.consume(
        request, app="ledger", action="hours_proof_verify", config=VERIFY_RATES, limit_get=True
    ):
        response = TemplateResponse(
            request,
            "ledger/proof_verify.html",
            {"state": "limited", "serial": canonical},
            status=429,
        )
        return _noindex(response)
    proof = hours_proof_find(serial=canonical)
    if proof is None:
        state, status = "missing", 404
    elif proof.is_revoked:
        state, status = "revoked", 200
    else:
        state, status = "valid", 200
    response = TemplateResponse(
        request,
        "ledger/proof_verify.html",
        {
            "state": state,
            "serial": canonical,
            "proof": proof,
            "masked_name": name_mask(proof.holder_name) if proof else "",
        },
        status=status,
    )
    return _noindex(response)
