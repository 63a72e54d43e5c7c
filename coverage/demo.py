from django.db import transaction

from coverage.models import Enterprise, Industry, Region
from coverage.services import enterprise_save, industries_load_key, regions_load_jilin

# (credit code, name, county, industry code or None, kind, key enterprise)
DEMO_ENTERPRISES = [
    ("91220104MA17A00014", "长春示范机械制造有限公司", "220104", "machinery", "enterprise", True),
    (
        "91220202MA17B00027",
        "吉林市示范化工有限公司",
        "220202",
        "hazardous_chemicals",
        "enterprise",
        True,
    ),
    (
        "91220102MA17C0003W",
        "长春示范建工集团有限公司",
        "220102",
        "construction",
        "enterprise",
        True,
    ),
    ("91220502MA17D0004C", "通化示范矿业有限公司", "220502", "mining", "enterprise", True),
    ("91220103MA17E00051", "长春示范公交运输有限公司", "220103", "transport", "enterprise", True),
    ("91222401MA17F00067", "延边示范物流有限公司", "222401", "transport", "enterprise", False),
    ("12220106MB1G00007L", "吉林省示范技师学院", "220106", None, "school", False),
    ("52220102MJ1H00008T", "长春市示范安全培训中心", "220102", None, "institution", False),
]


@transaction.atomic
def demo_coverage_install() -> list[Enterprise]:
    """Regions, key industries and a handful of organisations; safe to re-run."""
    regions_load_jilin()
    industries_load_key()
    return [
        enterprise_save(
            credit_code=code,
            name=name,
            region=Region.objects.get(code=county),
            industry=Industry.objects.get(code=industry) if industry else None,
            kind=kind,
            is_key=is_key,
        )
        for code, name, county, industry, kind, is_key in DEMO_ENTERPRISES
    ]
