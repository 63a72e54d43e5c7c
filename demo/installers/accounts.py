"""Demo sign-ins for each role. Passwords are set only when an account is first created."""

from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import User
from coverage.identifiers import mobile_to_e164
from coverage.models import Department, Enterprise, Membership, Region

DEMO_PASSWORD = "yufang-demo-2025"


@dataclass(frozen=True)
class DemoAccount:
    role: str
    name: str
    email: str | None
    phone: str


DEMO_ACCOUNTS = [
    DemoAccount("worker", "张伟", None, "13800000001"),
    DemoAccount("enterprise_admin", "李娜", "qiye@demo.yufang.cn", "13800000002"),
    DemoAccount("city_regulator", "王强", "changchun@demo.yufang.cn", "13800000003"),
    DemoAccount("county_regulator", "刘洋", "nanguan@demo.yufang.cn", "13800000004"),
    DemoAccount("school_admin", "陈静", "xuexiao@demo.yufang.cn", "13800000005"),
    DemoAccount("editor", "赵敏", "editor@demo.yufang.cn", "13800000006"),
    DemoAccount("province_admin", "系统管理员", "admin@demo.yufang.cn", "13800000009"),
]


def _account(spec: DemoAccount, **flags) -> User:
    phone = mobile_to_e164(spec.phone)
    user = User.objects.filter(phone=phone).first()
    if user is None:
        user = User(phone=phone, phone_verified=True, email=spec.email, **flags)
        user.last_name, user.first_name = spec.name[:1], spec.name[1:]
        if spec.email:
            user.set_password(DEMO_PASSWORD)
        else:
            user.set_unusable_password()
        user.save()
    return user


def _membership(user: User, **fields) -> None:
    Membership.objects.get_or_create(user=user, **fields)


@transaction.atomic
def demo_accounts_install() -> dict[str, User]:
    accounts = {}
    for spec in DEMO_ACCOUNTS:
        flags = {}
        if spec.role == "province_admin":
            flags = {"is_staff": True, "is_superuser": True}
        accounts[spec.role] = _account(spec, **flags)

    _membership(
        accounts["enterprise_admin"],
        role=Membership.Role.ENTERPRISE_ADMIN,
        enterprise=Enterprise.objects.get(credit_code="91220104MA17A00014"),
    )
    _membership(
        accounts["city_regulator"],
        role=Membership.Role.REGULATOR,
        region=Region.objects.get(code="220100"),
        department=Department.HUMAN_RESOURCES,
    )
    _membership(
        accounts["county_regulator"],
        role=Membership.Role.REGULATOR,
        region=Region.objects.get(code="220102"),
        department=Department.EMERGENCY,
    )
    _membership(
        accounts["school_admin"],
        role=Membership.Role.INSTITUTION_ADMIN,
        enterprise=Enterprise.objects.get(credit_code="12220106MB1G00007L"),
    )
    editors = Group.objects.filter(name="Editors").first()
    if editors:
        accounts["editor"].groups.add(editors)
    return accounts
