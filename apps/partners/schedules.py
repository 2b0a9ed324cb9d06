"""Each source's schedule as a django-celery-beat PeriodicTask, kept in step with the source."""

import json

from django.db import transaction
from django.utils.translation import gettext as _
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from apps.partners.models import SyncSource

TASK = "partners.sync_source"


def crontab_parts(line: str) -> list[str]:
    """Five crontab fields, or ValueError with the reason."""
    from celery.schedules import crontab

    parts = line.split()
    if len(parts) != 5:
        raise ValueError(_("A crontab line has five fields: minute hour day month weekday."))
    minute, hour, day, month, weekday = parts
    try:  # celery parses exactly what beat will use
        crontab(
            minute=minute, hour=hour, day_of_month=day, month_of_year=month, day_of_week=weekday
        )
    except (ValueError, TypeError) as error:
        raise ValueError(_("Not a valid crontab line: %(reason)s") % {"reason": error}) from None
    return parts


@transaction.atomic
def source_schedule_sync(source: SyncSource) -> PeriodicTask | None:
    """Create, change or remove the beat entry that triggers this source."""
    task = source.periodic_task
    if not source.every_minutes and not source.crontab:
        if task is not None:
            source.periodic_task = None
            source.save(update_fields=["periodic_task"])
            task.delete()
        return None
    interval = crontab = None
    if source.every_minutes:
        interval, _ = IntervalSchedule.objects.get_or_create(
            every=source.every_minutes, period=IntervalSchedule.MINUTES
        )
    else:
        minute, hour, day, month, weekday = crontab_parts(source.crontab)
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute,
            hour=hour,
            day_of_month=day,
            month_of_year=month,
            day_of_week=weekday,
            timezone="UTC",
        )
    if task is None:
        # A source deleted and created again finds its old entry (names are unique) and
        # takes it over rather than failing.
        name = f"partner sync: {source.slug}"
        task = PeriodicTask.objects.filter(name=name).first() or PeriodicTask(name=name)
        task.task = TASK
    task.interval, task.crontab = interval, crontab
    task.kwargs = json.dumps({"source_id": source.pk})
    task.enabled = source.enabled
    task.save()
    if source.periodic_task_id != task.pk:
        source.periodic_task = task
        source.save(update_fields=["periodic_task"])
    return task
