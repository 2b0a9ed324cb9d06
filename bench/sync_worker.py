"""One partner sync in its own process, as a Celery worker runs it; prints what it measured.

Used by bench/run.py to read a worker's peak memory (VmHWM, reset after start-up) at 1x and
10x input. With --warm-up URL, the process first syncs that small payload into a dataset of
its own, as a worker that has run a task before: the first sync of a process also imports
the HTTP client's transport, builds the TLS context and opens the broker connection, once
per process; the measured sync is the next one (the warm-up's time is printed too)."""

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
import django

django.setup()
import logging

from apps.datasets.models import ElementSet
from apps.partners.models import SyncRun, SyncSource
from apps.partners.sync import run_create, sync_run_execute
from portal.celery import startup_objects_freeze

logging.getLogger("httpx").setLevel(logging.WARNING)
startup_objects_freeze()  # as a Celery pool process does once it has started (portal/celery.py)


def _status_kb(name: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(name + ":"):
            return float(line.split()[1])
    return 0.0


def _warm_up(source: SyncSource, url: str) -> float:
    from apps.datasets.models import Dataset
    from apps.partners.services import source_save

    tag = f"{os.getpid()}-{time.time_ns()}"
    dataset = Dataset.objects.create(
        slug=f"bench-warm-up-{tag}",
        kind=Dataset.Kind.ELEMENT_SETS,
        title={"en": "bench warm-up"},
        publisher=source.organisation,
        licence_name="bench",
    )
    warm = source_save(
        SyncSource(
            slug=f"bench-warm-up-{tag}",
            name="bench warm-up",
            organisation=source.organisation,
            dataset=dataset,
            url=url,
            adapter=source.adapter,
        )
    )
    started = time.perf_counter()
    run = sync_run_execute(run_create(warm, SyncRun.Trigger.COMMAND))
    if run.status != SyncRun.Status.SUCCEEDED or run.release is None:
        raise SystemExit(f"the warm-up sync did not publish: {run.status} {run.error}")
    return time.perf_counter() - started


source = SyncSource.objects.get(slug=sys.argv[1])
warm_up_seconds = None
if "--warm-up" in sys.argv:
    warm_up_seconds = _warm_up(source, sys.argv[sys.argv.index("--warm-up") + 1])
if "--refetch" in sys.argv:  # measure the unchanged payload itself, not the 304 shortcut
    SyncSource.objects.filter(pk=source.pk).update(etag="", last_modified="")
    source.refresh_from_db()
# Peak memory of the run itself: reset the high-water mark once Django is loaded.
Path("/proc/self/clear_refs").write_text("5")
baseline_kb = _status_kb("VmRSS")
rows_before = ElementSet.objects.filter(dataset=source.dataset).count()
started = time.perf_counter()
run = sync_run_execute(run_create(source, SyncRun.Trigger.COMMAND))
seconds = time.perf_counter() - started
print(
    json.dumps(
        {
            "status": run.status,
            "seconds": seconds,
            "timings": run.timings,
            "received": run.received,
            "rejected": run.rejected,
            "added": run.added,
            "unchanged": run.unchanged,
            "release": run.release.number if run.release else None,
            "rows_written": ElementSet.objects.filter(dataset=source.dataset).count() - rows_before,
            "baseline_rss_mb": baseline_kb / 1024,
            "peak_rss_mb": _status_kb("VmHWM") / 1024,
            "error": run.error,
            "warm_up_seconds": warm_up_seconds,
        }
    )
)
