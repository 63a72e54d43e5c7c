import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from coverage.identifiers import clean_id_number


class PersonFindForm(forms.Form):
    id_number = forms.CharField(label=_("ID number"), max_length=30)

    def clean_id_number(self) -> str:
        return clean_id_number(self.cleaned_data["id_number"])


class CorrectionForm(forms.Form):
    void = forms.BooleanField(label=_("Void the line (it was recorded in error)"), required=False)
    hours = forms.DecimalField(
        label=_("Hours to add (negative to take away)"),
        max_digits=5,
        decimal_places=1,
        required=False,
    )
    reason = forms.CharField(label=_("Reason"), max_length=200)


class ProofPeriodForm(forms.Form):
    start = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=_("To"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            raise ValidationError(_("The period's start is after its end."))
        if start and start < datetime.date(2000, 1, 1):
            raise ValidationError(_("The period starts too early."))
        return cleaned
