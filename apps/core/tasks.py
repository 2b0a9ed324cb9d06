from celery import shared_task
from django.utils import timezone

from apps.core.models import Heartbeat


@shared_task(name="core.heartbeat", ignore_result=True)
def heartbeat() -> None:
    Heartbeat.objects.update_or_create(name="worker", defaults={"beat_at": timezone.now()})
