"""Forms of the organisations' course pages and the school report's filters."""

from django import forms
from django.db.models import OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.organisations.selectors import STATE_LABELS
from courses.organisations.services import active_roster, assignable_courses
from coverage.models import Enterprise, Person, Region, Role


class PersonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        role = dict(Role.choices).get(getattr(obj, "roster_role", ""), "")
        return f"{obj.name} · {obj.id_number_masked} · {role}"


class CourseAssignForm(forms.Form):
    course = forms.ModelChoiceField(label=_("Course"), queryset=None, empty_label=None)
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty to assign the course to everyone on the active roster."),
    )
    people = PersonChoiceField(
        label=_("Or choose people"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("When people are chosen, the roles above are not used."),
    )
    deadline = forms.DateField(
        label=_("Deadline"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The date by which the course is to be completed; may be left empty."),
    )

    def __init__(self, *args, organisation: Enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = assignable_courses(organisation).order_by("path")
        self.fields["people"].queryset = (
            Person.objects.filter(pk__in=active_roster(organisation).values("person_id"))
            .annotate(
                roster_role=active_roster(organisation)
                .filter(person=OuterRef("pk"))
                .values("role")[:1]
            )
            .order_by("name", "pk")
        )
        # Evaluated once here: the widgets would query again for each rendering pass.
        for name in ("course", "people"):
            field = self.fields[name]
            field.choices = [(obj.pk, field.label_from_instance(obj)) for obj in field.queryset]
        self.fields["deadline"].widget.attrs["min"] = timezone.localdate().isoformat()


class StateFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Progress"),
        required=False,
        choices=[("", _("All")), *STATE_LABELS.items()],
    )


class SchoolReportFilterForm(forms.Form):
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=_("All my regions"),
    )
    course = forms.ModelChoiceField(
        label=_("Course"),
        queryset=None,
        required=False,
        empty_label=_("All technical-school courses"),
    )

    def __init__(self, *args, regions, courses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["course"].queryset = courses
