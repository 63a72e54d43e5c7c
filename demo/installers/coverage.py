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


# Family and given names for demo people: plausible, fictional.
_FAMILY = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
_GIVEN = ["伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超"]
# (credit code, people on the roster, share of key-role people already trained)
DEMO_ROSTERS = [
    ("91220104MA17A00014", 14, 0.6),
    ("91220202MA17B00027", 10, 1.0),
    ("91220102MA17C0003W", 16, 0.35),
    ("91220502MA17D0004C", 8, 0.5),
    ("91220103MA17E00051", 0, 0.0),  # roster not uploaded yet: "roster missing"
    ("91222401MA17F00067", 6, 0.0),
]
_ROLE_CYCLE = ["manager", "safety_head", "team_leader", "team_leader", "other", "other"]


def demo_id_number(serial: int, region_code: str) -> str:
    from stdnum.cn import ric

    birth = f"{1970 + serial % 30}{serial % 12 + 1:02d}{serial % 27 + 1:02d}"
    body = f"{region_code}{birth}{serial % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


@transaction.atomic
def demo_people_install() -> None:
    """Rosters and training for the demo enterprises, so every dashboard state shows; safe to
    re-run (people are found by ID number, entries and records by their keys)."""
    import datetime

    from coverage.models import RosterEntry
    from coverage.services import person_save, training_record, training_target_default

    target = training_target_default()
    serial = 0
    for code, size, trained_share in DEMO_ROSTERS:
        enterprise = Enterprise.objects.get(credit_code=code)
        key_total = sum(1 for n in range(size) if _ROLE_CYCLE[n % len(_ROLE_CYCLE)] != "other")
        key_seen = 0
        for n in range(size):
            serial += 1
            role = _ROLE_CYCLE[n % len(_ROLE_CYCLE)]
            name = _FAMILY[serial % len(_FAMILY)] + _GIVEN[serial % len(_GIVEN)]
            person, _changed = person_save(
                id_number=demo_id_number(serial, enterprise.region.code),
                name=name,
                phone=f"139{serial:08d}",
            )
            RosterEntry.objects.get_or_create(
                person=person,
                enterprise=enterprise,
                end_date=None,
                defaults={
                    "role": role,
                    "department": "安全环保部" if role != "team_leader" else "生产一班",
                    "start_date": datetime.date(2020, 3, 1),
                },
            )
            if role != "other":
                key_seen += 1
                if key_seen <= round(trained_share * key_total):
                    training_record(
                        person=person,
                        kind="online",
                        occurred_on=datetime.date(2022, 1, 1)
                        + datetime.timedelta(days=serial * 11),
                        title="工伤预防基础知识（线上）",
                        source_key="demo:online-basics",
                        hours=4,
                        targets=[target],
                    )


DEMO_WORKER_NAME = "张伟"
DEMO_WORKER_ID = "220104199003070016"
DEMO_WORKER_PHONE = "13800000001"


@transaction.atomic
def demo_sessions_install() -> None:
    """The follow-on plan's target, the demo worker on a roster, and two offline sessions: one
    that ended with verified attendance and one open today, to try the QR check-in."""
    import datetime

    from django.utils import timezone

    from coverage.checkin import attendance_check_in, session_verify
    from coverage.models import RosterEntry, TrainingSession, TrainingTarget
    from coverage.services import person_save, training_target_default

    first_plan = training_target_default()
    next_plan, _created = TrainingTarget.objects.get_or_create(
        code="plan-2026-2030",
        defaults={
            "name": "工伤预防五年行动计划（2026—2030年）三类人员培训全覆盖（示例）",
            "start_date": datetime.date(2026, 1, 1),
            "end_date": datetime.date(2030, 12, 31),
            "required_roles": first_plan.required_roles,
            "qualifying_kinds": first_plan.qualifying_kinds,
        },
    )
    organiser = Enterprise.objects.get(credit_code="91220104MA17A00014")
    worker, _changed = person_save(
        id_number=DEMO_WORKER_ID, name=DEMO_WORKER_NAME, phone=DEMO_WORKER_PHONE
    )
    RosterEntry.objects.get_or_create(
        person=worker,
        enterprise=organiser,
        end_date=None,
        defaults={
            "role": "team_leader",
            "department": "装配车间",
            "start_date": datetime.date(2019, 5, 1),
        },
    )
    if TrainingSession.objects.filter(organiser=organiser).exists():
        return
    today = timezone.localdate()
    at = lambda day, hour: timezone.make_aware(  # noqa: E731
        datetime.datetime.combine(day, datetime.time(hour))
    )
    past = TrainingSession.objects.create(
        organiser=organiser,
        title="机械制造企业一线班组长工伤预防培训",
        topic="机械伤害事故预防、劳动防护用品使用",
        venue="长春示范机械制造有限公司培训楼201",
        region=organiser.region,
        latitude=43.8537,
        longitude=125.3392,
        starts_at=at(today - datetime.timedelta(days=14), 9),
        ends_at=at(today - datetime.timedelta(days=14), 11),
        min_minutes=90,
        hours=2,
    )
    past.targets.set([first_plan, next_plan])
    for entry in RosterEntry.objects.filter(
        enterprise=organiser, end_date__isnull=True, role="team_leader"
    ).exclude(person=worker)[:3]:
        attendance_check_in(
            session=past, person=entry.person, method="rotating", now=past.starts_at
        )
    session_verify(session=past, now=past.ends_at + datetime.timedelta(hours=2))
    today_session = TrainingSession.objects.create(
        organiser=organiser,
        title="工伤预防集中培训（扫码签到演示）",
        topic="工伤保险政策与事故预防",
        venue="长春示范机械制造有限公司一号会议室",
        region=organiser.region,
        starts_at=at(today, 8),
        ends_at=at(today, 20),
        min_minutes=60,
        hours=2,
    )
    today_session.targets.set([first_plan, next_plan])
