"""`make run`'s path: SQLite and a filesystem broker, no servers; web, worker and beat start."""

import time

import httpx

from tests.portal_server import manage


def test_home_page_answers(portal_server):
    response = httpx.get(f"{portal_server.url}/", follow_redirects=True)
    assert response.status_code == 200
    assert response.url.path == "/en/"
    assert "Orbital Commons" in response.text


def test_static_files_are_served(portal_server):
    assert httpx.get(f"{portal_server.url}/static/core/site.css").status_code == 200


def test_health_is_green_on_embedded_defaults(portal_server):
    body = httpx.get(f"{portal_server.url}/health/").json()
    assert body["status"] == "ok", body


def test_beat_and_worker_run_scheduled_tasks(portal_server):
    """Beat queues the heartbeat through the filesystem broker; the worker records it."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        body = httpx.get(f"{portal_server.url}/health/").json()
        if body["worker_heartbeat_seconds_ago"] is not None:
            return
        time.sleep(1)
    raise AssertionError(f"no heartbeat within 60 s:\n{portal_server.log()[-4000:]}")


def test_load_demo_is_idempotent(portal_server):
    count = (
        "from wagtail.models import Page; from apps.accounts.models import User; "
        "print(Page.objects.count(), User.objects.count())"
    )
    before = manage(portal_server.var_dir, "shell", "--verbosity=0", "-c", count).stdout
    manage(portal_server.var_dir, "load_demo", "--skip-courses")  # as the fixture loaded it
    after = manage(portal_server.var_dir, "shell", "--verbosity=0", "-c", count).stdout
    assert before == after
