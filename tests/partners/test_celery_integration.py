"""Partner syncs through a real Celery worker and a real beat, started as subprocesses on the
test database: scheduled runs happen, overlapping triggers run once, a worker killed mid-run
publishes nothing and leaves a run the reaper ends, and a killed pool child's message comes
back at once and runs afresh.

The subprocess tests need PostgreSQL (the test process and the workers share the test
database; SQLite cannot be shared safely) and Redis as the broker, as CI provides; elsewhere
they skip. The task's redelivery handling is tested directly, on any database."""

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone

from apps.accounts.models import Organisation
from apps.datasets.demo import demo_datasets_ensure
from apps.datasets.models import Dataset, ElementSet, Release
from apps.partners.locks import LOCK_CLASS
from apps.partners.models import SyncRun, SyncSource
from apps.partners.reaper import stale_runs_reap
from apps.partners.services import source_save, sync_now
from apps.partners.tasks import sync_source

ROOT = Path(__file__).resolve().parents[2]
STATIONS = "gp_json/celestrak_gp_stations_2025-05-25.json"
WAIT = 60  # seconds any one awaited outcome may take
REAPED = "stopped before it finished (reaped)"


def _services_missing() -> str:
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return (
            "needs DATABASE_URL=postgres://…: the worker subprocesses share pytest-django's "
            "test database, which SQLite cannot do safely"
        )
    if urlsplit(settings.CELERY_BROKER_URL).scheme not in ("redis", "rediss"):
        return "needs CELERY_BROKER_URL=redis://…, the broker production uses"
    return ""


services = pytest.mark.skipif(bool(_services_missing()), reason=_services_missing() or "-")


# ----------------------------------------------------------------------------- processes


@dataclass
class CeleryProcess:
    name: str
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-6000:]

    def kill(self) -> None:
        """SIGKILL the whole process group: the main process and its prefork children."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """Warm shutdown (running tasks finish), then SIGKILL to whatever is left of the
        group, children that outlived their parent included."""
        with contextlib.suppress(ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


def _wait_for(condition: Callable, what: str, timeout: float = WAIT, log: Callable = str):
    """Poll until `condition()` is truthy; its value, or AssertionError naming `what`."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}\n{log()}")
        time.sleep(0.2)


def _celery_env(var_dir: Path) -> dict[str, str]:
    """This process's settings, with the database pointed at pytest-django's test database."""
    test_db = connection.settings_dict["NAME"]
    database_url = urlsplit(os.environ["DATABASE_URL"])._replace(path="/" + quote(test_db))
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE,
        "DATABASE_URL": database_url.geturl(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "PORTAL_VAR_DIR": str(var_dir),  # release files the worker builds stay out of var/
    }


def broker_purge() -> None:
    """Empty the default queue and forget unacknowledged messages (a killed worker's), so
    nothing queued by one test, or by earlier tests of the suite, reaches another."""
    from portal.celery import app

    with app.connection_for_write() as conn:
        channel = conn.default_channel
        channel.queue_purge(app.conf.task_default_queue)
        channel.client.delete(
            channel.unacked_key, channel.unacked_index_key, channel.unacked_mutex_key
        )


@pytest.fixture(scope="module")
def _database_restored(django_db_setup, django_db_blocker) -> Iterator[None]:
    """pytest-django empties the database after each transactional test: put back what was
    there before these (migrations' rows, the session's home pages), for the tests after
    them and for the next `--reuse-db` run."""
    with django_db_blocker.unblock():
        contents = connection.creation.serialize_db_to_string()
    yield
    with django_db_blocker.unblock():
        # Without the post_migrate rows the last flush re-created (they are in `contents`).
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
        connection.creation.deserialize_db_from_string(contents)


@pytest.fixture
def celery(_database_restored, tmp_path) -> Iterator[Callable[..., CeleryProcess]]:
    """Starts `worker` or `beat` subprocesses on the test database; all stop at teardown,
    before pytest-django empties the database."""
    started: list[CeleryProcess] = []
    broker_purge()

    def start(kind: str, *args: str) -> CeleryProcess:
        name = f"{kind}-{uuid.uuid4().hex[:8]}"
        log_path = tmp_path / f"{name}.log"
        command = [sys.executable, "-m", "celery", "-A", "portal", kind, "--loglevel=INFO"]
        if kind == "worker":
            command += [
                f"--hostname={name}@%h",
                "--pool=prefork",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ]
        else:
            command += ["--max-interval=1"]
        with log_path.open("w") as log:
            process = subprocess.Popen(
                [*command, *args],
                cwd=ROOT,
                env=_celery_env(tmp_path),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        started.append(celery_process := CeleryProcess(name, process, log_path))
        ready = "ready." if kind == "worker" else "beat: Starting"

        def is_ready() -> bool:
            if process.poll() is not None:
                raise AssertionError(f"{name} exited early:\n{celery_process.log()}")
            return ready in celery_process.log()

        _wait_for(is_ready, f"{name} ready", log=celery_process.log)
        return celery_process

    yield start
    for celery_process in reversed(started):  # beat before the worker it feeds
        celery_process.stop()
    broker_purge()


# ----------------------------------------------------------------------------- data


def _source(url: str, **fields) -> SyncSource:
    _, elements = demo_datasets_ensure()
    partner, _ = Organisation.objects.get_or_create(
        slug="integration-partner", defaults={"name": "Integration Partner", "is_partner": True}
    )
    return source_save(
        SyncSource(
            slug=f"stations-{uuid.uuid4().hex[:8]}",
            name="Stations (GP JSON)",
            organisation=partner,
            dataset=elements,
            url=url,
            adapter="omm_json",
            read_timeout=30,
            **fields,
        )
    )


def _releases(dataset: Dataset) -> int:
    return Release.objects.filter(dataset=dataset).count()


def _finished(*runs: SyncRun) -> bool:
    for run in runs:
        run.refresh_from_db()
    return all(run.status in SyncRun.FINISHED for run in runs)


# ----------------------------------------------------------------------------- subprocesses


@services
@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_beat_triggers_scheduled_runs_that_the_worker_publishes(celery, partner_server):
    from django_celery_beat.models import IntervalSchedule

    source = _source(partner_server.url(f"/files/{STATIONS}"), every_minutes=1)
    # Beat intervals below a minute cannot be set on a source; the test needs a faster one.
    fast, _ = IntervalSchedule.objects.get_or_create(every=2, period=IntervalSchedule.SECONDS)
    task = source.periodic_task
    task.interval = fast
    task.save()
    worker = celery("worker", "--concurrency=1")
    beat = celery("beat")

    def scheduled_success() -> SyncRun | None:
        return SyncRun.objects.filter(
            source=source, trigger=SyncRun.Trigger.SCHEDULE, status=SyncRun.Status.SUCCEEDED
        ).first()

    run = _wait_for(
        scheduled_success,
        "a scheduled run that succeeded",
        log=lambda: beat.log() + "\n" + worker.log(),
    )
    assert run.release is not None
    assert run.release.dataset_id == source.dataset_id
    assert run.release.source == Release.Source.SYNC
    assert f"sync {source.slug}, run {run.pk}" == run.release.source_detail
    assert run.received == run.valid == run.added > 0
    assert ElementSet.objects.filter(appeared_in=run.release).count() == run.added


@services
@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_overlapping_sync_now_runs_once(celery, partner_server):
    source = _source(partner_server.url(f"/slow/5/files/{STATIONS}"))
    releases = _releases(source.dataset)
    worker = celery("worker", "--concurrency=2")

    first, second = sync_now(source), sync_now(source)
    _wait_for(lambda: _finished(first, second), "both runs finished", log=worker.log)

    runs = sorted([first, second], key=lambda run: run.status)
    skipped, succeeded = runs
    assert [run.status for run in runs] == [SyncRun.Status.SKIPPED, SyncRun.Status.SUCCEEDED]
    assert succeeded.release is not None and succeeded.added > 0
    assert skipped.release is None and skipped.started_at is None
    assert skipped.error == (
        f"Another run of this source is in progress (run {succeeded.pk}); not run twice."
    )
    assert _releases(source.dataset) == releases + 1
    assert len(partner_server.requests_to("/slow/")) == 1  # the skipped run never downloaded
    source.refresh_from_db()
    assert source.lease_run is None


@services
@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_sigkilled_worker_publishes_nothing_and_the_next_run_recovers(celery, partner_server):
    source = _source(partner_server.url(f"/slow/6/files/{STATIONS}"))
    releases = _releases(source.dataset)
    elements = ElementSet.objects.filter(dataset=source.dataset).count()
    worker = celery("worker", "--concurrency=1")

    run = sync_now(source)

    def mid_fetch() -> bool:
        run.refresh_from_db()
        return run.status == SyncRun.Status.RUNNING and bool(partner_server.requests_to("/slow/"))

    _wait_for(mid_fetch, "the run waiting on the partner", log=worker.log)
    worker.kill()

    run.refresh_from_db()
    assert run.status == SyncRun.Status.RUNNING and run.release is None
    assert _releases(source.dataset) == releases
    assert ElementSet.objects.filter(dataset=source.dataset).count() == elements
    # PostgreSQL frees the dead worker's advisory lock once it sees the connection gone.
    assert _wait_for(stale_runs_reap, "the reaper ending the dead run", timeout=30) == [run.pk]
    run.refresh_from_db()
    assert run.status == SyncRun.Status.FAILED
    assert REAPED in run.error and run.finished_at is not None
    source.refresh_from_db()
    assert source.lease_run is None

    worker = celery("worker", "--concurrency=1")
    recovery = sync_now(source)
    _wait_for(lambda: _finished(recovery), "the next run finished", log=worker.log)
    assert recovery.status == SyncRun.Status.SUCCEEDED, recovery.error
    assert recovery.release is not None and recovery.added > 0
    assert _releases(source.dataset) == releases + 1
    assert ElementSet.objects.filter(dataset=source.dataset).count() == elements + recovery.added


def _child_pids(pid: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text() if entry.name.isdigit() else ""
        except OSError:
            continue
        if stat and int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            children.append(int(entry.name))
    return children


@services
@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_killed_pool_child_is_redelivered_reaped_and_run_afresh(celery, partner_server):
    """The OOM killer's case: only the prefork child dies. The main process gives the
    message back at once (reject_on_worker_lost) and its redelivery finds the run RUNNING."""
    source = _source(partner_server.url(f"/slow/3/files/{STATIONS}"))
    releases = _releases(source.dataset)
    worker = celery("worker", "--concurrency=1")

    killed = sync_now(source)

    def mid_fetch() -> bool:
        killed.refresh_from_db()
        return killed.status == SyncRun.Status.RUNNING and bool(
            partner_server.requests_to("/slow/")
        )

    _wait_for(mid_fetch, "the run waiting on the partner", log=worker.log)
    (child,) = _child_pids(worker.process.pid)
    os.kill(child, signal.SIGKILL)

    def afresh() -> SyncRun | None:
        run = SyncRun.objects.filter(source=source).exclude(pk=killed.pk).first()
        return run if run is not None and _finished(run) else None

    fresh = _wait_for(afresh, "the redelivered run finished", log=worker.log)
    killed.refresh_from_db()
    assert killed.status == SyncRun.Status.FAILED and REAPED in killed.error
    assert killed.release is None
    assert fresh.trigger == SyncRun.Trigger.MANUAL
    assert fresh.status == SyncRun.Status.SUCCEEDED, fresh.error
    assert fresh.release is not None and fresh.added > 0
    assert SyncRun.objects.filter(source=source).count() == 2
    assert _releases(source.dataset) == releases + 1
    assert len(partner_server.requests_to("/slow/")) == 2


# ----------------------------------------------------------------------------- redelivery


@pytest.mark.django_db
def test_redelivered_message_for_a_finished_run_does_nothing(partner_server):
    source = _source(partner_server.url(f"/files/{STATIONS}"))
    run = SyncRun.objects.create(
        source=source,
        trigger=SyncRun.Trigger.MANUAL,
        status=SyncRun.Status.SUCCEEDED,
        started_at=timezone.now(),
        finished_at=timezone.now(),
    )
    releases = _releases(source.dataset)

    sync_source(source.pk, run.pk)

    assert list(SyncRun.objects.filter(source=source)) == [run]
    before = run.finished_at
    run.refresh_from_db()
    assert run.status == SyncRun.Status.SUCCEEDED and run.finished_at == before
    assert _releases(source.dataset) == releases
    assert partner_server.requests_to("/files/") == []


@pytest.mark.django_db
def test_redelivered_message_for_a_dead_run_reaps_it_and_runs_afresh(partner_server):
    source = _source(partner_server.url(f"/files/{STATIONS}"))
    started = timezone.now() - timedelta(minutes=5)
    dead = SyncRun.objects.create(
        source=source,
        trigger=SyncRun.Trigger.MANUAL,
        status=SyncRun.Status.RUNNING,
        started_at=started,
    )
    # The dead worker's lease: on PostgreSQL still running (the free advisory lock tells the
    # worker is gone); elsewhere the lease is all there is, so it has expired.
    postgresql = connection.vendor == "postgresql"
    lease = timedelta(minutes=30) if postgresql else -timedelta(seconds=1)
    SyncSource.objects.filter(pk=source.pk).update(
        lease_run=dead, lease_until=timezone.now() + lease
    )
    releases = _releases(source.dataset)

    sync_source(source.pk, dead.pk)

    dead.refresh_from_db()
    assert dead.status == SyncRun.Status.FAILED and REAPED in dead.error
    fresh = SyncRun.objects.filter(source=source).exclude(pk=dead.pk).get()
    assert fresh.trigger == SyncRun.Trigger.MANUAL
    assert fresh.status == SyncRun.Status.SUCCEEDED, fresh.error
    assert fresh.release is not None and fresh.added > 0
    assert _releases(source.dataset) == releases + 1
    source.refresh_from_db()
    assert source.lease_run is None


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="advisory locks are PostgreSQL's")
def test_redelivered_message_while_the_run_is_alive_runs_nothing_twice(partner_server):
    """The broker redelivers after its visibility timeout even if the first worker still
    runs: the live run is left alone and the redelivery is recorded as skipped."""
    source = _source(partner_server.url(f"/files/{STATIONS}"))
    alive = SyncRun.objects.create(
        source=source,
        trigger=SyncRun.Trigger.MANUAL,
        status=SyncRun.Status.RUNNING,
        started_at=timezone.now(),
    )
    SyncSource.objects.filter(pk=source.pk).update(
        lease_run=alive, lease_until=timezone.now() + timedelta(minutes=30)
    )
    worker = connections.create_connection("default")  # the live worker's own session
    try:
        with worker.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [LOCK_CLASS, source.pk])
        sync_source(source.pk, alive.pk)
    finally:
        worker.close()

    alive.refresh_from_db()
    assert alive.status == SyncRun.Status.RUNNING
    redelivery = SyncRun.objects.filter(source=source).exclude(pk=alive.pk).get()
    assert redelivery.status == SyncRun.Status.SKIPPED
    assert f"(run {alive.pk})" in redelivery.error
    assert partner_server.requests_to("/files/") == []
