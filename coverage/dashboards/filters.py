"""The filters of the regulator dashboard's organisation list, and the target a user picked."""

from django import forms
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from coverage.models import Enterprise, Industry, Region, TrainingTarget
from coverage.selectors import target_current


class Status:
    MISSING = "missing"
    INCOMPLETE = "incomplete"
    COMPLETE = "complete"


class EnterpriseFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or credit code"), required=False, max_length=60)
    area = forms.ModelChoiceField(
        label=_("Sub-region"),
        queryset=Region.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=_("All"),
    )
    industry = forms.ModelChoiceField(
        label=_("Industry"),
        queryset=Industry.objects.all(),
        required=False,
        to_field_name="code",
        empty_label=_("All"),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("All")),
            (Status.MISSING, _("Roster missing")),
            (Status.INCOMPLETE, _("Not yet complete")),
            (Status.COMPLETE, _("Complete")),
        ],
    )

    def __init__(
        self, *args, region: Region, industries: QuerySet[Industry] | None = None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Region.objects.filter(path__startswith=region.path).exclude(
            pk=region.pk
        )
        if industries is not None:
            # A department's regulator picks among the industries they see, not all of them.
            self.fields["industry"].queryset = industries


def enterprises_filtered(enterprises: QuerySet[Enterprise], form: EnterpriseFilterForm):
    """Narrow an `enterprises_with_coverage` queryset by the (valid) filter form."""
    if not form.is_valid():
        return enterprises
    data = form.cleaned_data
    if data["q"]:
        enterprises = enterprises.filter(
            Q(name__icontains=data["q"]) | Q(credit_code__iexact=data["q"])
        )
    if data["area"]:
        enterprises = enterprises.filter(region__path__startswith=data["area"].path)
    if data["industry"]:
        enterprises = enterprises.filter(industry=data["industry"])
    if data["status"] == Status.MISSING:
        enterprises = enterprises.filter(required=0)
    elif data["status"] == Status.INCOMPLETE:
        enterprises = enterprises.filter(required__gt=0, covered__lt=F("required"))
    elif data["status"] == Status.COMPLETE:
        enterprises = enterprises.filter(required__gt=0, covered=F("required"))
    return enterprises


def target_choice(value: str | None) -> TrainingTarget | None:
    """The target the user picked (?target=code), else the current one."""
    if value:
        found = TrainingTarget.objects.filter(code=value).first()
        if found:
            return found
    return target_current()
