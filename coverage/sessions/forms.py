from django import forms
from django.utils.translation import gettext_lazy as _

from coverage.identifiers import clean_id_number
from coverage.models import Enterprise, Region, TrainingSession, TrainingTarget

MIN_RADIUS_METRES = 100


class SessionForm(forms.ModelForm):
    class Meta:
        model = TrainingSession
        fields = [
            "title",
            "topic",
            "targets",
            "hours",
            "venue",
            "region",
            "latitude",
            "longitude",
            "starts_at",
            "ends_at",
            "min_minutes",
            "checkout_required",
            "location_required",
            "location_radius_m",
            "confirmation_required",
            "audience",
            "invited_enterprises",
        ]
        widgets = {
            "starts_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "ends_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "targets": forms.CheckboxSelectMultiple,
            "invited_enterprises": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, organiser: Enterprise, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.organiser = organiser
        self.fields["targets"].queryset = TrainingTarget.objects.all()
        self.fields["region"].queryset = Region.objects.all()
        self.fields["region"].initial = organiser.region_id
        self.fields["invited_enterprises"].queryset = enterprises.exclude(pk=organiser.pk)
        self.fields["invited_enterprises"].required = False
        # Only read when a location is required; a form without it keeps the default.
        self.fields["location_radius_m"].required = False
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends:
            if ends <= starts:
                self.add_error("ends_at", _("The session must end after it starts."))
            elif (
                data.get("min_minutes")
                and data["min_minutes"] > (ends - starts).total_seconds() / 60
            ):
                self.add_error(
                    "min_minutes", _("The minimum time present is longer than the session.")
                )
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error("longitude", _("Give both latitude and longitude, or neither."))
        radius = data.get("location_radius_m")
        if radius is None:
            data["location_radius_m"] = TrainingSession._meta.get_field("location_radius_m").default
        elif radius < MIN_RADIUS_METRES:
            self.add_error(
                "location_radius_m",
                _(
                    "The radius must be at least %(metres)d m: phones indoors are often "
                    "located less precisely."
                )
                % {"metres": MIN_RADIUS_METRES},
            )
        if data.get("latitude") is None and data.get("location_required"):
            self.add_error(
                "location_required",
                _("To require a location, give the venue's latitude and longitude."),
            )
        if data.get("audience") == TrainingSession.Audience.ENTERPRISES and not data.get(
            "invited_enterprises"
        ):
            self.add_error("invited_enterprises", _("Choose the enterprises to invite."))
        return data


class IdentityForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=22,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )


class ManualAttendanceForm(forms.Form):
    id_number = forms.CharField(label=_("ID number of the person"), max_length=22)
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def clean_id_number(self):
        return clean_id_number(self.cleaned_data["id_number"])


class RemovalForm(forms.Form):
    reason = forms.CharField(label=_("Reason for removal"), max_length=300)


class DeskForm(forms.Form):
    """The check-in desk: a scanned personal code, or an ID number typed by the organiser."""

    code = forms.CharField(required=False, max_length=40)
    id_number = forms.CharField(
        label=_("ID number"),
        required=False,
        max_length=22,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )

    def clean_id_number(self):
        raw = self.cleaned_data["id_number"]
        return clean_id_number(raw) if raw.strip() else ""

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("code") and not data.get("id_number"):
            raise forms.ValidationError(_("Scan a personal code or enter an ID number."))
        return data
