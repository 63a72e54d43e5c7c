from pathlib import Path

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from coverage.models import RosterImport


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Roster file"),
        help_text=_("An .xlsx workbook or a .csv file (UTF-8 or GBK), one row per person."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    mode = forms.ChoiceField(
        label=_("What to do"),
        choices=RosterImport.Mode.choices,
        initial=RosterImport.Mode.ADD,
        widget=forms.RadioSelect,
        help_text=_(
            "“Replace the roster” also takes everyone who is not in the file off the roster; "
            "their history is kept."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in (".xlsx", ".csv"):
            raise forms.ValidationError(
                _(
                    "Only .xlsx and .csv files can be imported. Save the roster from Excel or "
                    "WPS as “Excel workbook (*.xlsx)” or “CSV UTF-8 (*.csv)”."
                ),
                code="file_type",
            )
        limit = settings.ROSTER_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _(
                    "The file is %(size)s; at most %(limit)s can be imported at once. Split the "
                    "roster into several files and import them one after another in “Add and "
                    "update” mode."
                ),
                code="file_size",
                params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            )
        return upload
