"""Runs whose worker died (SIGKILL, lost machine) are marked failed, and their lease freed."""

from django.db import transaction
from django.utils import timezone

from apps.partners.locks import source_holder_alive
from apps.partners.models import SyncRun, SyncSource


def stale_runs_reap() -> list[int]:
    """Mark failed every running run no live worker holds; returns their ids."""
    reaped = []
    for run in SyncRun.objects.filter(status=SyncRun.Status.RUNNING).select_related("source"):
        if source_holder_alive(run.source):
            continue
        with transaction.atomic():
            updated = SyncRun.objects.filter(pk=run.pk, status=SyncRun.Status.RUNNING).update(
                status=SyncRun.Status.FAILED,
                finished_at=timezone.now(),
                error="The worker running this sync stopped before it finished (reaped); "
                "nothing from it was published.",
            )
            SyncSource.objects.filter(pk=run.source_id, lease_run=run).update(
                lease_run=None, lease_until=None
            )
        if updated:
            reaped.append(run.pk)
            from apps.partners.notify import run_notify

            run.refresh_from_db()
            run_notify(run)
    return reaped
