"""The API's accident statistics (R10): a region's figures by industry and by sub-region, each
year with its incidence and its change against the targets, as the regulators' page shows."""

from decimal import ROUND_HALF_UP

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers

from coverage.accidents.selectors import AccidentOverview, accident_overview
from coverage.api.views import TARGET_PARAMETER, AuditedAPIView
from coverage.dashboards.filters import target_choice
from coverage.jurisdiction import accident_figures_in_scope, region_in_scope_or_404
from coverage.models import Region

CHANGE_HELP = "Relative change in percent (−5.0 is 5 % lower); null without a year to compare."


def _decimal(places: int, help_text: str) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=20,
        decimal_places=places,
        rounding=ROUND_HALF_UP,
        allow_null=True,
        help_text=help_text,
        coerce_to_string=False,
    )


class YearRateSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    injuries = serializers.IntegerField(source="totals.injuries", help_text="工伤认定人数")
    deaths = serializers.IntegerField(source="totals.deaths", help_text="工亡人数")
    occupational_diseases = serializers.IntegerField(
        source="totals.occupational_diseases", help_text="职业病人数"
    )
    pneumoconiosis = serializers.IntegerField(
        source="totals.pneumoconiosis", help_text="其中尘肺病人数"
    )
    insured = serializers.IntegerField(source="totals.insured", help_text="参保人数")
    incidence = _decimal(3, "Work-injury determinations per 1,000 insured.")
    yearly_change = serializers.SerializerMethodField(help_text=CHANGE_HELP)
    meets_yearly_target = serializers.BooleanField(
        allow_null=True, help_text="At least 5 % below the year before."
    )
    cumulative_change = serializers.SerializerMethodField(help_text=CHANGE_HELP)
    five_year_goal = serializers.SerializerMethodField(
        help_text="The change due by this year on the −20 %-in-five-years path, in percent."
    )
    on_five_year_track = serializers.BooleanField(allow_null=True)

    def _percent(self, value):
        return None if value is None else float(round(value * 100, 1))

    def get_yearly_change(self, rate) -> float | None:
        return self._percent(rate.yearly_change)

    def get_cumulative_change(self, rate) -> float | None:
        return self._percent(rate.cumulative_change)

    def get_five_year_goal(self, rate) -> float | None:
        return self._percent(rate.five_year_goal)


class AccidentSeriesSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    years = YearRateSerializer(source="trend", many=True)


class AccidentOverviewSerializer(serializers.Serializer):
    code = serializers.CharField(source="region.code")
    name = serializers.CharField(source="region.name")
    years = serializers.ListField(child=serializers.IntegerField())
    base_year = serializers.IntegerField(
        allow_null=True,
        help_text="The target period's first year when it has figures, else the earliest.",
    )
    total = AccidentSeriesSerializer(help_text="All industries together.")
    industries = AccidentSeriesSerializer(many=True)
    subregions = AccidentSeriesSerializer(many=True, help_text="All industries, per child region.")


@extend_schema_view(
    get=extend_schema(
        summary="A region's accident statistics by industry and sub-region, with the targets",
        description="Yearly figures as the regulators imported them (a region without its own "
        "row sums its sub-regions'), incidence per 1,000 insured and its change against the "
        "−5 %/year and −20 %/five-year targets. 404 outside the caller's scope.",
        parameters=[TARGET_PARAMETER],
    )
)
class AccidentRegionDetail(AuditedAPIView, generics.RetrieveAPIView):
    serializer_class = AccidentOverviewSerializer
    queryset = Region.objects.none()
    lookup_field = "code"

    def get_object(self) -> AccidentOverview:
        region = region_in_scope_or_404(self.request.user, code=self.kwargs["code"])
        target = target_choice(self.request.query_params.get("target"))
        return accident_overview(
            region=region, target=target, figures=accident_figures_in_scope(self.request.user)
        )
