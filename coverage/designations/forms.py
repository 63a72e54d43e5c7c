"""The web form of one designation: text fields checked by the same checker as a file row."""

from pathlib import Path

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coverage.designations.checks import KIND_LABELS, DesignationChecker, DesignationSpec
from coverage.models import Industry, KeyDesignation, Region


class DesignationForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), choices=KeyDesignation.Kind.choices, widget=forms.RadioSelect
    )
    year = forms.CharField(label=gettext_lazy("Year"), max_length=6)
    industry = forms.ChoiceField(label=gettext_lazy("Industry (key industry)"), required=False)
    credit_codes = forms.CharField(
        label=gettext_lazy("Unified social credit code(s)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "A key enterprise: its code. A key project: the codes of the enterprises running "
            "it, separated by spaces or 、."
        ),
    )
    project_name = forms.CharField(
        label=gettext_lazy("Project name (key project)"), required=False, max_length=120
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason (the analysis, 研判)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def __init__(self, *args, region: Region, designation: KeyDesignation | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.region = region
        self.designation = designation
        self.fields["industry"].choices = [("", "—")] + [
            (industry.code, industry.name) for industry in Industry.objects.all()
        ]
        if designation is not None:
            # What is designated stays; only the reason (and a project's enterprises) change.
            for name in ("kind", "year", "industry", "project_name"):
                self.fields[name].disabled = True
            if designation.kind != KeyDesignation.Kind.PROJECT:
                self.fields["credit_codes"].disabled = True
            self.initial.update(
                kind=designation.kind,
                year=designation.year,
                industry=designation.industry.code if designation.industry else "",
                credit_codes=" ".join(self._codes(designation)),
                project_name=designation.project_name,
                reason=designation.reason,
            )

    @staticmethod
    def _codes(designation: KeyDesignation) -> list[str]:
        if designation.kind == KeyDesignation.Kind.ENTERPRISE:
            return [designation.enterprise.credit_code]
        return [e.credit_code for e in designation.project_enterprises.all()]

    def clean(self):
        data = super().clean()
        cells = {name: str(data.get(name) or "") for name in self.fields}
        cells["kind"] = str(KIND_LABELS.get(data.get("kind"), data.get("kind") or ""))
        checker = DesignationChecker({self.region.code: self.region})
        spec, problems = checker.check(cells, region=self.region)
        for name, message in problems:
            self.add_error(name if name in self.fields else None, message)
        self.spec: DesignationSpec | None = spec
        creating = spec is not None and self.designation is None
        if creating and KeyDesignation.objects.filter(**spec.lookup).exists():
            self.add_error(
                None,
                _("%(region)s has already designated this for %(year)s: change its reason there.")
                % {"region": self.region.name, "year": spec.year},
            )
        return data


class DesignationUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Designations file"),
        help_text=gettext_lazy("An .xlsx workbook or a .csv file (UTF-8 or GBK), as the template."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in (".xlsx", ".csv"):
            raise forms.ValidationError(
                _(
                    "Only .xlsx and .csv files can be imported. Save the designations from "
                    "Excel or WPS as “Excel workbook (*.xlsx)” or “CSV UTF-8 (*.csv)”."
                ),
                code="file_type",
            )
        return upload
