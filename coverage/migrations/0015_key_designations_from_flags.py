"""Today's key flags become designations, so that designations are the only source of "key":
the province's key industries (Industry.is_key) for each year of the plan 2021–2025, and each
key enterprise (Enterprise.is_key) for every year of the existing targets (2021–2025 when
there is none yet), both designated by the province. Existing per-year rows keep their year
and are designated by their enterprise's region."""

from django.db import migrations

PLAN_YEARS = range(2021, 2026)
REASON = "省级默认：吉人社联〔2021〕55号 工伤预防五年行动计划（2021—2025年）"


def flags_to_designations(apps, schema_editor):
    KeyDesignation = apps.get_model("coverage", "KeyDesignation")
    Enterprise = apps.get_model("coverage", "Enterprise")
    Industry = apps.get_model("coverage", "Industry")
    Region = apps.get_model("coverage", "Region")
    TrainingTarget = apps.get_model("coverage", "TrainingTarget")

    for designation in KeyDesignation.objects.filter(region__isnull=True).select_related(
        "enterprise"
    ):
        designation.region_id = designation.enterprise.region_id
        designation.kind = "enterprise"
        designation.save(update_fields=["region", "kind"])

    province = Region.objects.filter(parent__isnull=True).order_by("path").first()
    if province is None:
        return  # an empty database: nothing is flagged either
    rows = [
        KeyDesignation(
            kind="industry", industry=industry, region=province, year=year, reason=REASON
        )
        for industry in Industry.objects.filter(is_key=True)
        for year in PLAN_YEARS
    ]
    years = sorted(
        {
            year
            for start, end in TrainingTarget.objects.values_list("start_date", "end_date")
            for year in range(start.year, end.year + 1)
        }
    ) or list(PLAN_YEARS)
    rows += [
        KeyDesignation(
            kind="enterprise", enterprise_id=pk, region=province, year=year, reason=REASON
        )
        for pk in Enterprise.objects.filter(is_key=True).values_list("pk", flat=True)
        for year in years
    ]
    KeyDesignation.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)


def designations_to_flags(apps, schema_editor):
    Enterprise = apps.get_model("coverage", "Enterprise")
    Industry = apps.get_model("coverage", "Industry")
    KeyDesignation = apps.get_model("coverage", "KeyDesignation")
    Industry.objects.filter(
        pk__in=KeyDesignation.objects.filter(kind="industry").values("industry")
    ).update(is_key=True)
    Enterprise.objects.filter(
        pk__in=KeyDesignation.objects.filter(kind="enterprise").values("enterprise")
    ).update(is_key=True)
    # The old table knows one row per enterprise and year, and no regions or industries.
    KeyDesignation.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("coverage", "0014_key_designations_by_region")]

    operations = [migrations.RunPython(flags_to_designations, designations_to_flags)]
