"""Celery tasks: thin wrappers over sync.py. Acknowledged late and idempotent: a message
redelivered after a worker died finds its run finished (nothing to do) or reaped."""

from celery import shared_task

from apps.partners.models import SyncRun, SyncSource
from apps.partners.reaper import stale_runs_reap
from apps.partners.sync import run_create, sync_run_execute


@shared_task(name="partners.sync_source", ignore_result=True, acks_late=True)
def sync_source(source_id: int, run_id: int | None = None) -> None:
    """Beat calls this with the source only; "sync now" creates the run first (run_id)."""
    if run_id is None:
        source = SyncSource.objects.filter(pk=source_id).first()
        if source is None:
            return
        run = run_create(source, SyncRun.Trigger.SCHEDULE)
    else:
        run = SyncRun.objects.select_related("source").filter(pk=run_id).first()
        if run is None:
            return
        if run.status == SyncRun.Status.RUNNING:
            # Redelivered after the worker running it died: that attempt is over; the reaper
            # records it, and this delivery starts a fresh run instead of resuming a half one.
            stale_runs_reap()
            run = run_create(run.source, run.trigger)
    sync_run_execute(run)


@shared_task(name="partners.reap_stale_runs", ignore_result=True)
def reap_stale_runs() -> None:
    stale_runs_reap()
