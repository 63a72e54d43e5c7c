"""Check-in flags mark anomalies, not a venue: everyone behind the venue's Wi-Fi is one address,
which alone flags nobody; a team checked in from an address nobody shows at the venue, or by
one phone, is flagged. Counted with aggregates, so a check-in costs the same number of queries
however many check-ins share its address."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from coverage.models import Attendance, Person, Role, RosterEntry, TrainingSession
from coverage.pii import pii_encrypt, pii_lookup_hash
from coverage.sessions import tokens as checkin_tokens
from coverage.sessions.flags import SHARED_IP_PEOPLE
from coverage.sessions.services import Location, attendance_check_in
from tests.factories import EnterpriseFactory
from tests.helpers.identities import id_number

pytestmark = pytest.mark.django_db

VENUE = Location(43.8868, 125.3245)
AT_VENUE = Location(43.8870, 125.3240)  # tens of metres away: in the hall
OFFICE = Location(43.9000, 125.2000)  # across town, about 10 km
VENUE_WIFI = "203.0.113.50"
OFFICE_ADDRESS = "198.51.100.20"


@pytest.fixture
def organiser(jilin):
    return EnterpriseFactory(region=jilin["220102"], name="组织企业")


def new_session(organiser, *, located=True) -> TrainingSession:
    now = timezone.now()
    return TrainingSession.objects.create(
        organiser=organiser,
        title="安全生产集中培训",
        venue="南关区会议中心",
        region=organiser.region,
        latitude=VENUE.latitude if located else None,
        longitude=VENUE.longitude if located else None,
        starts_at=now - datetime.timedelta(minutes=10),
        ends_at=now + datetime.timedelta(minutes=80),
    )


def workers(organiser, count: int, *, first: int = 0) -> list[Person]:
    numbers = [id_number(first + n) for n in range(count)]
    people = Person.objects.bulk_create(
        Person(
            id_number_hash=pii_lookup_hash(number),
            id_number_encrypted=pii_encrypt(number),
            id_number_masked=number[:6] + "*" * 8 + number[14:],
            name=f"工人{first + n}",
        )
        for n, number in enumerate(numbers)
    )
    RosterEntry.objects.bulk_create(
        RosterEntry(
            person=p, enterprise=organiser, role=Role.OTHER, start_date=datetime.date(2021, 1, 1)
        )
        for p in people
    )
    return people


def check_in(session, person, *, ip, device, location=None) -> Attendance:
    attendance, created = attendance_check_in(
        session=session,
        person=person,
        method="rotating",
        device=device,
        ip_address=ip,
        location=location,
    )
    assert created
    return attendance


def flags_of(session) -> dict[str, list[str]]:
    return dict(session.attendances.values_list("person__name", "flags"))


def test_sixty_people_on_the_venue_wifi_are_not_flagged(organiser):
    session = new_session(organiser)
    for n, person in enumerate(workers(organiser, 60)):
        # A third of the phones decline the location prompt or find no fix indoors.
        location = None if n % 3 == 1 else AT_VENUE
        check_in(session, person, ip=VENUE_WIFI, device=f"phone-{n}", location=location)
    assert set(map(tuple, flags_of(session).values())) == {()}


def test_without_the_venue_position_a_shared_address_flags_nobody(organiser):
    session = new_session(organiser, located=False)
    for n, person in enumerate(workers(organiser, 60)):
        check_in(session, person, ip=VENUE_WIFI, device=f"phone-{n}")
    assert set(map(tuple, flags_of(session).values())) == {()}


def test_a_team_checked_in_from_an_address_nobody_shows_at_the_venue_is_flagged(organiser):
    session = new_session(organiser)
    people = workers(organiser, 8)
    # One person at the office, a private tab per colleague: a new device cookie each time.
    attendances = [
        check_in(session, person, ip=OFFICE_ADDRESS, device=f"private-tab-{n}")
        for n, person in enumerate(people)
    ]
    for attendance in attendances:
        attendance.refresh_from_db()
    # The sixth makes the address suspicious: the five before it are flagged with it.
    assert [a.flags for a in attendances] == [["shared_ip"]] * 8


def test_check_ins_located_away_from_the_venue_count_as_not_there(organiser):
    session = new_session(organiser)
    people = workers(organiser, 6)
    for n, person in enumerate(people):
        last = check_in(session, person, ip=OFFICE_ADDRESS, device=f"tab-{n}", location=OFFICE)
    assert last.flags == ["far_from_venue", "shared_ip"]


def test_two_check_ins_located_at_the_venue_clear_its_address(organiser):
    session = new_session(organiser)
    people = workers(organiser, 12)
    for n, person in enumerate(people[:4]):
        check_in(session, person, ip=VENUE_WIFI, device=f"phone-{n}")
    for n, person in enumerate(people[4:6], start=4):
        check_in(session, person, ip=VENUE_WIFI, device=f"phone-{n}", location=AT_VENUE)
    for n, person in enumerate(people[6:], start=6):
        check_in(session, person, ip=VENUE_WIFI, device=f"phone-{n}")
    assert set(map(tuple, flags_of(session).values())) == {()}


def test_one_faked_position_does_not_clear_an_address(organiser):
    session = new_session(organiser)
    people = workers(organiser, 8)
    check_in(session, people[0], ip=OFFICE_ADDRESS, device="tab-0", location=AT_VENUE)
    for n, person in enumerate(people[1:], start=1):
        check_in(session, person, ip=OFFICE_ADDRESS, device=f"tab-{n}")
    assert all("shared_ip" in flags for flags in flags_of(session).values())


def test_one_phone_checking_in_three_people_flags_all_three_and_not_the_address(organiser):
    session = new_session(organiser)
    people = workers(organiser, 4)
    for person in people[:3]:
        check_in(session, person, ip=VENUE_WIFI, device="one-phone")
    check_in(session, people[3], ip=VENUE_WIFI, device="own-phone", location=AT_VENUE)
    assert flags_of(session) == {
        "工人0": ["shared_device"],
        "工人1": ["shared_device"],
        "工人2": ["shared_device"],
        "工人3": [],
    }


def prior_check_ins(session, organiser, count: int, *, first: int) -> None:
    Attendance.objects.bulk_create(
        Attendance(
            session=session,
            person=person,
            checked_in_at=timezone.now(),
            checkin_method="rotating",
            device=f"tab-{first + n}",
            ip_address=OFFICE_ADDRESS,
        )
        for n, person in enumerate(workers(organiser, count, first=first))
    )


def queries_of_one_check_in_post(client, session) -> int:
    token = checkin_tokens.rotating_token(session, "in")
    confirm = client.get(reverse("coverage:checkin_scan", args=[session.pk, "in", token])).url
    with CaptureQueriesContext(connection) as queries:
        response = client.post(confirm, REMOTE_ADDR=OFFICE_ADDRESS)
    assert response.status_code == 302
    return len(queries)


def test_a_check_in_costs_the_same_queries_however_many_share_its_address(client, organiser):
    user = User.objects.create(phone="+8613800000001", phone_verified=True)
    (me,) = workers(organiser, 1, first=900)
    Person.objects.filter(pk=me.pk).update(user=user)
    client.force_login(user)
    few, many = new_session(organiser), new_session(organiser)
    # Past the line where the address became suspicious (that check-in flags the earlier).
    prior_check_ins(few, organiser, SHARED_IP_PEOPLE, first=100)
    prior_check_ins(many, organiser, 300, first=200)

    assert queries_of_one_check_in_post(client, few) == queries_of_one_check_in_post(client, many)
    for session in (few, many):
        assert Attendance.objects.get(session=session, person=me).flags == ["shared_ip"]
