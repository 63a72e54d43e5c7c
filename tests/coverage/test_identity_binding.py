"""Binding an account to a person: name + ID number once; a roster phone that is not the
sign-in phone waits for the enterprise's administrator, who confirms or rejects."""

import pytest
from django.urls import reverse

from coverage.identity.models import IdentityClaim
from coverage.models import Person
from tests.factories import (
    EnterpriseFactory,
    PersonFactory,
    RosterEntryFactory,
    UserFactory,
    admin_of,
    regulator_of,
)
from tests.helpers.identities import id_number

pytestmark = pytest.mark.django_db

UNVERIFIABLE = "姓名和身份证号未能通过核验"
# Markers rather than words: the fragment's translations reach the catalogue with the lead.
WAITING = 'data-testid="identity-waiting"'
REJECTED = 'data-testid="identity-rejected"'


@pytest.fixture
def rostered():
    """张三 on an enterprise's roster with the roster's phone 13900000001."""
    enterprise = EnterpriseFactory()
    person = PersonFactory(id_number=id_number(1), name="张三", phone="13900000001")
    RosterEntryFactory(person=person, enterprise=enterprise)
    return {"enterprise": enterprise, "person": person}


def bind(client, name, number):
    return client.post(reverse("coverage:identity_bind"), {"name": name, "id_number": number})


def claims_url(enterprise):
    return reverse("coverage:identity_claims", args=[enterprise.credit_code])


def decide_url(claim, enterprise=None):
    enterprise = enterprise or claim.enterprise
    return reverse("coverage:identity_claim_decide", args=[enterprise.credit_code, claim.pk])


def test_the_roster_phone_equal_to_the_sign_in_phone_binds_at_once(client, rostered):
    user = UserFactory(phone="+8613900000001")
    client.force_login(user)
    response = bind(client, "张三", id_number(1))
    assert response.status_code == 302
    assert Person.objects.get(user=user) == rostered["person"]
    assert not IdentityClaim.objects.exists()


def test_another_phone_waits_for_the_enterprise_instead_of_binding(client, rostered):
    user = UserFactory(phone="+8613800000002")
    client.force_login(user)
    response = bind(client, "张三", id_number(1))
    assert response.status_code == 200
    assert WAITING in response.text
    assert not Person.objects.filter(user=user).exists()
    claim = IdentityClaim.objects.get()
    assert (claim.user, claim.person, claim.enterprise) == (
        user,
        rostered["person"],
        rostered["enterprise"],
    )
    assert claim.status == IdentityClaim.Status.PENDING
    assert claim.phone_masked == "138****0002"
    # Coming back later (or from 我的学习) shows the wait, not the form again.
    again = client.get(reverse("coverage:identity_bind"))
    assert WAITING in again.text and "<form" not in again.text.split("</header>")[-1]


def test_the_administrator_confirms_and_the_account_is_bound(client, rostered):
    user = UserFactory(phone="+8613800000002")
    client.force_login(user)
    bind(client, "张三", id_number(1))
    claim = IdentityClaim.objects.get()

    admin = admin_of(rostered["enterprise"])
    client.force_login(admin)
    page = client.get(claims_url(rostered["enterprise"]))
    assert page.status_code == 200
    assert "138****0002" in page.text and "139****0001" in page.text
    assert id_number(1) not in page.text  # masked only
    response = client.post(decide_url(claim), {"decision": "confirm"})
    assert response.status_code == 302

    rostered["person"].refresh_from_db()
    assert rostered["person"].user == user
    claim.refresh_from_db()
    assert claim.status == IdentityClaim.Status.CONFIRMED
    assert claim.decided_by == admin and claim.decided_at is not None
    # Deciding twice changes nothing.
    client.post(decide_url(claim), {"decision": "reject"})
    claim.refresh_from_db()
    assert claim.status == IdentityClaim.Status.CONFIRMED

    client.force_login(user)
    assert client.get(reverse("coverage:identity_bind")).status_code == 302


def test_the_administrator_rejects_and_nothing_is_bound(client, rostered):
    user = UserFactory(phone="+8613800000002")
    client.force_login(user)
    bind(client, "张三", id_number(1))
    claim = IdentityClaim.objects.get()

    client.force_login(admin_of(rostered["enterprise"]))
    client.post(decide_url(claim), {"decision": "reject"})
    claim.refresh_from_db()
    assert claim.status == IdentityClaim.Status.REJECTED
    rostered["person"].refresh_from_db()
    assert rostered["person"].user is None

    client.force_login(user)
    page = client.get(reverse("coverage:identity_bind"))
    assert REJECTED in page.text and "<form" in page.text
    # The same account cannot ask again for the same person; the rejection is said plainly.
    again = bind(client, "张三", id_number(1))
    assert 'class="form__errors"' in again.text
    assert IdentityClaim.objects.count() == 1
    assert not Person.objects.filter(user=user).exists()


def test_another_enterprises_administrator_gets_404(client, rostered):
    user = UserFactory(phone="+8613800000002")
    client.force_login(user)
    bind(client, "张三", id_number(1))
    claim = IdentityClaim.objects.get()
    other = EnterpriseFactory()

    for outsider in (admin_of(other), regulator_of(rostered["enterprise"].region), user):
        client.force_login(outsider)
        assert client.get(claims_url(rostered["enterprise"])).status_code == 404
        assert client.post(decide_url(claim), {"decision": "confirm"}).status_code == 404
    # Their own enterprise's address with this claim: 404 as well.
    client.force_login(admin_of(other))
    assert client.post(decide_url(claim, other), {"decision": "confirm"}).status_code == 404
    claim.refresh_from_db()
    assert claim.status == IdentityClaim.Status.PENDING
    rostered["person"].refresh_from_db()
    assert rostered["person"].user is None


def test_confirming_after_someone_else_bound_the_person_is_refused(client, rostered):
    first = UserFactory(phone="+8613800000002")
    client.force_login(first)
    bind(client, "张三", id_number(1))
    claim = IdentityClaim.objects.get()
    owner = UserFactory(phone="+8613900000001")
    client.force_login(owner)
    bind(client, "张三", id_number(1))  # the roster's phone: bound at once

    client.force_login(admin_of(rostered["enterprise"]))
    response = client.post(decide_url(claim), {"decision": "confirm"}, follow=True)
    assert "该身份已关联其他账号" in response.text
    rostered["person"].refresh_from_db()
    assert rostered["person"].user == owner
    claim.refresh_from_db()
    assert claim.status == IdentityClaim.Status.PENDING


def test_a_wrong_id_number_gets_a_clear_chinese_message(client, rostered):
    client.force_login(UserFactory())
    wrong_check = id_number(1)[:-1] + ("1" if id_number(1)[-1] != "1" else "2")
    response = bind(client, "张三", wrong_check)
    assert response.status_code == 200
    assert "的校验位不正确" in response.text  # the check character is named
    assert not IdentityClaim.objects.exists()


def test_a_wrong_name_reads_the_same_as_an_unknown_number(client, rostered):
    client.force_login(UserFactory(phone="+8613900000001"))
    wrong_name = bind(client, "李四", id_number(1))
    unknown = bind(client, "张三", id_number(99))
    assert UNVERIFIABLE in wrong_name.text and UNVERIFIABLE in unknown.text
    assert "139****0001" not in wrong_name.text and rostered["person"].id_number_masked not in (
        wrong_name.text
    )
    rostered["person"].refresh_from_db()
    assert rostered["person"].user is None
    assert not Person.objects.filter(name="李四").exists()


def test_the_claims_page_reads_a_constant_number_of_queries(
    client, rostered, django_assert_max_num_queries
):
    enterprise = rostered["enterprise"]
    for n in range(2, 7):
        person = PersonFactory(id_number=id_number(n), name=f"职工{n}", phone="13900000009")
        RosterEntryFactory(person=person, enterprise=enterprise)
        client.force_login(UserFactory())
        bind(client, f"职工{n}", id_number(n))
    assert IdentityClaim.objects.count() == 5
    client.force_login(admin_of(enterprise))
    with django_assert_max_num_queries(10):
        page = client.get(claims_url(enterprise))
    assert page.text.count("职工") >= 5


def test_superusers_see_the_claims_in_the_django_admin_without_changing_them(client, rostered):
    client.force_login(UserFactory(phone="+8613800000002"))
    bind(client, "张三", id_number(1))
    claim = IdentityClaim.objects.get()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    listing = client.get(reverse("admin:identity_identityclaim_changelist"))
    assert listing.status_code == 200 and "138****0002" in listing.text
    client.post(
        reverse("admin:identity_identityclaim_change", args=[claim.pk]), {"status": "confirmed"}
    )
    claim.refresh_from_db()
    assert claim.status == IdentityClaim.Status.PENDING
