import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from coverage.jurisdiction import (
    administers,
    enterprises_administered,
    enterprises_in_scope,
    is_regulator,
    memberships_of,
    own_records_visible,
    regions_in_scope,
    regulator_memberships,
    sessions_in_scope,
)
from coverage.models import Membership, Person
from coverage.services import training_target_default
from tests.factories import (
    EnterpriseFactory,
    MembershipFactory,
    TrainingSessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(jilin):
    """Two counties of 长春市 and one county of 吉林市, an enterprise in each."""
    training_target_default()
    return {
        "nanguan": EnterpriseFactory(region=jilin["220102"], name="南关企业"),
        "kuancheng": EnterpriseFactory(region=jilin["220103"], name="宽城企业"),
        "changyi": EnterpriseFactory(region=jilin["220202"], name="昌邑企业"),
        "regions": jilin,
    }


def regulator_of(region, **extra):
    return MembershipFactory(
        role=Membership.Role.REGULATOR, enterprise=None, region=region, **extra
    ).user


def enterprise_url(enterprise):
    return reverse("coverage:enterprise_detail", args=[enterprise.credit_code])


def region_url(code):
    return reverse("coverage:region_detail", args=[code])


def test_county_regulator_sees_only_their_county(client, world):
    client.force_login(regulator_of(world["regions"]["220102"]))

    assert client.get(enterprise_url(world["nanguan"])).status_code == 200
    assert client.get(enterprise_url(world["kuancheng"])).status_code == 404
    assert client.get(enterprise_url(world["changyi"])).status_code == 404
    assert client.get(region_url("220102")).status_code == 200
    assert client.get(region_url("220103")).status_code == 404
    assert client.get(region_url("220100")).status_code == 404


def test_city_regulator_sees_every_county_of_the_city_and_nothing_else(client, world):
    user = regulator_of(world["regions"]["220100"])
    client.force_login(user)

    assert client.get(enterprise_url(world["nanguan"])).status_code == 200
    assert client.get(enterprise_url(world["kuancheng"])).status_code == 200
    assert client.get(enterprise_url(world["changyi"])).status_code == 404
    page = client.get(region_url("220100")).text
    assert "南关企业" in page and "宽城企业" in page and "昌邑企业" not in page
    assert set(enterprises_in_scope(user)) == {world["nanguan"], world["kuancheng"]}
    assert {r.code for r in regions_in_scope(user)} >= {"220100", "220102", "220183"}
    assert "220202" not in {r.code for r in regions_in_scope(user)}


def test_city_code_prefix_does_not_leak_a_neighbour(jilin):
    # 220100 must not match a code that merely starts with the same digits elsewhere.
    user = regulator_of(jilin["220100"])
    assert all(r.path.startswith("/220000/220100/") for r in regions_in_scope(user))


def test_enterprise_admin_sees_only_their_enterprise(client, world):
    admin = MembershipFactory(enterprise=world["nanguan"]).user
    client.force_login(admin)

    assert client.get(enterprise_url(world["nanguan"])).status_code == 200
    assert client.get(enterprise_url(world["kuancheng"])).status_code == 404
    assert client.get(region_url("220102")).status_code == 404


def test_worker_without_a_role_sees_no_enterprise(client, world):
    client.force_login(UserFactory())
    assert client.get(enterprise_url(world["nanguan"])).status_code == 404
    assert client.get(region_url("220000")).status_code == 404


def test_anonymous_visitor_is_sent_to_sign_in(client, world):
    response = client.get(enterprise_url(world["nanguan"]))
    assert response.status_code == 302
    assert reverse("account_login") in response.url


def test_regulator_with_two_regions_sees_both(client, world):
    user = regulator_of(world["regions"]["220102"])
    MembershipFactory(
        user=user,
        role=Membership.Role.REGULATOR,
        enterprise=None,
        region=world["regions"]["220202"],
    )
    assert set(enterprises_in_scope(user)) == {world["nanguan"], world["changyi"]}


def test_region_page_query_count_does_not_grow_with_enterprises(
    client, world, django_assert_max_num_queries
):
    regions = world["regions"]
    client.force_login(regulator_of(regions["220100"]))
    client.get(region_url("220100"))  # warm the session and the content types

    with django_assert_max_num_queries(30) as few:
        client.get(region_url("220100"))
    for n in range(30):
        EnterpriseFactory(region=regions["220104" if n % 2 else "220105"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(region_url("220100"))
    assert response.context["page"].paginator.count == 32


def admin_of(enterprise, role=Membership.Role.ENTERPRISE_ADMIN):
    return MembershipFactory(role=role, enterprise=enterprise, region=None).user


def test_administers_only_their_own_organisation(world):
    admin = admin_of(world["nanguan"])
    school = admin_of(world["kuancheng"], role=Membership.Role.INSTITUTION_ADMIN)
    regulator = regulator_of(world["regions"]["220102"])
    assert administers(admin, world["nanguan"])
    assert not administers(admin, world["kuancheng"])
    assert administers(school, world["kuancheng"])
    # A regulator sees the organisation but does not keep its roster.
    assert not administers(regulator, world["nanguan"])
    assert not administers(AnonymousUser(), world["nanguan"])
    assert administers(UserFactory(is_superuser=True), world["changyi"])


def test_enterprises_administered_are_those_the_user_administers(world):
    admin = admin_of(world["nanguan"])
    MembershipFactory(
        user=admin,
        role=Membership.Role.INSTITUTION_ADMIN,
        enterprise=world["kuancheng"],
        region=None,
    )
    # Regulating a region makes its organisations visible, not administered.
    MembershipFactory(
        user=admin,
        role=Membership.Role.REGULATOR,
        enterprise=None,
        region=world["regions"]["220202"],
    )
    assert set(enterprises_administered(admin)) == {world["nanguan"], world["kuancheng"]}
    assert not enterprises_administered(AnonymousUser()).exists()
    assert enterprises_administered(UserFactory(is_superuser=True)).count() == 3


def test_is_regulator_and_regulator_memberships(world):
    regulator = regulator_of(world["regions"]["220202"])
    MembershipFactory(
        user=regulator,
        role=Membership.Role.REGULATOR,
        enterprise=None,
        region=world["regions"]["220102"],
    )
    assert is_regulator(regulator)
    assert [m.region.code for m in regulator_memberships(regulator)] == ["220102", "220202"]
    admin = admin_of(world["nanguan"])
    assert not is_regulator(admin)
    assert not regulator_memberships(admin).exists()
    assert not is_regulator(AnonymousUser())
    assert is_regulator(UserFactory(is_superuser=True))


def test_sessions_in_scope_are_organised_by_or_open_to_organisations_in_scope(world):
    start = timezone.now()

    def session(organiser, *invited):
        created = TrainingSessionFactory(
            organiser=organiser,
            title=f"{organiser.name}培训",
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=1),
            min_minutes=30,
        )
        created.invited_enterprises.set(invited)
        return created

    own = session(world["nanguan"])
    open_to_nanguan = session(world["changyi"], world["nanguan"], world["kuancheng"])
    elsewhere = session(world["changyi"])
    admin = admin_of(world["nanguan"])
    assert set(sessions_in_scope(admin)) == {own, open_to_nanguan}
    # Invited twice over (two organisations in scope), listed once.
    county_and_neighbour = regulator_of(world["regions"]["220102"])
    MembershipFactory(
        user=county_and_neighbour,
        role=Membership.Role.REGULATOR,
        enterprise=None,
        region=world["regions"]["220103"],
    )
    assert sorted(s.pk for s in sessions_in_scope(county_and_neighbour)) == sorted(
        [own.pk, open_to_nanguan.pk]
    )
    assert set(sessions_in_scope(regulator_of(world["regions"]["220202"]))) == {
        open_to_nanguan,
        elsewhere,
    }
    assert not sessions_in_scope(AnonymousUser()).exists()


def test_own_records_are_visible_to_the_person_and_superusers_only(world):
    owner, admin = UserFactory(), admin_of(world["nanguan"])
    person = Person(name="张三", user=owner)
    assert own_records_visible(owner, person)
    assert own_records_visible(UserFactory(is_superuser=True), person)
    assert not own_records_visible(admin, person)
    assert not own_records_visible(AnonymousUser(), person)
    assert not own_records_visible(UserFactory(), Person(name="李四", user=None))


def test_memberships_of_lists_every_role_of_the_user_alone(world, django_assert_num_queries):
    regulator = regulator_of(world["regions"]["220202"])
    MembershipFactory(user=regulator, enterprise=world["nanguan"], region=None)
    admin_of(world["kuancheng"])
    with django_assert_num_queries(1):
        found = {
            (m.role, m.region and m.region.code, m.enterprise and m.enterprise.name)
            for m in memberships_of(regulator)
        }
    assert found == {
        (Membership.Role.REGULATOR, "220202", None),
        (Membership.Role.ENTERPRISE_ADMIN, None, "南关企业"),
    }
    assert memberships_of(AnonymousUser()) == []
