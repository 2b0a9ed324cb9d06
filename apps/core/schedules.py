"""Periodic tasks the portal always has, kept in django-celery-beat's tables (editable in admin)."""

from django.db import transaction
from django_celery_beat.models import IntervalSchedule, PeriodicTask

HEARTBEAT_SECONDS = 60


@transaction.atomic
def schedules_sync() -> None:
    every_minute, _ = IntervalSchedule.objects.get_or_create(
        every=HEARTBEAT_SECONDS, period=IntervalSchedule.SECONDS
    )
    for task in (
        "core.heartbeat",
        "core.publish_scheduled",
        "api.usage_flush",
        "datasets.release_files_sweep",
        "partners.reap_stale_runs",
    ):
        PeriodicTask.objects.get_or_create(
            name=task, defaults={"task": task, "interval": every_minute}
        )
