"""Check-in without a smartphone: the worker's personal code (on 我的, on a printed card) scanned
at the organiser's desk, or the ID number typed there; both recorded with their method and
flagged as weaker. The code is not guessable, says nothing of the ID number, is renewable, and
checks in its own person only."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from coverage.models import Attendance, PersonalCode, TrainingSession
from coverage.sessions.personal_codes import (
    personal_code_issue,
    personal_code_person,
    personal_code_renew,
)
from tests.factories import EnterpriseFactory, UserFactory, admin_of, enrol_on_roster

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(client, jilin):
    """A running session and its organiser signed in at the desk."""
    organiser = EnterpriseFactory(region=jilin["220102"], name="组织企业")
    now = timezone.now()
    session = TrainingSession.objects.create(
        organiser=organiser,
        title="安全生产集中培训",
        venue="南关区会议中心",
        region=organiser.region,
        latitude=43.8868,
        longitude=125.3245,
        location_required=True,
        confirmation_required=True,
        starts_at=now - datetime.timedelta(minutes=10),
        ends_at=now + datetime.timedelta(minutes=80),
    )
    client.force_login(admin_of(organiser))
    return session


def desk_post(client, session, **fields):
    return client.post(
        reverse("coverage:desk_checkin", args=[session.pk]),
        fields,
        HTTP_ACCEPT="application/json",
    )


# The code


def test_the_code_is_stable_until_renewed_and_stored_only_hashed():
    person = enrol_on_roster(EnterpriseFactory())
    code = personal_code_issue(person=person)
    assert code == personal_code_issue(person=person)
    stored = PersonalCode.objects.get(person=person)
    assert code not in (stored.nonce, stored.code_hash)
    assert personal_code_person(code=code) == person
    # Typed by hand from the card: case and spaces do not matter.
    assert personal_code_person(code=" ".join(code.lower())) == person


def test_the_code_says_nothing_of_the_id_number_or_the_key():
    person = enrol_on_roster(EnterpriseFactory())
    code = personal_code_issue(person=person)
    number = person.id_number
    assert number[-6:] not in code and number[:6] not in code
    assert len(code) == 23 and code.startswith("YF-")


def test_a_renewed_code_voids_the_old_one():
    person = enrol_on_roster(EnterpriseFactory())
    old = personal_code_issue(person=person)
    new = personal_code_renew(person=person)
    assert new != old
    assert personal_code_person(code=old) is None
    assert personal_code_person(code=new) == person


def test_a_code_altered_or_made_up_finds_nobody():
    person = enrol_on_roster(EnterpriseFactory())
    code = personal_code_issue(person=person)
    altered = code[:-1] + ("A" if code[-1] != "A" else "B")
    for attempt in (altered, "YF-" + "A" * 20, code[:-1], "", "220102" + code):
        assert personal_code_person(code=attempt) is None


def test_the_worker_sees_the_code_on_my_page_prints_it_and_renews_it(client):
    person = enrol_on_roster(EnterpriseFactory())
    person.user = UserFactory()
    person.save(update_fields=["user"])
    client.force_login(person.user)
    me = client.get(reverse("accounts:home")).text
    assert 'data-testid="my-personal-code"' in me and "<svg" in me

    page = client.get(reverse("coverage:personal_code"))
    code = page.context["code"]
    assert personal_code_person(code=code) == person
    assert person.id_number not in page.text
    card = client.get(reverse("coverage:personal_code_card")).text
    assert code in card and person.name in card and person.id_number not in card

    response = client.post(reverse("coverage:personal_code_new"))
    assert response.status_code == 302
    assert personal_code_person(code=code) is None
    assert client.get(reverse("coverage:personal_code")).context["code"] != code


def test_an_unbound_account_confirms_identity_before_seeing_a_code(client):
    client.force_login(UserFactory())
    response = client.get(reverse("coverage:personal_code"))
    assert response.url.startswith(reverse("coverage:identity_bind"))
    assert not PersonalCode.objects.exists()


# The desk


def test_the_desk_checks_in_by_personal_code_flagged_weaker(client, desk):
    person = enrol_on_roster(desk.organiser, name="王五")
    code = personal_code_issue(person=person)
    answer = desk_post(client, desk, code=code)
    assert answer.status_code == 200
    data = answer.json()
    assert data["ok"] and data["created"] and data["count"] == 1
    assert data["person"] == {"name": "王五", "id_number_masked": person.id_number_masked}
    attendance = Attendance.objects.get(session=desk)
    assert attendance.person == person
    assert attendance.checkin_method == Attendance.Method.PERSONAL_CODE
    # Neither the location nor the confirmation number is asked of the desk.
    assert attendance.flags == [Attendance.Flag.PERSONAL_CODE]

    again = desk_post(client, desk, code=code).json()
    assert again["ok"] and not again["created"]
    assert Attendance.objects.filter(session=desk).count() == 1


def test_the_personal_code_checks_in_its_own_person_only(client, desk):
    owner = enrol_on_roster(desk.organiser)
    other = enrol_on_roster(desk.organiser)
    code = personal_code_issue(person=owner)
    personal_code_issue(person=other)
    desk_post(client, desk, code=code)
    assert list(Attendance.objects.values_list("person", flat=True)) == [owner.pk]
    # The other person's code is not the owner's with a different ending, nor derivable.
    assert personal_code_person(code=code) == owner
    renewed = personal_code_renew(person=owner)
    refused = desk_post(client, desk, code=code)
    assert refused.status_code == 400 and not refused.json()["ok"]
    assert personal_code_person(code=renewed) == owner


def test_the_desk_checks_in_by_id_number_flagged_weaker(client, desk):
    person = enrol_on_roster(desk.organiser)
    typed = person.id_number.lower()[:6] + " " + person.id_number[6:]
    data = desk_post(client, desk, id_number=typed).json()
    assert data["ok"] and data["created"]
    attendance = Attendance.objects.get(session=desk)
    assert attendance.person == person
    assert attendance.checkin_method == Attendance.Method.ID_NUMBER
    assert attendance.flags == [Attendance.Flag.ID_NUMBER]


def test_the_desk_names_the_problem_of_a_wrong_id_number_or_a_stranger(client, desk):
    person = enrol_on_roster(desk.organiser)
    bad_check_digit = person.id_number[:17] + ("0" if person.id_number[17] != "0" else "1")
    refused = desk_post(client, desk, id_number=bad_check_digit)
    assert refused.status_code == 400 and refused.json()["message"]

    stranger = enrol_on_roster(EnterpriseFactory(), name="赵四")
    refused = desk_post(client, desk, id_number=stranger.id_number).json()
    assert not refused["ok"] and "赵四" in refused["message"]
    assert not Attendance.objects.exists()


def test_the_desk_without_javascript_posts_the_form_and_returns(client, desk):
    person = enrol_on_roster(desk.organiser)
    response = client.post(
        reverse("coverage:desk_checkin", args=[desk.pk]), {"id_number": person.id_number}
    )
    assert response.url == reverse("coverage:session_desk", args=[desk.pk])
    page = client.get(response.url)
    assert person.id_number_masked in page.text
    assert Attendance.objects.get().checkin_method == Attendance.Method.ID_NUMBER


def test_only_the_organiser_may_use_the_desk(client, desk):
    person = enrol_on_roster(desk.organiser)
    client.force_login(UserFactory())
    assert client.get(reverse("coverage:session_desk", args=[desk.pk])).status_code == 404
    response = desk_post(client, desk, id_number=person.id_number)
    assert response.status_code == 404
    assert not Attendance.objects.exists()


def test_a_desk_check_in_costs_few_queries(client, desk, django_assert_max_num_queries):
    person = enrol_on_roster(desk.organiser)
    code = personal_code_issue(person=person)
    # One at a time at a desk, not a hall at once: the user, the organiser's rights and the
    # session (4, coverage/jurisdiction.py), the code with its person, the insert with its
    # transaction (3), and the count the desk shows; none per person already checked in.
    with django_assert_max_num_queries(10):
        assert desk_post(client, desk, code=code).json()["created"]
