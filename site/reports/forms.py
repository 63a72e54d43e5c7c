from django import forms
from django.utils.translation import gettext_lazy as _

from reports.services import TEXT_MAX


class ReportTextForm(forms.Form):
    """The part of the report the region writes itself."""

    achievements = forms.CharField(
        label=_("Achievements"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    problems = forms.CharField(
        label=_("Problems"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    plan = forms.CharField(
        label=_("Next year's plan"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class ReportReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("What should be changed"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
