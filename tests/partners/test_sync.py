"""Partner syncs end to end: sync_run_execute and the sync_source command against the real fault
server on 127.0.0.1 serving the real partner files (no HTTP mocks)."""

import csv
import io
import json
import time
from contextlib import contextmanager
from datetime import timedelta

import psycopg
import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import connection
from django.template.loader import render_to_string
from django.utils import timezone, translation

from apps.accounts import roles
from apps.accounts.models import Organisation
from apps.api.renderers import OMM_FIELDS, OMMXMLRenderer
from apps.datasets.demo import DEMO_TABLE, TABLES, demo_datasets_ensure, demo_table_load
from apps.datasets.models import Dataset, ElementSet, Release, SpaceObject, TableRow
from apps.partners import notify
from apps.partners.locks import LOCK_CLASS, source_lock
from apps.partners.models import RejectedRecord, SyncRun, SyncSource
from apps.partners.reaper import stale_runs_reap
from apps.partners.services import source_save, source_secret_set
from apps.partners.sync import run_create, sync_run_execute
from tests.accounts.factories import UserFactory
from tests.partners.conftest import REAL_DATA

STATIONS_JSON = "gp_json/celestrak_gp_stations_2025-05-25.json"
RESOURCE_JSON = "gp_json/celestrak_gp_resource_2025-05-25.json"
WEATHER_JSON = "gp_json/celestrak_gp_weather_2025-05-25.json"
STARLINK_JSON = "gp_json/celestrak_gp_starlink_2025-05-25.json"
STATIONS_TLE = "tle/celestrak_stations_2026-05-30T2250Z.tle"
IRIDIUM_TXT = "tle/celestrak_iridium-33-debris_2021-10-02.txt"
SATCAT_CSV = "satcat/celestrak_satcat_extract_2026-07-03.csv"
TOKEN = "Bearer pk-live-5e7c0ffee9a1b2c3d4"

pytestmark = pytest.mark.django_db


# ----------------------------------------------------------------------------- fixtures


@pytest.fixture(autouse=True)
def _fast_backoff(settings):
    # Retries after 5xx and timeouts wait jitter(0, base * 2**n): keep the suite fast.
    settings.SYNC_BACKOFF_BASE = 0.01


@pytest.fixture
def partner(db) -> Organisation:
    return Organisation.objects.get_or_create(
        slug="partner-agency", defaults={"name": "Partner Agency", "is_partner": True}
    )[0]


@pytest.fixture
def demo(db) -> tuple[Dataset, Dataset]:
    """(space-object catalogue, element sets), both empty."""
    return demo_datasets_ensure()


@pytest.fixture
def elements(demo) -> Dataset:
    return demo[1]


@pytest.fixture
def make_source(partner, elements, partner_server):
    def make(path: str, *, dataset: Dataset | None = None, **fields) -> SyncSource:
        fields.setdefault("adapter", "omm_json")
        source = SyncSource(
            slug=fields.pop("slug", "test-source"),
            name="Test partner source",
            organisation=partner,
            dataset=dataset or elements,
            url=partner_server.url(path),
            **fields,
        )
        return source_save(source)

    return make


def _sync(source: SyncSource, trigger: str = SyncRun.Trigger.COMMAND) -> SyncRun:
    run = sync_run_execute(run_create(source, trigger))
    run.refresh_from_db()
    source.refresh_from_db()
    return run


def _json_body(relpath: str) -> list[dict]:
    return json.loads((REAL_DATA / relpath).read_bytes())


def _serve(server, name: str, data: bytes, content_type: str) -> str:
    server.bodies[name] = (data, content_type)
    return f"/body/{name}"


def _current(model, dataset: Dataset) -> int:
    return model.objects.filter(dataset=dataset, superseded_in__isnull=True).count()


def _assert_reconciles(run: SyncRun) -> None:
    assert run.received == run.valid + run.rejected
    assert run.valid == run.added + run.changed + run.unchanged


def _assert_published(run: SyncRun, dataset: Dataset, model, expected_received: int) -> None:
    assert run.status in (SyncRun.Status.SUCCEEDED, SyncRun.Status.PARTIAL), run.error
    assert (run.status == SyncRun.Status.PARTIAL) == (run.rejected > 0)
    assert run.http_status == 200 and run.bytes > 0
    assert set(run.timings) == {"fetch", "parse", "validate", "apply"}
    assert all(value >= 0 for value in run.timings.values())
    assert run.received == expected_received
    _assert_reconciles(run)
    assert run.release is not None and run.release.dataset_id == dataset.pk
    assert run.release.source == Release.Source.SYNC
    assert run.release.record_count == _current(model, dataset)
    assert run.started_at <= run.finished_at


def _assert_failed_clean(run: SyncRun, dataset: Dataset, model, reason: str) -> None:
    """Failed with a clear reason, and nothing of it in the dataset."""
    assert run.status == SyncRun.Status.FAILED
    assert reason in run.error, run.error
    assert run.release is None
    assert not Release.objects.filter(dataset=dataset).exists()
    assert not model.objects.filter(dataset=dataset).exists()
    assert run.finished_at is not None


# ----------------------------------------------------------------------------- adapters


class TestEachAdapterPublishes:
    @pytest.mark.parametrize(
        ("adapter", "relpath"),
        [("omm_json", STATIONS_JSON), ("tle", STATIONS_TLE), ("tle", IRIDIUM_TXT)],
    )
    def test_element_files(self, make_source, elements, adapter, relpath):
        data = (REAL_DATA / relpath).read_bytes()
        if adapter == "omm_json":
            expected = len(json.loads(data))
        else:
            expected = sum(line.startswith(b"1 ") for line in data.splitlines())
        source = make_source(f"/files/{relpath}", adapter=adapter)

        run = _sync(source)

        _assert_published(run, elements, ElementSet, expected)
        assert run.added == run.valid and run.changed == run.unchanged == run.withdrawn == 0
        assert run.release.number == 1 and run.release.added == run.valid
        assert source.etag.startswith('"')  # remembered for the next conditional request

    def test_satcat_csv(self, make_source, demo):
        catalogue = demo[0]
        with (REAL_DATA / SATCAT_CSV).open(newline="") as stream:
            expected = sum(1 for _ in csv.DictReader(stream))
        source = make_source(f"/files/{SATCAT_CSV}", adapter="satcat_csv", dataset=catalogue)

        run = _sync(source)

        _assert_published(run, catalogue, SpaceObject, expected)
        assert run.added == run.valid == expected

    def test_omm_csv(self, make_source, elements, partner_server):
        records = _json_body(WEATHER_JSON)
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(records[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(records)
        path = _serve(partner_server, "weather.csv", out.getvalue().encode(), "text/csv")
        source = make_source(path, adapter="omm_csv")

        run = _sync(source)

        _assert_published(run, elements, ElementSet, len(records))
        assert run.added == run.valid == len(records)

    def test_omm_xml(self, make_source, partner, elements, partner_server):
        loaded = _sync(make_source(f"/files/{STATIONS_JSON}", slug="json-first"))
        assert loaded.status == SyncRun.Status.SUCCEEDED
        rows = []
        for element_set in ElementSet.objects.filter(dataset=elements, superseded_in__isnull=True):
            row = {name.lower(): getattr(element_set, name.lower()) for name in OMM_FIELDS}
            row["epoch"] = element_set.epoch.strftime("%Y-%m-%dT%H:%M:%S.%f")
            rows.append(row)
        xml = OMMXMLRenderer().render(rows)
        path = _serve(partner_server, "stations.xml", xml, "application/xml")
        target = Dataset.objects.create(
            slug="element-sets-xml",
            kind=Dataset.Kind.ELEMENT_SETS,
            title={"en": "Element sets from XML"},
            publisher=partner,
            licence_name="CC BY 4.0",
        )
        source = make_source(path, adapter="omm_xml", dataset=target, slug="xml")

        run = _sync(source)

        _assert_published(run, target, ElementSet, len(rows))
        assert run.status == SyncRun.Status.SUCCEEDED and run.added == len(rows)
        names = set(
            ElementSet.objects.filter(dataset=target).values_list("norad_cat_id", "object_name")
        )
        assert names == set(
            ElementSet.objects.filter(dataset=elements).values_list("norad_cat_id", "object_name")
        )

    def test_table_csv_diff_against_the_uploaded_table(self, make_source, partner_server):
        table = demo_table_load().dataset
        before = _current(TableRow, table)
        lines = (TABLES / f"{DEMO_TABLE}.csv").read_text().splitlines()
        lines[1] = lines[1].replace("Fengyun-1C anti-satellite test", "Fengyun-1C ASAT test")
        lines.append("test-event-2030,Test event,2030-01-01,accidental collision,,12345,TEST")
        path = _serve(partner_server, "events.csv", "\n".join(lines).encode(), "text/csv")
        source = make_source(path, adapter="table_csv", dataset=table)

        run = _sync(source)

        _assert_published(run, table, TableRow, before + 1)
        assert (run.added, run.changed, run.unchanged, run.withdrawn) == (1, 1, before - 1, 0)
        assert run.release.number == 2 and run.release.record_count == before + 1


# ----------------------------------------------------------------------------- re-sync


class TestResync:
    def test_etag_gives_not_modified_without_parsing(self, make_source, elements, partner_server):
        source = make_source(f"/files/{STATIONS_JSON}")
        first = _sync(source)
        releases = Release.objects.count()
        rows = ElementSet.objects.count()

        second = _sync(source)

        assert second.status == SyncRun.Status.NOT_MODIFIED and second.http_status == 304
        assert set(second.timings) == {"fetch"}  # never parsed
        assert (second.received, second.bytes, second.release) == (0, 0, None)
        assert not second.rejections.exists()
        assert (Release.objects.count(), ElementSet.objects.count()) == (releases, rows)
        conditional = partner_server.requests_to("/files/")[-1][2]
        assert conditional.get("If-None-Match") == first.source.etag

    def test_unchanged_payload_writes_nothing(self, make_source, elements, partner_server):
        source = make_source(f"/files/{STATIONS_JSON}")
        first = _sync(source)
        releases = Release.objects.count()
        rows = ElementSet.objects.count()
        SyncSource.objects.filter(pk=source.pk).update(etag="", last_modified="")
        source.refresh_from_db()

        second = _sync(source)

        assert second.status == SyncRun.Status.SUCCEEDED and second.http_status == 200
        assert second.release is None
        assert second.received == second.unchanged == first.received
        assert (second.added, second.changed, second.withdrawn) == (0, 0, 0)
        _assert_reconciles(second)
        assert (Release.objects.count(), ElementSet.objects.count()) == (releases, rows)
        assert "If-None-Match" not in partner_server.requests_to("/files/")[-1][2]


class TestModes:
    def _two_payloads(self, server, make_source, mode):
        records = _json_body(STATIONS_JSON)
        _serve(server, "all.json", json.dumps(records).encode(), "application/json")
        source = make_source("/body/all.json", mode=mode)
        first = _sync(source)
        assert first.status == SyncRun.Status.SUCCEEDED
        gone = [record["NORAD_CAT_ID"] for record in records[-3:]]
        _serve(server, "fewer.json", json.dumps(records[:-3]).encode(), "application/json")
        source.url = server.url("/body/fewer.json")
        source.save()
        return records, gone, _sync(source)

    def test_snapshot_withdraws_disappeared_records(self, partner_server, make_source, elements):
        records, gone, run = self._two_payloads(
            partner_server, make_source, SyncSource.Mode.SNAPSHOT
        )

        assert run.status == SyncRun.Status.SUCCEEDED
        assert (run.withdrawn, run.unchanged, run.added, run.changed) == (3, 10, 0, 0)
        assert run.release.number == 2 and run.release.withdrawn == 3
        current = ElementSet.objects.filter(dataset=elements, superseded_in__isnull=True)
        assert current.count() == len(records) - 3
        assert not current.filter(norad_cat_id__in=gone).exists()
        assert ElementSet.objects.filter(norad_cat_id__in=gone, superseded_in=run.release).count()

    def test_incremental_never_withdraws(self, partner_server, make_source, elements):
        records, gone, run = self._two_payloads(
            partner_server, make_source, SyncSource.Mode.INCREMENTAL
        )

        assert run.status == SyncRun.Status.SUCCEEDED
        assert (run.withdrawn, run.unchanged, run.release) == (0, 10, None)
        current = ElementSet.objects.filter(dataset=elements, superseded_in__isnull=True)
        assert current.count() == len(records)
        assert current.filter(norad_cat_id__in=gone).count() == 3
        assert Release.objects.filter(dataset=elements).count() == 1


# ----------------------------------------------------------------------------- faults


class TestFaults:
    @pytest.mark.parametrize(
        ("path", "fields", "reason", "http_status", "requests"),
        [
            pytest.param("/fail/99/k/files/" + STATIONS_JSON, {}, "HTTP 500", 500, 4, id="5xx"),
            pytest.param(
                "/slow/1/files/" + STATIONS_JSON,
                {"read_timeout": 0.2},
                "did not answer in time",
                None,
                4,
                id="timeout",
            ),
            pytest.param("/cut/files/" + STARLINK_JSON, {}, "connection failed", None, 4, id="cut"),
            pytest.param(
                "/files/" + STATIONS_JSON,
                {"max_bytes": 1000},
                "larger than the 1000 bytes",
                200,
                1,
                id="too-big",
            ),
            pytest.param(
                "/ctype/text~html/files/" + STATIONS_JSON,
                {},
                "type 'text/html'",
                200,
                1,
                id="content-type",
            ),
            pytest.param("/status/404/", {}, "HTTP 404", 404, 1, id="404"),
            pytest.param("/status/403/", {}, "HTTP 403", 403, 1, id="403"),
            pytest.param(
                "/retry-after/3600/9/k/files/" + STATIONS_JSON,
                {},
                "retry after 3600 s",
                429,
                1,
                id="retry-after-too-long",
            ),
        ],
    )
    def test_fetch_fault_fails_the_run_cleanly(
        self, make_source, elements, partner_server, path, fields, reason, http_status, requests
    ):
        source = make_source(path, **fields)

        run = _sync(source)

        _assert_failed_clean(run, elements, ElementSet, reason)
        assert run.error.startswith("Fetch: ")
        assert run.http_status == http_status
        assert len(partner_server.request_log) == requests  # 4xx are not retried
        assert source.etag == "" and source.lease_run_id is None

    def test_500s_then_success(self, make_source, elements, partner_server):
        source = make_source("/fail/2/flaky/files/" + STATIONS_JSON)

        run = _sync(source)

        _assert_published(run, elements, ElementSet, len(_json_body(STATIONS_JSON)))
        assert len(partner_server.requests_to("/fail/")) == 3

    def test_429_retry_after_is_honoured(self, make_source, elements, partner_server):
        source = make_source("/retry-after/1/1/busy/files/" + STATIONS_JSON)

        started = time.monotonic()
        run = _sync(source)

        assert time.monotonic() - started >= 1.0
        _assert_published(run, elements, ElementSet, len(_json_body(STATIONS_JSON)))
        assert len(partner_server.requests_to("/retry-after/")) == 2

    def test_invalid_json_after_many_records_leaves_no_rows(
        self, make_source, elements, partner_server
    ):
        # More records than one write batch (2000) come before the break: those already
        # written inside the transaction must be rolled back too.
        good = json.dumps(_json_body(STARLINK_JSON)[:2500]).encode()
        broken = good[:-1] + b', {"OBJECT_NAME": "CUT'
        path = _serve(partner_server, "broken.json", broken, "application/json")
        source = make_source(path)

        run = _sync(source)

        _assert_failed_clean(run, elements, ElementSet, "Parse: not valid JSON")
        assert source.etag == ""

    def test_empty_payload(self, make_source, elements, partner_server):
        path = _serve(partner_server, "empty.json", b"[]", "application/json")

        run = _sync(make_source(path))

        _assert_failed_clean(run, elements, ElementSet, "holds no records")

    def test_not_an_array(self, make_source, elements, partner_server):
        path = _serve(partner_server, "object.json", b'{"error": "maintenance"}', "text/plain")

        run = _sync(make_source(path))

        _assert_failed_clean(run, elements, ElementSet, "expected a JSON array")


class TestRejections:
    def test_malformed_and_duplicate_records_are_kept_with_their_reasons(
        self, make_source, elements, partner_server
    ):
        records = _json_body(RESOURCE_JSON)
        bad_eccentricity = {**records[0], "NORAD_CAT_ID": 990001, "ECCENTRICITY": 1.5}
        bad_inclination = {**records[1], "NORAD_CAT_ID": 990002, "INCLINATION": 200}
        long_name = {**records[2], "NORAD_CAT_ID": 990003, "OBJECT_NAME": "X" * 2000}
        payload = [*records, bad_eccentricity, bad_inclination, long_name, 7, records[5]]
        path = _serve(partner_server, "mixed.json", json.dumps(payload).encode(), "text/json")
        source = make_source(path)

        run = _sync(source)

        # 5 of 163 rejected: 3.1 %, under the 5 % threshold.
        _assert_published(run, elements, ElementSet, len(payload))
        assert run.status == SyncRun.Status.PARTIAL
        assert (run.rejected, run.valid, run.added) == (5, len(records), len(records))
        assert _current(ElementSet, elements) == len(records)
        rejected = {r.position: r for r in RejectedRecord.objects.filter(run=run)}
        n = len(records)
        assert sorted(rejected) == [n + 1, n + 2, n + 3, n + 4, n + 5]
        assert (rejected[n + 1].field, rejected[n + 1].reason) == (
            "eccentricity",
            "above 0.9999999",
        )
        assert (rejected[n + 2].field, rejected[n + 2].reason) == ("inclination", "above 180")
        assert rejected[n + 3].field == "object_name" and len(rejected[n + 3].raw) == 500
        assert (rejected[n + 4].field, rejected[n + 4].reason) == ("record", "not a JSON object")
        assert rejected[n + 5].field == "norad_cat_id" and "duplicate" in rejected[n + 5].reason
        assert str(records[5]["NORAD_CAT_ID"]) in rejected[n + 5].raw

    def test_tle_checksum_under_threshold_is_partial(self, make_source, elements, partner_server):
        lines = (REAL_DATA / STATIONS_TLE).read_text().splitlines()
        first_line1 = next(i for i, line in enumerate(lines) if line.startswith("1 "))
        line = lines[first_line1]
        wrong = (int(line[68]) + 1) % 10
        lines[first_line1] = line[:68] + str(wrong)
        body = ("\n".join(lines) + "\n").encode()
        path = _serve(partner_server, "stations.tle", body, "text/plain")
        expected = sum(line.startswith("1 ") for line in lines)

        run = _sync(make_source(path, adapter="tle"))

        _assert_published(run, elements, ElementSet, expected)  # 1 of 25: 4 %
        assert run.status == SyncRun.Status.PARTIAL and run.rejected == 1
        rejection = run.rejections.get()
        assert (rejection.position, rejection.field) == (first_line1 + 1, "tle_line1")
        assert rejection.reason == "checksum does not match"

    def test_over_threshold_publishes_nothing(self, make_source, elements, partner_server):
        records = _json_body(STATIONS_JSON)
        payload = [*records, {**records[0], "NORAD_CAT_ID": 990001, "MEAN_MOTION": 0}]
        path = _serve(partner_server, "bad.json", json.dumps(payload).encode(), "application/json")

        run = _sync(make_source(path))

        _assert_failed_clean(run, elements, ElementSet, "1 of 14 records rejected (7.1%")
        assert "above the source's 5%" in run.error and "nothing published" in run.error
        _assert_reconciles(run)
        assert (run.received, run.rejected) == (14, 1)
        assert run.rejections.get().field == "mean_motion"

    def test_over_threshold_alerts_at_once(self, make_source, partner_server, mailoutbox):
        from tests.accounts.factories import UserFactory

        contact = UserFactory(email="ops@partner.example", preferred_language="en")
        records = _json_body(STATIONS_JSON)
        payload = [*records, {**records[0], "NORAD_CAT_ID": 990001, "MEAN_MOTION": 0}]
        path = _serve(partner_server, "bad.json", json.dumps(payload).encode(), "application/json")
        source = make_source(path)
        source.contacts.set([contact])

        run = _sync(source)

        assert run.threshold_exceeded
        assert [m.to for m in mailoutbox] == [["ops@partner.example"]]
        assert "too many records rejected" in mailoutbox[0].subject
        assert "1 of 14 records rejected" in mailoutbox[0].body
        assert f"/admin/partners/runs/{run.pk}/" in mailoutbox[0].body


class TestTableRejections:
    @pytest.fixture
    def table_lines(self) -> list[str]:
        return (TABLES / f"{DEMO_TABLE}.csv").read_text().splitlines()

    def test_a_bad_row_over_threshold_publishes_nothing(
        self, make_source, partner_server, table_lines
    ):
        table = demo_table_load().dataset
        lines = [*table_lines]
        lines[3] = lines[3].replace("2009-02-10", "10/02/2009")
        path = _serve(partner_server, "events.csv", "\n".join(lines).encode(), "text/csv")

        run = _sync(make_source(path, adapter="table_csv", dataset=table))

        assert run.status == SyncRun.Status.FAILED and run.release is None
        assert "1 of 6 records rejected" in run.error
        assert Release.objects.filter(dataset=table).count() == 1
        rejection = run.rejections.get()
        assert (rejection.position, rejection.field) == (4, "event_date")

    def test_a_wrong_header_is_reported(self, make_source, partner_server, table_lines):
        table = demo_table_load().dataset
        lines = [table_lines[0].replace("object_name", "name"), *table_lines[1:]]
        path = _serve(partner_server, "events.csv", "\n".join(lines).encode(), "text/csv")

        run = _sync(make_source(path, adapter="table_csv", dataset=table))

        assert run.status == SyncRun.Status.FAILED and run.release is None
        assert "Missing column “object_name”" in run.error, run.error
        assert {(r.position, r.field) for r in run.rejections.all()} == {
            (1, "object_name"),
            (1, "name"),
        }
        assert Release.objects.filter(dataset=table).count() == 1


# ----------------------------------------------------------------------------- one at a time


def _pg_session():
    """A second PostgreSQL session on the test database: another worker."""
    params = connection.settings_dict
    return psycopg.connect(
        host=params["HOST"] or None,
        port=params["PORT"] or None,
        user=params["USER"] or None,
        password=params["PASSWORD"] or None,
        dbname=params["NAME"],
        autocommit=True,
    )


@contextmanager
def _worker_holds(source: SyncSource, run: SyncRun):
    """Another worker is running `source` as `run`: the lease names it and, on PostgreSQL, the
    advisory lock is held by another session (it is re-entrant within this one)."""
    assert source_lock(source, run)
    other = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_CLASS, source.pk])
        other = _pg_session()
        other.execute("SELECT pg_advisory_lock(%s, %s)", [LOCK_CLASS, source.pk])
    try:
        yield
    finally:
        if other is not None:
            other.close()  # the worker's connection dies with it, and its lock


class TestOneRunAtATime:
    def test_second_run_is_skipped_while_the_source_is_locked(
        self, make_source, elements, partner_server
    ):
        source = make_source(f"/files/{STATIONS_JSON}")
        holder = SyncRun.objects.create(
            source=source, trigger=SyncRun.Trigger.SCHEDULE, status=SyncRun.Status.RUNNING
        )

        with _worker_holds(source, holder):
            run = _sync(source, SyncRun.Trigger.MANUAL)

        assert run.status == SyncRun.Status.SKIPPED
        assert f"in progress (run {holder.pk})" in run.error
        assert partner_server.request_log == []
        assert not Release.objects.filter(dataset=elements).exists()

    def test_min_interval_skips_scheduled_runs_that_come_too_soon(
        self, make_source, elements, partner_server
    ):
        source = make_source(f"/files/{STATIONS_JSON}", min_interval_minutes=60)
        first = _sync(source, SyncRun.Trigger.SCHEDULE)
        assert first.status == SyncRun.Status.SUCCEEDED

        second = _sync(source, SyncRun.Trigger.SCHEDULE)

        assert second.status == SyncRun.Status.SKIPPED
        assert "at least 60 minutes" in second.error
        assert len(partner_server.request_log) == 1
        SyncRun.objects.filter(pk=first.pk).update(
            started_at=timezone.now() - timedelta(minutes=61)
        )
        third = _sync(source, SyncRun.Trigger.SCHEDULE)
        assert third.status == SyncRun.Status.NOT_MODIFIED
        assert len(partner_server.request_log) == 2


class TestReaper:
    def test_stale_running_run_is_failed_and_the_next_run_succeeds(
        self, make_source, elements, partner_server
    ):
        source = make_source(f"/files/{STATIONS_JSON}")
        stale = SyncRun.objects.create(
            source=source,
            trigger=SyncRun.Trigger.SCHEDULE,
            status=SyncRun.Status.RUNNING,
            started_at=timezone.now(),
        )

        with _worker_holds(source, stale):
            assert stale_runs_reap() == []  # its worker is alive
            stale.refresh_from_db()
            assert stale.status == SyncRun.Status.RUNNING
        # The worker dies: on PostgreSQL its session (and advisory lock) went with it; the
        # lease used elsewhere lapses.
        if connection.vendor != "postgresql":
            SyncSource.objects.filter(pk=source.pk).update(
                lease_until=timezone.now() - timedelta(seconds=1)
            )

        assert stale_runs_reap() == [stale.pk]

        stale.refresh_from_db()
        source.refresh_from_db()
        assert stale.status == SyncRun.Status.FAILED and "reaped" in stale.error
        assert stale.finished_at is not None and stale.release is None
        assert source.lease_run_id is None
        run = _sync(source)
        _assert_published(run, elements, ElementSet, len(_json_body(STATIONS_JSON)))


# ----------------------------------------------------------------------------- notifications


class TestFailureEmails:
    @pytest.fixture
    def people(self):
        contact_fr = UserFactory(email="fr@partner.example", preferred_language="fr")
        contact_en = UserFactory(email="en@partner.example", preferred_language="en")
        superuser = UserFactory(
            email="root@portal.example", is_superuser=True, is_staff=True, preferred_language="en"
        )
        admin = UserFactory(email="admin@portal.example", is_staff=True, preferred_language="fr")
        admin.groups.add(Group.objects.get(name=roles.ADMIN))
        UserFactory(email="editor@portal.example", is_staff=True)  # staff, not an admin
        inactive = UserFactory(email="gone@portal.example", is_superuser=True, is_active=False)
        return {
            "contacts": [contact_fr, contact_en],
            "languages": {
                user.email: user.preferred_language
                for user in (contact_fr, contact_en, superuser, admin)
            },
            "inactive": inactive,
        }

    def test_alert_after_three_failures_once_each_then_recovery(
        self, make_source, elements, partner_server, people, mailoutbox, monkeypatch
    ):
        rendered: list[tuple[str, str]] = []

        def spy(template, context):
            rendered.append((template, translation.get_language()))
            return render_to_string(template, context)

        monkeypatch.setattr(notify, "render_to_string", spy)
        source = make_source("/status/404/")
        source.contacts.set(people["contacts"])
        expected = people["languages"]

        for _ in range(2):
            assert _sync(source).status == SyncRun.Status.FAILED
        assert mailoutbox == []

        third = _sync(source)
        assert third.status == SyncRun.Status.FAILED
        assert sorted(m.to[0] for m in mailoutbox) == sorted(expected)
        assert all(len(m.to) == 1 for m in mailoutbox)
        # Each message was rendered in its recipient's language.
        languages = [language for _, language in rendered[1::2]]
        assert {m.to[0]: lang for m, lang in zip(mailoutbox, languages, strict=True)} == expected
        for message in mailoutbox:
            with translation.override(expected[message.to[0]]):
                subject = render_to_string(
                    "partners/email/failure_subject.txt", {"source": source, "streak": 3}
                )
            assert message.subject == " ".join(subject.split())
            assert "Test partner source" in message.subject
            assert "HTTP 404" in message.body
        english = next(m for m in mailoutbox if expected[m.to[0]] == "en")
        assert english.subject == "Partner sync “Test partner source” failed 3 times in a row"
        source.refresh_from_db()
        assert source.alerting

        assert _sync(source).status == SyncRun.Status.FAILED
        assert len(mailoutbox) == len(expected)  # no repeat on the 4th failure

        source.url = partner_server.url(f"/files/{STATIONS_JSON}")
        source.save()
        assert _sync(source).status == SyncRun.Status.SUCCEEDED
        recovery = mailoutbox[len(expected) :]
        assert sorted(m.to[0] for m in recovery) == sorted(expected)
        assert all("works again" in m.subject for m in recovery if expected[m.to[0]] == "en")
        source.refresh_from_db()
        assert not source.alerting
        assert _sync(source).status == SyncRun.Status.NOT_MODIFIED
        assert len(mailoutbox) == 2 * len(expected)


# ----------------------------------------------------------------------------- secrets


class TestSecretToken:
    def test_token_is_encrypted_sent_and_never_shown(self, make_source, elements, partner_server):
        source = make_source(f"/files/{STATIONS_JSON}")
        source_secret_set(source, TOKEN)
        source.save()

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT secret_header_value, secret_hint FROM partners_syncsource WHERE id = %s",
                [source.pk],
            )
            stored, hint = cursor.fetchone()
        assert stored and TOKEN not in stored and "pk-live" not in stored
        assert hint == "…" + TOKEN[-4:]

        run = _sync(source)

        assert run.status == SyncRun.Status.SUCCEEDED
        headers = {k.lower(): v for k, v in partner_server.request_log[-1][2].items()}
        assert headers["authorization"] == TOKEN

        source.url = partner_server.url("/status/401/")
        source.save()
        failed = _sync(source)
        assert failed.status == SyncRun.Status.FAILED and "HTTP 401" in failed.error
        assert TOKEN not in failed.error and TOKEN[-10:] not in failed.error


# ----------------------------------------------------------------------------- command


class TestSyncSourceCommand:
    def test_prints_a_summary(self, make_source, elements):
        source = make_source(f"/files/{STATIONS_JSON}")
        out, err = io.StringIO(), io.StringIO()

        call_command("sync_source", source.slug, stdout=out, stderr=err)

        run = SyncRun.objects.get(source=source)
        assert run.trigger == SyncRun.Trigger.COMMAND and run.status == SyncRun.Status.SUCCEEDED
        text = out.getvalue()
        assert f"Run {run.pk}: Succeeded — HTTP 200" in text
        assert f"received {run.received}, valid {run.valid}, rejected 0" in text
        assert "release 1" in text and "Timings: fetch" in text

    def test_failed_run_exits_non_zero(self, make_source, elements):
        source = make_source("/status/404/")
        out = io.StringIO()

        with pytest.raises(CommandError, match="the run failed"):
            call_command("sync_source", source.slug, stdout=out, stderr=io.StringIO())

        assert "Failed" in out.getvalue() and "Reason: Fetch: " in out.getvalue()
        assert SyncRun.objects.get(source=source).status == SyncRun.Status.FAILED

    def test_unknown_slug(self, make_source):
        make_source(f"/files/{STATIONS_JSON}")
        with pytest.raises(CommandError, match=r"no source 'nope' \(known: test-source\)"):
            call_command("sync_source", "nope")
        assert not SyncRun.objects.exists()
