import pytest
from django.db import connection

from config.celery import app as celery_app

pytestmark = pytest.mark.django_db


def test_healthy_when_database_and_broker_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_a_load_balancer_probing_a_node_by_its_address_is_answered(client, settings):
    settings.ALLOWED_HOSTS = ["gsyf.example.cn"]

    assert client.get("/healthz", HTTP_HOST="10.0.0.5").status_code == 200
    # Pages still refuse a host they do not serve.
    assert client.get("/", HTTP_HOST="10.0.0.5").status_code == 400


@pytest.fixture
def broker_down():
    # Nothing listens on port 1: the broker is unreachable, as when Redis has stopped.
    original = celery_app.conf.broker_url, celery_app.conf.broker_write_url
    celery_app.conf.broker_url = celery_app.conf.broker_write_url = "redis://127.0.0.1:1/0"
    yield
    celery_app.conf.broker_url, celery_app.conf.broker_write_url = original


@pytest.fixture
def database_down():
    original = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = "/nonexistent/dir/db.sqlite3"
    else:
        connection.settings_dict["PORT"] = "1"
    yield
    connection.close()
    connection.settings_dict.update(original)


def test_unavailable_when_the_broker_is_down(client, broker_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"] == "down"
    assert response.json()["database"] == "ok"


@pytest.mark.django_db(transaction=True)
def test_unavailable_when_the_database_is_down(client, database_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "down"
