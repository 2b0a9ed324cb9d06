"""One run per source at a time.

On PostgreSQL a session advisory lock: the database frees it the moment the worker's
connection dies, so the reaper can tell a dead run from a live one at once. Elsewhere (the
embedded SQLite demo) a lease on the source row, taken by a conditional UPDATE, that the reaper
or its expiry frees."""

import time
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from apps.partners.models import SyncRun, SyncSource

LOCK_CLASS = 0x5E7C  # first key of the two-key advisory lock form: "partner syncs"


def _advisory() -> bool:
    return connection.vendor == "postgresql"


def source_lock(source: SyncSource, run: SyncRun) -> bool:
    """Take the source for `run`; False if another run holds it."""
    if _advisory():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_CLASS, source.pk])
            if not cursor.fetchone()[0]:
                return False
    now = timezone.now()
    taken = (
        SyncSource.objects.filter(pk=source.pk)
        .filter(Q(lease_run__isnull=True) | Q(lease_until__lt=now))
        .update(lease_run=run, lease_until=now + timedelta(seconds=settings.SYNC_LEASE_SECONDS))
    )
    if not taken and _advisory():
        # We hold the advisory lock, so the lease belongs to a dead run: take it over.
        SyncSource.objects.filter(pk=source.pk).update(
            lease_run=run, lease_until=now + timedelta(seconds=settings.SYNC_LEASE_SECONDS)
        )
        return True
    return bool(taken)


def source_holder(source: SyncSource) -> int | None:
    """The run holding the source, for a run that could not take it. On PostgreSQL the holder
    writes its lease a moment after taking the advisory lock: wait that moment (at most a
    second) rather than name no run."""
    for _ in range(20 if _advisory() else 1):
        holder = SyncSource.objects.filter(pk=source.pk).values_list("lease_run", flat=True)[0]
        if holder is not None:
            return holder
        time.sleep(0.05)
    return None


def source_unlock(source: SyncSource, run: SyncRun) -> None:
    SyncSource.objects.filter(pk=source.pk, lease_run=run).update(lease_run=None, lease_until=None)
    if _advisory():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_CLASS, source.pk])


def source_holder_alive(source: SyncSource) -> bool:
    """Is some live worker running this source? (Used by the reaper.)"""
    if _advisory():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_CLASS, source.pk])
            if cursor.fetchone()[0]:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_CLASS, source.pk])
                return False
            return True
    source.refresh_from_db(fields=["lease_until"])
    return source.lease_until is not None and source.lease_until >= timezone.now()
