"""Demo sign-ins for each role (demo/content/accounts.toml). Passwords are set only when an
account is first created."""

from dataclasses import dataclass, field

from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import User
from coverage.identifiers import mobile_to_e164
from coverage.models import Enterprise, Membership, Region
from demo.content import content_load
from demo.installers.moderation import demo_moderation_install


@dataclass(frozen=True)
class DemoAccount:
    role: str
    name: str
    phone: str
    email: str | None = None
    membership: dict | None = None
    groups: list[str] = field(default_factory=list)
    superuser: bool = False


_CONTENT = content_load("accounts")
DEMO_PASSWORD: str = _CONTENT["password"]
DEMO_ACCOUNTS = [DemoAccount(**spec) for spec in _CONTENT["accounts"]]


def _account(spec: DemoAccount) -> User:
    phone = mobile_to_e164(spec.phone)
    user = User.objects.filter(phone=phone).first()
    if user is None:
        flags = {"is_staff": True, "is_superuser": True} if spec.superuser else {}
        user = User(phone=phone, phone_verified=True, email=spec.email, **flags)
        user.last_name, user.first_name = spec.name[:1], spec.name[1:]
        if spec.email:
            user.set_password(DEMO_PASSWORD)
        else:
            user.set_unusable_password()
        user.save()
    return user


def _membership(user: User, membership: dict) -> None:
    fields = {"role": membership["role"]}
    if "enterprise" in membership:
        fields["enterprise"] = Enterprise.objects.get(credit_code=membership["enterprise"])
    if "region" in membership:
        fields["region"] = Region.objects.get(code=membership["region"])
        fields["department"] = membership["department"]
    Membership.objects.get_or_create(user=user, **fields)


@transaction.atomic
def demo_accounts_install() -> dict[str, User]:
    accounts = {}
    for spec in DEMO_ACCOUNTS:
        user = accounts[spec.role] = _account(spec)
        if spec.membership:
            _membership(user, spec.membership)
        for group in Group.objects.filter(name__in=spec.groups):
            user.groups.add(group)
    demo_moderation_install()
    return accounts
