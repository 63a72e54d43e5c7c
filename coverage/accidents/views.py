"""Accident statistics pages for regulators: the figures of a region, the import, the template."""

from pathlib import Path

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coverage.accidents.rates import FIVE_YEAR_TARGET, YEARLY_TARGET, percent, rounded
from coverage.accidents.selectors import accident_overview
from coverage.accidents.services import accident_figures_import
from coverage.accidents.template import accident_template_bytes
from coverage.dashboards.departments import regulator_departments
from coverage.dashboards.filters import target_choice
from coverage.jurisdiction import (
    accident_figures_in_scope,
    is_regulator,
    region_ancestors_in_scope,
    region_in_scope_or_404,
)
from coverage.table_uploads import table_upload_page, template_download


class AccidentUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Figures file"),
        help_text=gettext_lazy("An .xlsx workbook or a .csv file (UTF-8 or GBK), as the template."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in (".xlsx", ".csv"):
            raise forms.ValidationError(
                _(
                    "Only .xlsx and .csv files can be imported. Save the figures from Excel or "
                    "WPS as “Excel workbook (*.xlsx)” or “CSV UTF-8 (*.csv)”."
                ),
                code="file_type",
            )
        return upload


def _regulator_only(request) -> None:
    if not is_regulator(request.user):
        raise PermissionDenied(_("Only regulators import and read accident statistics."))


@login_required
def accident_import(request):
    _regulator_only(request)
    return table_upload_page(
        request,
        form_class=AccidentUploadForm,
        table_import=accident_figures_import,
        imported_message=lambda result: (
            _("Figures imported: %(created)s rows added, %(updated)s replaced.")
            % {"created": result.created, "updated": result.updated}
        ),
        done_url_name="coverage:accident_region",
        page_url_name="coverage:accident_import",
        template_name="coverage/accident_import.html",
    )


@login_required
def accident_template(request):
    _regulator_only(request)
    return template_download(accident_template_bytes(), "工伤事故统计模板.xlsx")


def _cells(series, years):
    return [
        None
        if rate is None
        else {
            "rate": rate,
            "incidence": rounded(rate.incidence),
            "yearly": percent(rate.yearly_change),
            "cumulative": percent(rate.cumulative_change),
            "goal": percent(rate.five_year_goal),
        }
        for rate in series.by_year(years)
    ]


@login_required
def accident_region(request, code):
    region = region_in_scope_or_404(request.user, code=code)
    overview = accident_overview(
        region=region,
        target=target_choice(request.GET.get("target")),
        figures=accident_figures_in_scope(request.user),
    )
    years = overview.years

    def rows(all_series, link: bool):
        return [
            {
                "series": series,
                "cells": _cells(series, years),
                "url": reverse("coverage:accident_region", kwargs={"code": series.code})
                if link
                else "",
            }
            for series in all_series
        ]

    return render(
        request,
        "coverage/accident_region.html",
        {
            "region": region,
            "ancestors": region_ancestors_in_scope(request.user, region),
            "departments": regulator_departments(request.user),
            "overview": overview,
            "years": years,
            "total": rows([overview.total], link=False)[0],
            "industries": rows(overview.industries, link=False),
            "subregions": rows(overview.subregions, link=True),
            "yearly_target": percent(YEARLY_TARGET, 0),
            "five_year_target": percent(FIVE_YEAR_TARGET, 0),
            "chart_data": {
                "years": years,
                "series": [
                    [
                        s.name,
                        [
                            float(rounded(r.incidence)) if r and r.incidence is not None else None
                            for r in s.by_year(years)
                        ],
                    ]
                    for s in [overview.total, *overview.industries]
                ],
            },
        },
    )
