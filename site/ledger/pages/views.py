"""The ledger's pages: the worker's 我的学时, an organisation's and a regulator's person page,
their exports, and the authorities' correction form."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from coverage.audit.exports import table_export
from coverage.jurisdiction import (
    enterprise_in_scope_or_404,
    enterprises_in_scope,
    is_regulator,
    ledger_may_correct,
    person_identifiers_visible,
    person_page_visible,
)
from coverage.models import Enterprise, Person, RosterEntry, TrainingRecord
from ledger.corrections.services import CorrectionRefused, ledger_line_correct
from ledger.lines.selectors import (
    ledger_lines,
    ledger_rows,
    ledger_totals,
    line_source,
    person_by_id_number,
)
from ledger.pages.forms import CorrectionForm, PersonFindForm, ProofPeriodForm


def _year(request: HttpRequest) -> int | None:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else None


def _period(year: int | None) -> dict:
    if year is None:
        return {}
    return {"start": datetime.date(year, 1, 1), "end": datetime.date(year, 12, 31)}


def _ledger_context(person: Person, year: int | None) -> dict:
    lines = list(ledger_lines(person=person, **_period(year)))
    for line in lines:
        line.source = line_source(line)
    totals = ledger_totals(person=person, **_period(year))
    return {
        "person": person,
        "lines": lines,
        "totals": totals,
        # The year links: every year's total, which a year's page does not hold.
        "all_years": ledger_totals(person=person).per_year if year else totals.per_year,
        "year": year,
    }


def _own_person(request: HttpRequest) -> Person | None:
    return Person.objects.filter(user=request.user).first()


@login_required
def my_hours(request):
    """我的学时: every line of the signed-in worker's ledger, totals per year and target."""
    person = _own_person(request)
    if person is None:
        return TemplateResponse(request, "ledger/my_hours.html", {"person": None})
    today = timezone.localdate()
    context = _ledger_context(person, _year(request))
    context["proof_form"] = ProofPeriodForm(
        initial={"start": datetime.date(today.year, 1, 1), "end": today}
    )
    context["proofs"] = person.hours_proofs.all()[:10]
    return TemplateResponse(request, "ledger/my_hours.html", context)


def _export(request, person: Person, *, identifiers: bool, subject: str):
    year = _year(request)
    rows = [
        [row["date"], row["kind"], row["title"], float(row["hours"]), row["source"]]
        for row in ledger_rows(ledger_lines(person=person, **_period(year)))
    ]
    id_number = person.id_number if identifiers else person.id_number_masked
    headers = [
        _("Name"),
        _("ID number"),
        _("Date"),
        _("Kind"),
        _("Training"),
        _("Hours"),
        _("Source"),
    ]
    return table_export(
        request=request,
        subject=subject,
        headers=headers,
        rows=[[person.name, id_number, *row] for row in rows],
        fmt="xlsx",
        filename=_("Study hours %(name)s") % {"name": person.name} + (f" {year}" if year else ""),
        contains_personal_data=True,
    )


@login_required
def my_hours_export(request):
    person = _own_person(request)
    if person is None:
        raise Http404
    return _export(request, person, identifiers=True, subject=f"own ledger person {person.pk}")


def _person_or_404(request, pk: int, enterprise: Enterprise | None) -> Person:
    person = get_object_or_404(Person, pk=pk)
    if not person_page_visible(request.user, person, enterprise=enterprise):
        raise Http404
    return person


def _entries(request, person: Person, enterprise: Enterprise | None):
    entries = RosterEntry.objects.filter(person=person).select_related("enterprise")
    if enterprise is not None:
        return entries.filter(enterprise=enterprise).order_by("-start_date")
    return entries.filter(enterprise__in=enterprises_in_scope(request.user)).order_by("-start_date")


@login_required
def person_page(request, pk: int, credit_code: str | None = None):
    """One person's ledger, from an organisation's roster or a regulator's search; the ID
    number masked on screen either way."""
    enterprise = (
        enterprise_in_scope_or_404(request.user, credit_code=credit_code) if credit_code else None
    )
    person = _person_or_404(request, pk, enterprise)
    context = _ledger_context(person, _year(request))
    context.update(
        enterprise=enterprise,
        entries=_entries(request, person, enterprise),
        may_correct=ledger_may_correct(request.user, person),
        full_export=person_identifiers_visible(request.user, enterprise=enterprise),
    )
    return TemplateResponse(request, "ledger/person.html", context)


@login_required
def person_export(request, pk: int, credit_code: str | None = None):
    enterprise = (
        enterprise_in_scope_or_404(request.user, credit_code=credit_code) if credit_code else None
    )
    person = _person_or_404(request, pk, enterprise)
    return _export(
        request,
        person,
        identifiers=person_identifiers_visible(request.user, enterprise=enterprise),
        subject=f"ledger person {person.pk}"
        + (f" via {enterprise.credit_code}" if enterprise else ""),
    )


@login_required
def person_find(request):
    """A regulator finds a person by ID number, sent by POST: the number stays out of URLs
    and logs. People outside the regulator's scope are "not found" like unknown ones."""
    if not is_regulator(request.user):
        raise Http404
    form = PersonFindForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = person_by_id_number(id_number=form.cleaned_data["id_number"])
        if person is not None and person_page_visible(request.user, person):
            return redirect("ledger:person", pk=person.pk)
        form.add_error("id_number", _("Nobody with this ID number is in your jurisdiction."))
    return TemplateResponse(request, "ledger/person_find.html", {"form": form})


@login_required
def line_correct(request, pk: int, line: int):
    """An authority corrects a line: a new line with the reason, never an edit."""
    person = _person_or_404(request, pk, None)
    if not ledger_may_correct(request.user, person):
        raise Http404
    record = get_object_or_404(TrainingRecord, pk=line, person=person)
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ledger_line_correct(
                line=record,
                user=request.user,
                reason=form.cleaned_data["reason"],
                hours=form.cleaned_data["hours"],
                void=form.cleaned_data["void"],
            )
        except CorrectionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("The correction was added to the ledger."))
            return redirect("ledger:person", pk=person.pk)
    return TemplateResponse(
        request,
        "ledger/line_correct.html",
        {"person": person, "line": record, "source": line_source(record), "form": form},
    )
