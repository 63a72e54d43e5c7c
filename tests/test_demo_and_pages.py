import pytest
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings

from accounts.models import User
from coverage.models import Enterprise, Industry, Membership, Region

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
    assert Industry.objects.filter(is_key=True).count() == 5
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
