import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from coverage.models import (
    Attendance,
    AttendanceChange,
    Enterprise,
    Membership,
    Person,
    Role,
    RosterEntry,
    TrainingRecord,
    TrainingSession,
    TrainingTarget,
)
from coverage.selectors import coverage_totals
from coverage.services import person_save, training_target_default
from coverage.sessions import tokens as checkin_tokens
from coverage.sessions.services import (
    attendance_check_in,
    attendance_manual_add,
    attendance_remove,
    sessions_verify_ended,
)
from tests.factories import EnterpriseFactory, MembershipFactory, UserFactory
from tests.helpers.identities import id_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(jilin):
    training_target_default()
    # Sessions happen now, so they count toward the period that contains today.
    target = TrainingTarget.objects.create(
        code="plan-2026-2030",
        name="2026—2030",
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2030, 12, 31),
    )
    organiser = EnterpriseFactory(region=jilin["220102"], name="组织企业")
    other = EnterpriseFactory(region=jilin["220103"], name="其他企业")
    now = timezone.now()
    session = TrainingSession.objects.create(
        organiser=organiser,
        title="安全生产集中培训",
        venue="南关区会议中心",
        region=jilin["220102"],
        latitude=43.8868,
        longitude=125.3245,
        starts_at=now - datetime.timedelta(minutes=10),
        ends_at=now + datetime.timedelta(minutes=80),
        min_minutes=60,
    )
    session.targets.add(target)
    # No phone on the roster: any account binds at once (a roster phone that is not the
    # account's waits for the enterprise: tests/coverage/test_identity_binding.py).
    worker, _ = person_save(id_number=id_number(1), name="张三")
    RosterEntry.objects.create(
        person=worker,
        enterprise=organiser,
        role=Role.TEAM_LEADER,
        start_date=datetime.date(2021, 1, 1),
    )
    outsider, _ = person_save(id_number=id_number(2), name="李四")
    RosterEntry.objects.create(
        person=outsider, enterprise=other, role=Role.MANAGER, start_date=datetime.date(2021, 1, 1)
    )
    return {
        "target": target,
        "organiser": organiser,
        "other": other,
        "session": session,
        "worker": worker,
        "outsider": outsider,
    }


def scan_url(session, direction="in", token=None):
    token = token or checkin_tokens.rotating_token(session, direction)
    return reverse("coverage:checkin_scan", args=[session.pk, direction, token])


def bind(client, name, id_number):
    return client.post(reverse("coverage:identity_bind"), {"name": name, "id_number": id_number})


def test_scan_sign_in_bind_and_check_in(client, setting):
    session = setting["session"]
    response = client.get(scan_url(session))
    assert response.status_code == 302
    confirm = response.url
    response = client.get(confirm)
    assert response.status_code == 302 and reverse("account_login") in response.url

    user = UserFactory(phone="+8613800000001")
    client.force_login(user)
    response = client.get(confirm)
    assert response.url.startswith(reverse("coverage:identity_bind"))
    response = client.post(response.url, {"name": "张三", "id_number": id_number(1).lower()})
    assert response.status_code == 302 and response.url == confirm
    assert Person.objects.get(user=user) == setting["worker"]

    assert "安全生产集中培训" in client.get(confirm).text
    response = client.post(confirm, {"latitude": "43.8870", "longitude": "125.3240"})
    assert response.status_code == 302
    done = client.get(response.url)
    attendance = Attendance.objects.get()
    assert done.context["attendance"] == attendance
    assert 'data-testid="checkin-time"' in done.text
    assert attendance.person == setting["worker"]
    assert attendance.checkin_method == "rotating"
    assert attendance.distance_m < 100 and attendance.flags == []


def test_rescanning_shows_the_same_check_in(client, setting):
    session = setting["session"]
    user = UserFactory()
    client.force_login(user)
    bind(client, "张三", id_number(1))
    confirm = client.get(scan_url(session)).url
    client.post(confirm)
    first = Attendance.objects.get()

    response = client.get(client.get(scan_url(session)).url)
    assert response.context["attendance"] == first
    client.post(confirm)
    client.post(confirm)
    assert Attendance.objects.count() == 1


def test_expired_token_is_refused_without_detail(client, setting):
    session = setting["session"]
    old = checkin_tokens.rotating_token(session, "in", now=timezone.now().timestamp() - 60)
    response = client.get(scan_url(session, token=old))
    assert response.status_code == 403
    assert "过期" in response.text or "expired" in response.text
    forged = client.get(scan_url(session, token="abcdefghijklmnop"))
    unknown = client.get(reverse("coverage:checkin_scan", args=[999999, "in", "abcdefghijklmnop"]))
    assert forged.status_code == unknown.status_code == 403
    assert strip_csrf(forged.text) == strip_csrf(unknown.text)
    assert Attendance.objects.count() == 0


def strip_csrf(html):
    return re.sub(r'value="[^"]{20,}"', "", html)


def test_scan_kept_for_sign_in_but_not_forever(client, setting, settings):
    import time_machine

    session = setting["session"]
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        confirm = client.get(scan_url(session)).url
        traveller.shift(datetime.timedelta(minutes=11))
        client.force_login(UserFactory())
        bind(client, "张三", id_number(1))
        response = client.get(confirm)
    assert "coverage/checkin_refused.html" in [t.name for t in response.templates]


def test_session_not_open_or_closed(client, setting):
    session = setting["session"]
    session.starts_at = timezone.now() + datetime.timedelta(hours=2)
    session.ends_at = session.starts_at + datetime.timedelta(hours=2)
    session.save()
    response = client.get(scan_url(session))
    assert "尚未开始" in response.text or "not opened" in response.text
    session.starts_at = timezone.now() - datetime.timedelta(hours=3)
    session.ends_at = timezone.now() - datetime.timedelta(hours=1)
    session.save()
    response = client.get(scan_url(session))
    assert "已结束" in response.text or "closed" in response.text


def test_person_not_invited_is_refused(client, setting):
    client.force_login(UserFactory())
    bind(client, "李四", id_number(2))
    confirm = client.get(scan_url(setting["session"])).url
    response = client.post(confirm)
    assert response.status_code == 200
    assert "不在本次培训" in response.text or "not among" in response.text
    assert Attendance.objects.count() == 0


def test_binding_refusals_do_not_reveal_the_roster(client, setting):
    client.force_login(UserFactory())
    wrong_name = bind(client, "王五", id_number(1))
    unknown_id = bind(client, "王五", id_number(77))
    first = re.search(r'role="alert">(.*?)</div>', wrong_name.text, re.S).group(1)
    second = re.search(r'role="alert">(.*?)</div>', unknown_id.text, re.S).group(1)
    assert first == second
    assert not Person.objects.filter(user__isnull=False).exists()


def test_identity_is_never_rebound_silently(client, setting):
    owner = UserFactory()
    client.force_login(owner)
    bind(client, "张三", id_number(1))
    other = client.__class__()
    other.force_login(UserFactory())
    response = bind(other, "张三", id_number(1))
    assert response.status_code == 200
    assert Person.objects.get(pk=setting["worker"].pk).user == owner
    # The bound account keeps its identity whatever it submits later.
    bind(client, "李四", id_number(2))
    assert Person.objects.get(user=owner) == setting["worker"]


def test_binding_attempts_are_rate_limited(client, setting):
    user = UserFactory()
    client.force_login(user)
    for n in range(5):
        bind(client, "错误", id_number(50 + n))
    response = bind(client, "张三", id_number(1))
    assert not Person.objects.filter(user=user).exists()
    assert response.status_code == 200


def test_one_phone_checking_in_several_people_is_flagged(setting):
    session = setting["session"]
    second, _ = person_save(id_number=id_number(3), name="王五")
    RosterEntry.objects.create(
        person=second,
        enterprise=setting["organiser"],
        role=Role.OTHER,
        start_date=datetime.date(2021, 1, 1),
    )
    first_attendance, _ = attendance_check_in(
        session=session,
        person=setting["worker"],
        method="rotating",
        device="phone-1",
        ip_address="10.0.0.1",
    )
    attendance_check_in(
        session=session, person=second, method="rotating", device="phone-1", ip_address="10.0.0.1"
    )
    first_attendance.refresh_from_db()
    assert "shared_device" in first_attendance.flags
    assert all("shared_device" in a.flags for a in Attendance.objects.all())
    assert not any("shared_ip" in a.flags for a in Attendance.objects.all())


def test_check_in_far_from_the_venue_is_flagged(setting):
    from coverage.sessions.services import Location

    attendance, _ = attendance_check_in(
        session=setting["session"],
        person=setting["worker"],
        method="rotating",
        location=Location(39.9042, 116.4074),  # Beijing
    )
    assert "far_from_venue" in attendance.flags
    assert attendance.distance_m > 800_000


def test_static_code_check_in_is_marked(client, setting):
    session = setting["session"]
    client.force_login(UserFactory())
    bind(client, "张三", id_number(1))
    confirm = client.get(scan_url(session, token=checkin_tokens.static_token(session, "in"))).url
    client.post(confirm)
    attendance = Attendance.objects.get()
    assert attendance.checkin_method == "static"
    assert "static_code" in attendance.flags


def test_verified_attendance_counts_toward_coverage_at_once(setting):
    session = setting["session"]
    attendance_check_in(session=session, person=setting["worker"], method="rotating")
    organiser_only = Enterprise.objects.filter(pk=setting["organiser"].pk)
    assert coverage_totals(target=setting["target"], enterprises=organiser_only).covered == 0

    assert sessions_verify_ended(now=session.ends_at + datetime.timedelta(minutes=61)) == 1
    attendance = Attendance.objects.get()
    assert attendance.verified_at and attendance.record.source_key == f"session:{session.pk}"
    assert coverage_totals(target=setting["target"], enterprises=organiser_only).covered == 1
    assert sessions_verify_ended(now=session.ends_at + datetime.timedelta(hours=3)) == 0
    assert TrainingRecord.objects.count() == 1


def test_late_arrival_without_enough_minutes_is_not_verified(setting):
    session = setting["session"]
    attendance_check_in(
        session=session,
        person=setting["worker"],
        method="rotating",
        now=session.ends_at - datetime.timedelta(minutes=20),
    )
    sessions_verify_ended(now=session.ends_at + datetime.timedelta(hours=2))
    assert Attendance.objects.get().verified_at is None
    assert TrainingRecord.objects.count() == 0


def test_check_out_required(client, setting):
    session = setting["session"]
    session.checkout_required = True
    session.save()
    user = UserFactory()
    client.force_login(user)
    bind(client, "张三", id_number(1))
    client.post(client.get(scan_url(session)).url)
    assert Attendance.objects.get().checked_out_at is None
    import time_machine

    with time_machine.travel(session.ends_at - datetime.timedelta(minutes=1), tick=False):
        confirm = client.get(scan_url(session, "out")).url
        client.post(confirm)
    attendance = Attendance.objects.get()
    assert attendance.checked_out_at is not None
    assert attendance.verified_at is not None


def test_manual_changes_are_audited_and_undo_the_training(setting):
    session = setting["session"]
    organiser_admin = MembershipFactory(enterprise=setting["organiser"]).user
    attendance = attendance_manual_add(
        session=session, id_number=id_number(1), user=organiser_admin, reason="手机没电"
    )
    assert attendance.checkin_method == "manual"
    sessions_verify_ended(now=session.ends_at + datetime.timedelta(hours=2))
    attendance.refresh_from_db()
    assert attendance.record is not None
    attendance_remove(attendance=attendance, user=organiser_admin, reason="未到场")
    assert TrainingRecord.objects.count() == 0
    assert list(AttendanceChange.objects.values_list("action", "reason")) == [
        ("remove", "未到场"),
        ("add", "手机没电"),
    ]


def test_organiser_pages_are_for_the_organiser(client, setting):
    session = setting["session"]
    other_admin = MembershipFactory(enterprise=setting["other"]).user
    client.force_login(other_admin)
    for name in ("session_detail", "session_edit"):
        assert client.get(reverse(f"coverage:{name}", args=[session.pk])).status_code == 404
    for name in ("session_screen", "session_qr", "session_print"):
        assert client.get(reverse(f"coverage:{name}", args=[session.pk, "in"])).status_code == 404


def test_regulator_sees_sessions_in_scope_but_cannot_show_codes(client, setting, jilin):
    regulator = MembershipFactory(
        role=Membership.Role.REGULATOR, enterprise=None, region=jilin["220100"]
    ).user
    client.force_login(regulator)
    session = setting["session"]
    assert client.get(reverse("coverage:session_detail", args=[session.pk])).status_code == 200
    assert client.get(reverse("coverage:session_qr", args=[session.pk, "in"])).status_code == 404
    far = MembershipFactory(
        role=Membership.Role.REGULATOR, enterprise=None, region=jilin["220200"]
    ).user
    client.force_login(far)
    assert client.get(reverse("coverage:session_detail", args=[session.pk])).status_code == 404


def test_organiser_screen_shows_a_working_code_and_the_count(client, setting):
    session = setting["session"]
    client.force_login(MembershipFactory(enterprise=setting["organiser"]).user)
    data = client.get(reverse("coverage:session_qr", args=[session.pk, "in"])).json()
    assert data["svg"].startswith("<svg") and data["count"] == 0
    path = data["url"].split("testserver", 1)[1]
    worker = client.__class__()
    worker.force_login(UserFactory())
    bind(worker, "张三", id_number(1))
    worker.post(worker.get(path).url)
    assert client.get(reverse("coverage:session_qr", args=[session.pk, "in"])).json()["count"] == 1


def test_organiser_creates_a_session(client, setting, jilin):
    client.force_login(MembershipFactory(enterprise=setting["organiser"]).user)
    response = client.post(
        reverse("coverage:session_create", args=[setting["organiser"].credit_code]),
        {
            "title": "班组长专题培训",
            "venue": "二楼会议室",
            "region": jilin["220102"].pk,
            "starts_at": "2026-12-10T09:00",
            "ends_at": "2026-12-10T11:00",
            "min_minutes": 90,
            "hours": "2",
            "audience": "roster",
            "targets": [setting["target"].pk],
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    created = TrainingSession.objects.get(title="班组长专题培训")
    assert timezone.localtime(created.starts_at).hour == 9
    assert list(created.targets.all()) == [setting["target"]]


def test_session_form_rejects_impossible_minimum(client, setting, jilin):
    client.force_login(MembershipFactory(enterprise=setting["organiser"]).user)
    response = client.post(
        reverse("coverage:session_create", args=[setting["organiser"].credit_code]),
        {
            "title": "x",
            "venue": "y",
            "region": jilin["220102"].pk,
            "starts_at": "2026-12-10T09:00",
            "ends_at": "2026-12-10T10:00",
            "min_minutes": 90,
            "hours": "1",
            "audience": "roster",
        },
    )
    assert response.status_code == 200
    assert "min_minutes" in response.context["form"].errors


def test_attendance_export_is_logged(client, setting):
    from coverage.models import AuditLog

    attendance_check_in(session=setting["session"], person=setting["worker"], method="rotating")
    client.force_login(MembershipFactory(enterprise=setting["organiser"]).user)
    response = client.get(
        reverse("coverage:session_detail", args=[setting["session"].pk]) + "?export=xlsx"
    )
    assert response.status_code == 200
    assert AuditLog.objects.get().rows == 1


def test_session_list_and_calendar(client, setting, django_assert_max_num_queries):
    client.force_login(MembershipFactory(enterprise=setting["organiser"]).user)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("coverage:session_list"))
    assert "安全生产集中培训" in response.text
    month = timezone.localtime(setting["session"].starts_at).strftime("%Y-%m")
    response = client.get(reverse("coverage:session_list") + f"?view=calendar&month={month}")
    assert "安全生产集中培训" in response.text


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_periodic_verification_runs_on_a_real_worker(celery_worker_process, setting):
    from coverage.sessions.tasks import sessions_verify_ended_task

    session = setting["session"]
    session.starts_at -= datetime.timedelta(hours=4)
    session.ends_at -= datetime.timedelta(hours=3)
    session.save()
    attendance_check_in(
        session=session, person=setting["worker"], method="rotating", now=session.starts_at
    )
    assert sessions_verify_ended_task.delay().get(timeout=60) == 1
    assert Attendance.objects.get().verified_at is not None
