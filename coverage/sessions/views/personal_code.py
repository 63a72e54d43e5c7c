"""The worker's personal check-in code: on a page of its own, on 我的 (the `personal_code_card`
tag) and on a printable card; renewed by the worker when a card is lost."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coverage.models import Person
from coverage.sessions.personal_codes import personal_code_issue, personal_code_renew
from coverage.sessions.qr import qr_svg


def _bound_person(request) -> Person | None:
    return Person.objects.filter(user=request.user).first()


def _bind_first(request):
    return redirect(f"{reverse('coverage:identity_bind')}?next={request.path}")


@login_required
def personal_code(request):
    person = _bound_person(request)
    if person is None:
        return _bind_first(request)
    code = personal_code_issue(person=person)
    return render(
        request,
        "coverage/personal_code.html",
        {"person": person, "code": code, "svg": qr_svg(code)},
    )


@login_required
def personal_code_card(request):
    """A card to print (A4 or a label): for someone who will not carry a phone."""
    person = _bound_person(request)
    if person is None:
        return _bind_first(request)
    code = personal_code_issue(person=person)
    return render(
        request,
        "coverage/personal_code_card.html",
        {"person": person, "code": code, "svg": qr_svg(code)},
    )


@login_required
@require_POST
def personal_code_new(request):
    person = _bound_person(request)
    if person is None:
        return _bind_first(request)
    personal_code_renew(person=person)
    messages.success(
        request, _("You have a new code. The old code and cards printed with it no longer work.")
    )
    return redirect("coverage:personal_code")
