from django import forms
from django.utils.translation import gettext_lazy as _

from projects.models import PaymentStandard, Project


class DeclarationForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = [
            "applicant",
            "title",
            "year",
            "region",
            "kind",
            "industry",
            "target_groups",
            "planned_people",
            "planned_sessions",
            "planned_courses",
            "description",
        ]

    def __init__(self, *args, applicants, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applicant"].queryset = applicants
        self.fields["region"].queryset = regions


class BudgetLineForm(forms.Form):
    standard = forms.ModelChoiceField(PaymentStandard.objects.all(), label=_("payment standard"))
    quantity = forms.DecimalField(label=_("quantity"), max_digits=10, decimal_places=1)
    note = forms.CharField(label=_("note"), max_length=200, required=False)


class AttachmentForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=120)
    file = forms.FileField(label=_("file"))


class AgreementForm(forms.Form):
    agreement_number = forms.CharField(label=_("service agreement number"), max_length=60)


class PaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("amount paid (yuan)"), max_digits=12, decimal_places=2)


class DrawForm(forms.Form):
    size = forms.IntegerField(label=_("panel size"), initial=5)
    seed = forms.IntegerField(
        label=_("seed"), required=False, help_text=_("Leave empty for a fresh random seed.")
    )
