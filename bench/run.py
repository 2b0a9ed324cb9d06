"""Benchmarks against the physical limit, in one run. See bench/README.md."""

import gc
import io
import os
import statistics
import subprocess
import sys
import threading
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "data" / "real"
sys.path.insert(0, str(ROOT))
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench"
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
os.environ.setdefault("PORTAL_VAR_DIR", str(ROOT / "var" / "bench"))


def _create_database() -> None:
    import psycopg

    url = os.environ["DATABASE_URL"]
    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


_create_database()
import django

django.setup()
from django.core.management import call_command
from django.db import connection

call_command("migrate", verbosity=0)

import orjson

from apps.api.export import export_csv, release_rows
from apps.api.representations import DERIVED_FIELDS, ELEMENT_FIELDS
from apps.datasets.demo import demo_datasets_ensure
from apps.datasets.ingest.apply import file_load
from apps.datasets.models import ElementSet, Release


def say(text: str) -> None:
    print(text, flush=True)


def median_time(function, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        gc.collect()
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def real_streams(scale: int = 1):
    """All real element data (TLE + OMM JSON), as one snapshot; scale>1 adds copies with new ids."""
    tle = b"".join(p.read_bytes() for p in sorted((REAL / "tle").glob("*.tle")))
    records = []
    for path in sorted((REAL / "gp_json").glob("*.json")):
        records += orjson.loads(path.read_bytes())
    streams = [(io.BytesIO(tle), "tle"), (io.BytesIO(orjson.dumps(records)), "omm_json")]
    for copy in range(1, scale):
        shifted = [
            {**r, "NORAD_CAT_ID": 100_000_000 * copy + int(r["NORAD_CAT_ID"])} for r in records
        ]
        streams.append((io.BytesIO(orjson.dumps(shifted)), "omm_json"))
    return streams


def bench_ingest():
    say("\n== ingest: all real element data vs COPY into the same table")
    _, elements = demo_datasets_ensure()
    elements.object_catalogue = None
    elements.save()
    started = time.perf_counter()
    first = file_load(elements, real_streams())
    ingest = time.perf_counter() - started
    rows = ElementSet.objects.filter(dataset=elements).count()
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE copy_target (LIKE datasets_elementset INCLUDING DEFAULTS)"
        )
        buffer = io.BytesIO()
        with cursor.connection.cursor().copy("COPY datasets_elementset TO STDOUT") as out:
            for chunk in out:
                buffer.write(chunk)
        data = buffer.getvalue()
        started = time.perf_counter()
        with cursor.connection.cursor().copy("COPY copy_target FROM STDIN") as into:
            into.write(data)
        copy_time = time.perf_counter() - started
    say(
        f"  ingest {rows} records (received {first.received}, rejected {len(first.rejected)}): "
        f"{ingest:.2f} s, {rows / ingest:,.0f} records/s"
    )
    say(f"  COPY of the same rows: {copy_time:.3f} s   ratio {ingest / copy_time:.1f}× (target 2×)")
    writes_before = Release.objects.count()
    started = time.perf_counter()
    again = file_load(elements, real_streams())
    reingest = time.perf_counter() - started
    say(
        f"  re-ingest unchanged: {reingest:.2f} s = {reingest / ingest:.2f}× of the first "
        f"(target < 0.3×); releases written: {Release.objects.count() - writes_before}, "
        f"unchanged {again.unchanged}"
    )
    return elements


def bench_export(elements):
    say("\n== full CSV export vs PostgreSQL COPY of the same rows")
    release = Release.objects.filter(dataset=elements).latest("number")

    def ours():
        for _ in export_csv(release_rows(elements, release)):
            pass

    columns = ", ".join(ELEMENT_FIELDS + DERIVED_FIELDS)

    def copy():
        with connection.cursor() as cursor:
            sql = (
                f"COPY (SELECT {columns} FROM datasets_elementset WHERE dataset_id = "
                f"{elements.pk} AND superseded_in_id IS NULL ORDER BY norad_cat_id) "
                "TO STDOUT WITH CSV HEADER"
            )
            with cursor.connection.cursor().copy(sql) as out:
                for _ in out:
                    pass

    rows = ElementSet.objects.filter(dataset=elements, superseded_in__isnull=True).count()
    t_ours, t_copy = median_time(ours), median_time(copy)
    say(
        f"  {rows} element sets: export {t_ours:.3f} s, COPY {t_copy:.3f} s, "
        f"ratio {t_ours / t_copy:.2f}× (target 1.5×)"
    )


def bench_memory():
    say("\n== peak memory of a full streaming export, 1× and 10× data")
    peaks = {}
    for scale in (1, 10):
        _create_database_tables_fresh()
        _, elements = demo_datasets_ensure()
        elements.object_catalogue = None
        elements.save()
        file_load(elements, real_streams(scale))
        release = Release.objects.filter(dataset=elements).latest("number")
        rows = ElementSet.objects.filter(dataset=elements, superseded_in__isnull=True).count()
        gc.collect()
        tracemalloc.start()
        for _ in export_csv(release_rows(elements, release)):
            pass
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        peaks[scale] = peak
        note = " (real data copied with new catalogue numbers)" if scale > 1 else ""
        say(f"  {scale:>2}×: {rows} rows{note}, peak {peak / 1e6:.2f} MB")
    say(f"  ratio 10×/1×: {peaks[10] / peaks[1]:.2f} (flat means ≈ 1)")


def _create_database_tables_fresh():
    ElementSet.objects.all().delete()
    Release.objects.all().delete()


def bench_page_vs_static(elements):
    say("\n== 1000-row JSON page vs the same bytes as a static file, same server, loopback")
    import httpx
    from django.conf import settings

    port = 8765
    env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1,localhost", "API_ANON_RATE": "100000/min"}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "portal.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        url = f"http://127.0.0.1:{port}/api/v1/elements/?page_size=1000"
        for _ in range(100):
            try:
                body = httpx.get(url, timeout=5).content
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        static_dir = Path(settings.STATIC_ROOT)
        static_dir.mkdir(parents=True, exist_ok=True)
        (ROOT / "apps" / "core" / "static" / "core" / "bench-page.json").write_bytes(body)
        static_url = f"http://127.0.0.1:{port}/static/core/bench-page.json"
        httpx.get(static_url, timeout=5).raise_for_status()

        def load(target: str, requests: int = 200, concurrency: int = 8) -> float:
            latencies: list[float] = []
            lock = threading.Lock()

            def worker(count: int):
                with httpx.Client(timeout=30) as client:
                    for _ in range(count):
                        started = time.perf_counter()
                        client.get(target).raise_for_status()
                        with lock:
                            latencies.append(time.perf_counter() - started)

            threads = [
                threading.Thread(target=worker, args=(requests // concurrency,))
                for _ in range(concurrency)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            return statistics.median(latencies)

        load(url, 16)
        load(static_url, 16)
        page, static = load(url), load(static_url)
        say(
            f"  page of 1000 rows ({len(body) / 1e3:.0f} kB): median {page * 1000:.1f} ms; "
            f"static file {static * 1000:.1f} ms; ratio {page / static:.1f}× (target 3×), "
            "8 concurrent clients"
        )
    finally:
        server.terminate()
        server.wait(10)
        (ROOT / "apps" / "core" / "static" / "core" / "bench-page.json").unlink(missing_ok=True)


if __name__ == "__main__":
    say(f"PostgreSQL {connection.cursor().connection.info.server_version}, data from {REAL}")
    elements = bench_ingest()
    bench_export(elements)
    bench_page_vs_static(elements)
    bench_memory()
