import factory
from factory.django import DjangoModelFactory
from stdnum.cn import uscc

from accounts.models import User
from coverage.models import Enterprise, Industry, Membership, Region


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User

    phone = factory.Sequence(lambda n: f"+86139{n:08d}")
    phone_verified = True
    last_name = "王"
    first_name = factory.Sequence(lambda n: f"工{n}")
    password = factory.django.Password("correct horse battery staple")


class RegionFactory(DjangoModelFactory):
    """A region under its parent; the path follows the parent like coverage.services does."""

    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"9{n:05d}")
    name = factory.Sequence(lambda n: f"测试区{n}")
    level = Region.Level.COUNTY
    parent = None
    path = factory.LazyAttribute(lambda o: f"{o.parent.path if o.parent else '/'}{o.code}/")


class IndustryFactory(DjangoModelFactory):
    class Meta:
        model = Industry
        django_get_or_create = ["code"]

    code = "construction"
    name = "建筑施工"
    is_key = True


def _credit_code(n: int) -> str:
    body = f"91220101MA{n:07d}"
    return body + uscc.calc_check_digit(body)


class EnterpriseFactory(DjangoModelFactory):
    class Meta:
        model = Enterprise

    credit_code = factory.Sequence(_credit_code)
    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    region = factory.SubFactory(RegionFactory)
    industry = factory.SubFactory(IndustryFactory)
    is_key = True


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Membership.Role.ENTERPRISE_ADMIN
    enterprise = factory.SubFactory(EnterpriseFactory)
