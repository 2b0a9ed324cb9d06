import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_health_reports_database_cache_and_broker(client):
    response = client.get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker"}
    assert all(check["ok"] for check in body["checks"].values())
    assert response["Cache-Control"].startswith("max-age=0")


def test_health_fails_when_the_broker_is_unreachable(client, monkeypatch):
    from portal.celery import app

    unreachable = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    # Celery prefers the environment variable over its configuration: change both.
    monkeypatch.setenv("CELERY_BROKER_URL", unreachable)
    monkeypatch.setattr(app.conf, "broker_url", unreachable)
    response = client.get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["broker"]["ok"] is False
    assert "127.0.0.1" not in response.content.decode()  # no connection details leak


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
)
def test_health_fails_when_the_cache_is_unreachable(client):
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"]["ok"] is False


def test_health_reports_the_worker_heartbeat(client):
    from apps.core.tasks import heartbeat

    assert client.get("/health/").json()["worker_heartbeat_seconds_ago"] is None
    heartbeat()
    assert client.get("/health/").json()["worker_heartbeat_seconds_ago"] == 0


def test_health_is_get_only(client):
    assert client.post("/health/").status_code == 405
