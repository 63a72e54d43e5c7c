"""The data-sharing API's answers: coverage figures only, never personal data (what each
field means shows in the schema, /api/schema/)."""

import dataclasses

from rest_framework import serializers

from coverage.models import Region, TrainingTarget
from coverage.selectors import (
    Figures,
    RegionFigures,
)

ROLES_HELP = (
    "Per required role of the target: manager (分管负责人), safety_head (安全管理部门主要负责人), "
    "team_leader (一线班组长)."
)
PERCENT_HELP = (
    "Covered ÷ required × 100, one decimal; null when nobody is required (roster missing)."
)


class FiguresSerializer(serializers.Serializer):
    required = serializers.IntegerField(help_text="Key-role people on active rosters.")
    covered = serializers.IntegerField(help_text="Of them, trained inside the target period.")
    percent = serializers.FloatField(allow_null=True, help_text=PERCENT_HELP)


class TargetSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    start = serializers.DateField(source="start_date")
    end = serializers.DateField(source="end_date", help_text="The deadline.")
    required_roles = serializers.ListField(child=serializers.CharField())


class RegionSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="GB/T 2260 code, or the plan's code of a special zone.")
    name = serializers.CharField()
    level = serializers.ChoiceField(choices=Region.Level.choices)
    parent = serializers.CharField(source="parent.code", allow_null=True)


class NamedSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class IndustryFiguresSerializer(NamedSerializer, FiguresSerializer):
    code = serializers.CharField(help_text="Empty for enterprises without an industry.")


class RegionFiguresSerializer(serializers.Serializer):
    code = serializers.CharField(source="region.code")
    name = serializers.CharField(source="region.name")
    level = serializers.ChoiceField(source="region.level", choices=Region.Level.choices)
    required = serializers.IntegerField(source="people.required")
    covered = serializers.IntegerField(source="people.covered")
    percent = serializers.FloatField(
        source="people.percent", allow_null=True, help_text=PERCENT_HELP
    )
    key_enterprises = serializers.IntegerField()
    complete_enterprises = serializers.IntegerField(help_text="Key enterprises at 100 %.")
    complete_share = serializers.FloatField(
        allow_null=True, help_text="complete_enterprises ÷ key_enterprises × 100."
    )
    roster_missing = serializers.IntegerField(
        help_text="Key enterprises without any key-role person on their roster."
    )


@dataclasses.dataclass(frozen=True)
class RegionCoverage(RegionFigures):
    target: TrainingTarget | None = None
    by_role: dict[str, Figures] = dataclasses.field(default_factory=dict)
    by_industry: list[dict] = dataclasses.field(default_factory=list)
    subregions: list[RegionFigures] = dataclasses.field(default_factory=list)


class RegionCoverageSerializer(RegionFiguresSerializer):
    target = TargetSerializer()
    by_role = serializers.DictField(child=FiguresSerializer(), help_text=ROLES_HELP)
    by_industry = IndustryFiguresSerializer(many=True, help_text="Worst first.")
    subregions = RegionFiguresSerializer(
        many=True, help_text="Each child region, rolled up from everything below it; worst first."
    )


class EnterpriseCoverageSerializer(serializers.Serializer):
    credit_code = serializers.CharField(help_text="Unified social credit code (统一社会信用代码).")
    name = serializers.CharField()
    region = NamedSerializer()
    industry = NamedSerializer(allow_null=True)
    required = serializers.IntegerField()
    covered = serializers.IntegerField()
    percent = serializers.FloatField(allow_null=True, help_text=PERCENT_HELP)
    by_role = serializers.DictField(child=FiguresSerializer(), help_text=ROLES_HELP)
