"""The worker's identity page (name + ID number, once) and the administrator's confirmations."""

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coverage.identity import services
from coverage.identity.models import IdentityClaim
from coverage.identity.selectors import (
    identity_claim_latest,
    identity_claims_decided,
    identity_claims_pending,
)
from coverage.jurisdiction import enterprises_administered
from coverage.models import Person
from coverage.sessions.forms import IdentityForm


def _next_url(request) -> str:
    next_url = request.GET.get("next") or request.POST.get("next") or reverse("accounts:home")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return reverse("accounts:home")
    return next_url


def identity_bind_page(request, *, next_url: str, create: bool = False, course_title: str = ""):
    """The identity form, or the wait for the enterprise; open courses pass `create` (a new
    person on no roster), every other way in binds only people already known."""
    if Person.objects.filter(user=request.user).exists():
        return redirect(next_url)
    latest = identity_claim_latest(user=request.user)
    if latest is not None and latest.status == IdentityClaim.Status.PENDING:
        return render(request, "coverage/identity_waiting.html", {"claim": latest})
    form = IdentityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not ratelimit.consume(request, action="bind_identity", user=request.user):
            form.add_error(None, _("Too many attempts. Please try again in an hour."))
        else:
            try:
                binding = services.identity_bind(
                    user=request.user,
                    id_number=form.cleaned_data["id_number"],
                    name=form.cleaned_data["name"],
                    create=create,
                )
            except services.BindingRefused as refusal:
                form.add_error(None, refusal.message)
            else:
                if binding.person is not None:
                    return redirect(next_url)
                return render(request, "coverage/identity_waiting.html", {"claim": binding.claim})
    rejected = latest is not None and latest.status == IdentityClaim.Status.REJECTED
    return render(
        request,
        "coverage/identity_bind.html",
        {
            "form": form,
            "next": next_url,
            "open_course": course_title,
            "rejected": rejected,
        },
    )


@login_required
def identity_bind(request):
    return identity_bind_page(request, next_url=_next_url(request))


def _administered_or_404(request, credit_code: str):
    # Only the organisation's own administrators decide; everyone else, regulators included,
    # gets the 404 of a page that does not exist.
    return get_object_or_404(enterprises_administered(request.user), credit_code=credit_code)


@login_required
def identity_claims(request, credit_code):
    enterprise = _administered_or_404(request, credit_code)
    return render(
        request,
        "coverage/identity_claims.html",
        {
            "enterprise": enterprise,
            "pending": identity_claims_pending(enterprise=enterprise),
            "decided": identity_claims_decided(enterprise=enterprise),
        },
    )


@login_required
@require_POST
def identity_claim_decide(request, credit_code, pk):
    enterprise = _administered_or_404(request, credit_code)
    claim = get_object_or_404(IdentityClaim, pk=pk, enterprise=enterprise)
    decision = request.POST.get("decision")
    try:
        if decision == "confirm":
            person = services.identity_claim_confirm(claim=claim, user=request.user)
            messages.success(
                request, _("Confirmed: the account is now linked to %(name)s.") % {"name": person}
            )
        elif decision == "reject":
            services.identity_claim_reject(claim=claim, user=request.user)
            messages.success(request, _("Rejected: the account was not linked."))
        else:
            return HttpResponseBadRequest()
    except services.BindingRefused as refusal:
        messages.error(request, refusal.message)
    return redirect("coverage:identity_claims", credit_code=enterprise.credit_code)
