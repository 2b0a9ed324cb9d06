"""One partner sync in its own process, as a Celery worker runs it; prints what it measured.

Used by bench/run.py to read a worker's peak memory (ru_maxrss) at 1x and 10x input."""

import json
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
import django

django.setup()
import logging

from django.db import connection

from apps.datasets.models import ElementSet
from apps.partners.models import SyncRun, SyncSource
from apps.partners.sync import run_create, sync_run_execute

logging.getLogger("httpx").setLevel(logging.WARNING)

source = SyncSource.objects.get(slug=sys.argv[1])
rows_before = ElementSet.objects.filter(dataset=source.dataset).count()
with connection.cursor() as cursor:
    cursor.execute(
        "SELECT n_tup_ins + n_tup_upd FROM pg_stat_user_tables WHERE relname = %s",
        ["datasets_elementset"],
    )
    writes_before = cursor.fetchone()[0]
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
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "error": run.error,
        }
    )
)
