import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from coverage.designations.selectors import industries_key
from coverage.models import Enterprise, Industry, Membership, Region, TrainingSession
from demo.installers.coverage import (
    DEMO_ORGANISER,
    demo_sessions_install,
)

pytestmark = pytest.mark.django_db


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Region, Industry, Enterprise, User, Membership)
    }


@pytest.fixture(scope="module")
def demo_media(tmp_path_factory):
    return tmp_path_factory.mktemp("demo-media")


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup, django_db_blocker, demo_media):
    # Loaded once for the module (it takes seconds) in a transaction rolled back after its last
    # test; each test runs in a savepoint within it, as Django's TestCase.setUpTestData does.
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=demo_media):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("load_demo", verbosity=0)
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def demo(demo_loaded, db, settings, demo_media):
    # The demo's pictures were made once: renditions must find them.
    settings.MEDIA_ROOT = demo_media


def test_demo_data_covers_jilin_and_every_role(demo):
    assert Region.objects.get(code="220000").name == "吉林省"
    assert Region.objects.filter(level=Region.Level.CITY).count() == 9
    assert Region.objects.filter(level=Region.Level.ZONE).count() == 3
    assert Region.objects.filter(parent__code="220100").count() >= 10
    assert Region.objects.get(code="220184").parent.code == "220100"  # 公主岭市 since 2020
    assert industries_key().count() == 5
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {"enterprise_admin", "institution_admin", "regulator"}
    assert User.objects.filter(groups__name="Editors").exists()


def test_loading_the_demo_twice_changes_nothing(demo):
    before = counts()
    call_command("load_demo", verbosity=0)
    assert counts() == before


def test_home_page_is_served_in_chinese_by_default(demo, client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in response.text
    assert "吉林省工伤预防培训平台" in response.text
    assert "登录" in response.text


def test_language_switch_changes_the_interface_to_english(demo, client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    response = client.get("/")
    assert '<html lang="en">' in response.text
    assert "Sign in" in response.text


def test_sign_in_page_speaks_chinese(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "手机号" in response.text
    assert "获取验证码" in response.text


def demo_sessions():
    sessions = TrainingSession.objects.filter(organiser__credit_code=DEMO_ORGANISER)
    return sessions.order_by("starts_at")


def test_demo_has_a_session_running_one_later_one_just_ended_and_one_past(demo):
    now = timezone.now()
    sessions = list(demo_sessions())
    running = [s for s in sessions if s.starts_at <= now < s.ends_at]
    later = [s for s in sessions if s.starts_at > now]
    ended = [s for s in sessions if s.ends_at <= now]
    assert len(running) == 1 and running[0].ends_at - now >= datetime.timedelta(minutes=30)
    assert len(later) == 1 and later[0].starts_at - now < datetime.timedelta(days=1)
    assert len(ended) == 2
    assert now - ended[-1].ends_at < datetime.timedelta(hours=12)
    assert now - ended[0].ends_at > datetime.timedelta(days=7)
    assert all(a.verified_at for s in ended for a in s.attendances.all())
    assert running[0].attendances.exists()


@pytest.mark.parametrize("hour, minute", [(23, 10), (0, 5), (7, 45), (20, 30)])
def test_demo_check_in_walkthrough_works_at_any_hour(demo, client, hour, minute):
    """The README's walkthrough when the demo is loaded again at any hour of a later day: a
    session runs then for a while yet, the organiser finds it and can show its code, and the
    sessions of earlier loads are under the ended tab."""
    day = timezone.localdate() + datetime.timedelta(days=2)
    now = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))
    before = demo_sessions().count()
    demo_sessions_install(now=now)
    assert demo_sessions().count() == before + 2  # a running one and a later one
    demo_sessions_install(now=now)
    assert demo_sessions().count() == before + 2
    (running,) = demo_sessions().filter(starts_at__lte=now, ends_at__gt=now)
    assert running.ends_at - now >= datetime.timedelta(minutes=30)
    assert demo_sessions().filter(starts_at__gt=now).count() == 1

    with time_machine.travel(now, tick=False):
        client.force_login(User.objects.get(memberships__enterprise=running.organiser))
        current = client.get(reverse("coverage:session_list"))
        assert f'href="{running.get_absolute_url()}"' in current.text
        assert 'data-status="running"' in current.text
        past = client.get(reverse("coverage:session_list") + "?view=past")
        assert len(past.context["sessions"]) == before
        screen = client.get(reverse("coverage:session_qr", args=[running.pk, "in"]))
        assert screen.status_code == 200
