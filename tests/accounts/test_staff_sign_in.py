import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_staff_signs_in_with_email_and_password(client):
    staff = UserFactory(email="officer@example.cn", password="s3cret-passphrase")
    response = client.post(
        reverse("accounts:staff_login"),
        {"username": "officer@example.cn", "password": "s3cret-passphrase"},
    )
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == staff.pk


def test_repeated_wrong_passwords_are_rate_limited(client):
    UserFactory(email="officer@example.cn", password="s3cret-passphrase")
    url = reverse("accounts:staff_login")
    for _ in range(5):
        client.post(url, {"username": "officer@example.cn", "password": "wrong"})
    response = client.post(url, {"username": "officer@example.cn", "password": "s3cret-passphrase"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "too many" in response.text.lower() or "过多" in response.text


def test_editor_reaches_the_wagtail_admin(client, django_user_model):
    from django.contrib.auth.models import Group

    editor = UserFactory(email="editor@example.cn", password="s3cret-passphrase")
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    assert client.get("/admin/").status_code == 200


def test_worker_cannot_enter_the_wagtail_admin(client):
    client.force_login(UserFactory())
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response.url
