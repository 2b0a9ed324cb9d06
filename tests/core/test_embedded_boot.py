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


def test_worker_builds_release_files_after_publishing(portal_server):
    """load_demo published the datasets; the worker, through the filesystem broker, prepares
    each release's download files."""
    deadline = time.monotonic() + 90
    url = f"{portal_server.url}/api/v1/datasets/element-sets/releases/"
    while time.monotonic() < deadline:
        files = httpx.get(url).json()["results"][-1]["files"]
        if {f["format"] for f in files} == {"csv", "json", "xml", "tle"}:
            download = httpx.get(files[0]["url"])
            assert download.status_code == 200 and download.content[:2] == b"\x1f\x8b"
            return
        time.sleep(1)
    raise AssertionError(f"release files not built:\n{portal_server.log()[-4000:]}")


def test_the_demo_partner_source_syncs_through_the_worker(portal_server):
    """`run` serves the fixtures as a local partner; a sync of the demo source, queued like
    "sync now", is run by the worker through the filesystem broker and recorded."""
    queue = (
        "from apps.partners.models import SyncSource; from apps.partners.services import sync_now;"
        " print(sync_now(SyncSource.objects.get(slug='demo-partner-stations')).pk)"
    )
    run_id = manage(portal_server.var_dir, "shell", "--verbosity=0", "-c", queue).stdout.strip()
    status = (
        f"from apps.partners.models import SyncRun; r = SyncRun.objects.get(pk={run_id}); "
        "print(r.status, r.http_status, r.received, r.error)"
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        line = manage(portal_server.var_dir, "shell", "--verbosity=0", "-c", status).stdout
        if line.split()[0] not in ("queued", "running"):
            assert line.split()[:3] in (["succeeded", "200", "25"], ["not_modified", "304", "0"]), (
                line
            )
            return
        time.sleep(1)
    raise AssertionError(
        f"the demo sync did not finish within 90 s:\n{portal_server.log()[-4000:]}"
    )
