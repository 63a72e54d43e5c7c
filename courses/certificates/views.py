"""A learner's certificate (HTML, PDF) and the public verification page behind its QR code."""

from allauth.core.internal import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from courses.certificates.pdf import certificate_pdf
from courses.certificates.selectors import certificate_find, name_mask, serial_normalise
from courses.models import Certificate
from coverage.jurisdiction import own_records_visible
from coverage.sessions.qr import qr_svg

# Per address: plenty for people checking papers, too few to walk the serial space.
VERIFY_RATES = {"certificate_verify": "30/m/ip,300/h/ip"}


def _own_certificate_or_404(request: HttpRequest, serial: str) -> Certificate:
    certificate = certificate_find(serial=serial)
    if certificate is None:
        raise Http404
    if not own_records_visible(request.user, certificate.enrolment.person):
        raise Http404
    return certificate


def _verify_url(request: HttpRequest, certificate: Certificate) -> str:
    return request.build_absolute_uri(
        reverse("courses:certificate_verify", kwargs={"serial": certificate.serial})
    )


@login_required
def certificate(request, serial: str):
    certificate = _own_certificate_or_404(request, serial)
    verify_url = _verify_url(request, certificate)
    return TemplateResponse(
        request,
        "courses/certificate.html",
        {
            "certificate": certificate,
            "verify_url": verify_url,
            "qr": mark_safe(qr_svg(verify_url)),
        },
    )


@login_required
def certificate_download(request, serial: str):
    certificate = _own_certificate_or_404(request, serial)
    if certificate.is_revoked:
        # A revoked certificate must not leave the platform as a clean document.
        messages.error(request, _("This certificate was revoked and cannot be downloaded."))
        return redirect("courses:certificate", serial=certificate.serial)
    pdf = certificate_pdf(certificate=certificate, verify_url=_verify_url(request, certificate))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.serial}.pdf"'
    return response


def _noindex(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def certificate_verify(request, serial: str):
    canonical = serial_normalise(serial)
    if canonical and canonical != serial:
        return redirect("courses:certificate_verify", serial=canonical)
    if not ratelimit.consume(
        request,
        app="courses",
        action="certificate_verify",
        config=VERIFY_RATES,
        limit_get=True,
    ):
        response = TemplateResponse(
            request,
            "courses/certificate_verify.html",
            {"state": "limited", "serial": canonical},
            status=429,
        )
        return _noindex(response)
    certificate = certificate_find(serial=canonical)
    if certificate is None:
        state, status = "missing", 404
    elif certificate.is_revoked:
        state, status = "revoked", 200
    else:
        state, status = "valid", 200
    response = TemplateResponse(
        request,
        "courses/certificate_verify.html",
        {
            "state": state,
            "serial": canonical,
            "certificate": certificate,
            "masked_name": name_mask(certificate.holder_name) if certificate else "",
        },
        status=status,
    )
    return _noindex(response)


def certificate_verify_form(request):
    """Type a serial from a paper certificate; the answer is the verification page."""
    serial = serial_normalise(request.GET.get("serial", ""))
    if serial:
        return redirect("courses:certificate_verify", serial=serial)
    response = TemplateResponse(
        request,
        "courses/certificate_verify.html",
        {"state": "ask", "error": _("Enter a serial number.") if "serial" in request.GET else ""},
    )
    return _noindex(response)
