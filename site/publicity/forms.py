"""Filters of the index pages and the tracker's choices. Bad input is dropped, never a 500."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coverage.designations.selectors import industries_key
from coverage.models import Region
from publicity.choices import AccidentType, FilingStatus, Topic


class _RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


def _region_field(queryset) -> forms.ModelChoiceField:
    return _RegionChoiceField(
        queryset=queryset,
        to_field_name="code",
        required=False,
        label=_("Region"),
        empty_label=_("All regions"),
    )


def _industry_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=industries_key(),
        to_field_name="code",
        required=False,
        label=_("Key industry"),
        empty_label=_("All key industries"),
    )


def _year_field(years) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        choices=[("", _("All years")), *((year, year) for year in years)],
        coerce=int,
        required=False,
        empty_value=None,
        label=_("Year"),
    )


def _cities():
    return Region.objects.filter(level__in=[Region.Level.CITY, Region.Level.ZONE])


class ListingFilterForm(forms.Form):
    """Fields are added by each listing; `filters()` gives the valid ones."""

    def filters(self) -> dict:
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}

    @property
    def is_filtered(self) -> bool:
        return bool(self.filters())


class ArticleFilterForm(ListingFilterForm):
    def __init__(self, data, *, years, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["topic"] = forms.ChoiceField(
            choices=[("", _("All topics")), *Topic.choices], required=False, label=_("Topic")
        )
        self.fields["tag"] = forms.SlugField(required=False, allow_unicode=True, label=_("Tag"))
        self.fields["year"] = _year_field(years)


class CaseFilterForm(ListingFilterForm):
    def __init__(self, data, *, years, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["industry"] = _industry_field()
        self.fields["region"] = _region_field(_cities())
        self.fields["accident_type"] = forms.ChoiceField(
            choices=[("", _("All accident types")), *AccidentType.choices],
            required=False,
            label=_("Accident type"),
        )
        self.fields["year"] = _year_field(years)


class CampaignFilterForm(ListingFilterForm):
    def __init__(self, data, *, years, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["industry"] = _industry_field()
        self.fields["region"] = _region_field(
            Region.objects.filter(level__in=[Region.Level.PROVINCE, Region.Level.CITY])
        )
        self.fields["year"] = _year_field(years)


class BaseFilterForm(ListingFilterForm):
    def __init__(self, data, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["region"] = _region_field(_cities())
        self.fields["filing_status"] = forms.ChoiceField(
            choices=[("", _("Any filing status")), *FilingStatus.choices],
            required=False,
            label=_("Filing status"),
        )


class TrackingForm(forms.Form):
    region = forms.ModelChoiceField(
        queryset=Region.objects.none(), to_field_name="code", label=_("Region")
    )
    year = forms.IntegerField(min_value=2000, max_value=2100, label=_("Year"))

    def __init__(self, data, *, regions, default_region, **kwargs):
        data = data.copy()
        data.setdefault("region", default_region.code if default_region else "")
        data.setdefault("year", str(timezone.localdate().year))
        super().__init__(data, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["region"].label_from_instance = _indented_region_label


def _indented_region_label(region: Region) -> str:
    depth = region.path.strip("/").count("/")
    return "\u3000" * depth + region.name
