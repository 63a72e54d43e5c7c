"""A check-in link forwarded live to someone at home: a session may require the phone's location
inside a radius and a confirmation number from the screen; check-ins of one session from far
apart within minutes are flagged with the distance and the interval."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from coverage.models import Attendance, TrainingSession
from coverage.sessions import tokens
from coverage.sessions.flags import FAR_APART_WINDOW
from coverage.sessions.forms import SessionForm
from coverage.sessions.geo import Location, distance_metres
from coverage.sessions.services import CheckinRefused, attendance_check_in
from tests.factories import EnterpriseFactory, UserFactory, admin_of, enrol_on_roster

pytestmark = pytest.mark.django_db

VENUE = Location(43.8868, 125.3245)
IN_THE_HALL = Location(43.8870, 125.3240)  # about 45 m from the venue
NEXT_STREET = Location(43.8900, 125.3245)  # about 360 m north
ACROSS_TOWN = Location(43.9000, 125.2000)  # about 10 km: at home


@pytest.fixture
def organiser(jilin):
    return EnterpriseFactory(region=jilin["220102"], name="组织企业")


def new_session(organiser, **rules) -> TrainingSession:
    now = timezone.now()
    return TrainingSession.objects.create(
        organiser=organiser,
        title="安全生产集中培训",
        venue="南关区会议中心",
        region=organiser.region,
        latitude=VENUE.latitude,
        longitude=VENUE.longitude,
        starts_at=now - datetime.timedelta(minutes=10),
        ends_at=now + datetime.timedelta(minutes=80),
        **rules,
    )


def check_in(session, person, **options):
    options.setdefault("method", Attendance.Method.ROTATING)
    return attendance_check_in(session=session, person=person, **options)


# Location required


def test_location_required_refuses_a_check_in_without_a_location(organiser):
    session = new_session(organiser, location_required=True, location_radius_m=300)
    person = enrol_on_roster(organiser)
    with pytest.raises(CheckinRefused) as refused:
        check_in(session, person, location=None)
    assert refused.value.code == "location_missing"
    assert not Attendance.objects.exists()


def test_location_required_refuses_outside_the_radius_with_the_distance(organiser, settings):
    settings.LANGUAGE_CODE = "en"
    session = new_session(organiser, location_required=True, location_radius_m=300)
    person = enrol_on_roster(organiser)
    with pytest.raises(CheckinRefused) as refused:
        check_in(session, person, location=NEXT_STREET)
    assert refused.value.code == "location_outside"
    message = str(refused.value.message)
    distance = distance_metres(NEXT_STREET, VENUE)
    assert 300 < distance < 400
    assert f"{distance} m" in message and "300 m" in message
    assert not Attendance.objects.exists()


def test_location_required_accepts_inside_the_radius(organiser):
    session = new_session(organiser, location_required=True, location_radius_m=300)
    person = enrol_on_roster(organiser)
    attendance, created = check_in(session, person, location=IN_THE_HALL)
    assert created and attendance.distance_m < 300 and attendance.flags == []
    # The position is kept only rounded (about 100 m).
    stored = Attendance.objects.get()
    assert (stored.latitude, stored.longitude) == (43.887, 125.324)


def test_location_is_not_required_of_the_organisers_desk(organiser):
    session = new_session(organiser, location_required=True)
    person = enrol_on_roster(organiser)
    attendance, created = check_in(session, person, method=Attendance.Method.ID_NUMBER)
    assert created and attendance.flags == [Attendance.Flag.ID_NUMBER]


def test_the_refusal_names_the_distance_on_the_confirm_page_and_the_worker_retries(
    client, organiser
):
    session = new_session(organiser, location_required=True, location_radius_m=300)
    person = enrol_on_roster(organiser)
    person.user = UserFactory()
    person.save(update_fields=["user"])
    client.force_login(person.user)
    token = tokens.rotating_token(session, "in")
    confirm = client.get(reverse("coverage:checkin_scan", args=[session.pk, "in", token])).url
    page = client.get(confirm, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert 'data-testid="location-required"' in page.text

    refused = client.post(confirm, {"latitude": "43.9000", "longitude": "125.2000"})
    assert refused.status_code == 200
    assert 'data-testid="checkin-error"' in refused.text
    assert f"{distance_metres(ACROSS_TOWN, VENUE)}" in refused.text and "300" in refused.text
    assert 'id="checkin-form"' in refused.text  # the worker can try again on the spot
    assert not Attendance.objects.exists()

    done = client.post(confirm, {"latitude": "43.8870", "longitude": "125.3240"})
    assert done.status_code == 302
    assert Attendance.objects.get().person == person


def test_a_session_form_requiring_location_needs_the_venues_position(organiser):
    data = {
        "title": "培训",
        "hours": "2",
        "venue": "会议室",
        "region": organiser.region_id,
        "starts_at": "2030-05-01T09:00",
        "ends_at": "2030-05-01T11:00",
        "min_minutes": 60,
        "audience": TrainingSession.Audience.ROSTER,
        "location_required": "on",
    }
    form = SessionForm(data, organiser=organiser, enterprises=organiser.__class__.objects.all())
    assert "location_required" in form.errors
    form = SessionForm(
        {**data, "latitude": "43.8868", "longitude": "125.3245", "location_radius_m": "50"},
        organiser=organiser,
        enterprises=organiser.__class__.objects.all(),
    )
    assert list(form.errors) == ["location_radius_m"]


# Confirmation number


def test_confirmation_number_right_is_accepted(organiser):
    session = new_session(organiser, confirmation_required=True)
    person = enrol_on_roster(organiser)
    now = timezone.now()
    number = tokens.confirmation_number(session, "in", now=now.timestamp())
    assert len(number) == 4 and number.isdigit()
    _attendance, created = check_in(session, person, confirmation=number, now=now)
    assert created


def test_confirmation_number_wrong_or_missing_is_refused(organiser):
    session = new_session(organiser, confirmation_required=True)
    person = enrol_on_roster(organiser)
    now = timezone.now()
    right = tokens.confirmation_number(session, "in", now=now.timestamp())
    wrong = f"{(int(right) + 1) % 10000:04d}"
    for typed in (wrong, "", "12a4", None):
        with pytest.raises(CheckinRefused) as refused:
            check_in(session, person, confirmation=typed, now=now)
        assert refused.value.code == "confirmation_wrong"
    assert not Attendance.objects.exists()


def test_confirmation_number_of_the_previous_window_is_accepted_not_older(organiser):
    session = new_session(organiser, confirmation_required=True)
    first, second = enrol_on_roster(organiser), enrol_on_roster(organiser)
    step = datetime.timedelta(seconds=tokens.STEP_SECONDS)

    def numbers(now):
        return [
            tokens.confirmation_number(session, "in", now=(now - k * step).timestamp())
            for k in (0, 1, 2)
        ]

    # Four digits per window: two windows share one about once in 5,000. The first moment
    # (a window later each time) whose older number is neither of the two accepted ones.
    now = timezone.now()
    while (found := numbers(now))[2] in found[:2]:
        now += step
    _current, previous, older = found
    assert check_in(session, first, confirmation=previous, now=now)[1]
    with pytest.raises(CheckinRefused):
        check_in(session, second, confirmation=older, now=now)


def test_confirmation_number_accepts_full_width_digits(organiser):
    session = new_session(organiser, confirmation_required=True)
    now = timezone.now()
    number = tokens.confirmation_number(session, "in", now=now.timestamp())
    full_width = "".join(chr(ord(digit) + 0xFEE0) for digit in number)
    assert check_in(session, enrol_on_roster(organiser), confirmation=full_width, now=now)[1]


def test_confirmation_number_is_shown_beside_the_code_and_differs_per_session(client, organiser):
    session = new_session(organiser, confirmation_required=True)
    other = new_session(organiser, confirmation_required=True)
    client.force_login(admin_of(organiser))
    screen = client.get(reverse("coverage:session_screen", args=[session.pk, "in"]))
    assert 'data-testid="confirmation-number"' in screen.text
    shown = client.get(reverse("coverage:session_qr", args=[session.pk, "in"])).json()
    assert tokens.confirmation_check(session, "in", shown["number"])
    numbers = {tokens.confirmation_number(s, "in", now=1_800_000_000) for s in (session, other)}
    assert len(numbers) == 2
    plain = new_session(organiser)
    assert "number" not in client.get(reverse("coverage:session_qr", args=[plain.pk, "in"])).json()


# Far apart within minutes


def test_check_ins_far_apart_within_minutes_are_both_flagged_with_distance_and_interval(
    organiser,
):
    session = new_session(organiser)
    now = timezone.now()
    in_hall, _ = check_in(
        session, enrol_on_roster(organiser), location=IN_THE_HALL, device="a", now=now
    )
    at_home, _ = check_in(
        session,
        enrol_on_roster(organiser),
        location=ACROSS_TOWN,
        device="b",
        now=now + datetime.timedelta(seconds=40),
    )
    assert Attendance.Flag.FAR_APART in at_home.flags
    details = at_home.flag_details["far_apart"]
    assert details["attendance"] == in_hall.pk and details["seconds"] == 40
    assert 9_000 < details["distance_m"] < 11_000
    in_hall.refresh_from_db()
    assert Attendance.Flag.FAR_APART in in_hall.flags
    assert in_hall.flag_details["far_apart"]["attendance"] == at_home.pk


def test_check_ins_near_each_other_or_far_apart_in_time_are_not_flagged(organiser):
    session = new_session(organiser)
    now = timezone.now()
    check_in(session, enrol_on_roster(organiser), location=IN_THE_HALL, device="a", now=now)
    near, _ = check_in(
        session, enrol_on_roster(organiser), location=NEXT_STREET, device="b", now=now
    )
    assert Attendance.Flag.FAR_APART not in near.flags
    later = now + FAR_APART_WINDOW + datetime.timedelta(minutes=1)
    late, _ = check_in(
        session, enrol_on_roster(organiser), location=ACROSS_TOWN, device="c", now=later
    )
    assert Attendance.Flag.FAR_APART not in late.flags
    assert not Attendance.objects.filter(flag_details__has_key="far_apart").exists()


def test_far_apart_flags_only_within_one_session(organiser):
    first, second = new_session(organiser), new_session(organiser)
    check_in(first, enrol_on_roster(organiser), location=IN_THE_HALL, device="a")
    other, _ = check_in(second, enrol_on_roster(organiser), location=ACROSS_TOWN, device="b")
    assert Attendance.Flag.FAR_APART not in other.flags


def test_far_apart_is_shown_to_the_organiser_with_its_evidence(client, organiser):
    session = new_session(organiser)
    check_in(session, enrol_on_roster(organiser), location=IN_THE_HALL, device="a")
    check_in(session, enrol_on_roster(organiser), location=ACROSS_TOWN, device="b")
    client.force_login(admin_of(organiser))
    page = client.get(session.get_absolute_url()).text
    assert page.count('data-testid="far-apart"') == 2
