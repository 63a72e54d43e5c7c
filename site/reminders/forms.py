from django import forms
from django.utils.translation import gettext_lazy as _

from coverage.jurisdiction import regions_in_scope
from reminders.models import ReminderRule


class ReminderRuleForm(forms.ModelForm):
    """A regulator's rule: only regions in their scope can be chosen."""

    class Meta:
        model = ReminderRule
        fields = [
            "name",
            "kind",
            "region",
            "target",
            "threshold_percent",
            "days_before",
            "milestone",
            "repeat_days",
            "sms_contact",
            "course_link",
            "escalate_after_days",
            "is_active",
        ]
        widgets = {"milestone": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions_in_scope(user)

    def clean_threshold_percent(self):
        value = self.cleaned_data["threshold_percent"]
        if not 1 <= value <= 100:
            raise forms.ValidationError(_("The threshold is a share between 1 and 100."))
        return value

    def clean_course_link(self):
        link = self.cleaned_data["course_link"].strip()
        if link and not link.startswith(("/", "https://", "http://")):
            raise forms.ValidationError(
                _("A link starts with “/” (a page of this site) or “https://”.")
            )
        return link


class PreviewDayForm(forms.Form):
    on = forms.DateField(label=_("As on"), widget=forms.DateInput(attrs={"type": "date"}))


class TaskHandleForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
