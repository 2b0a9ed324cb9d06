from celery import shared_task
from django.utils import timezone

from apps.core.models import Heartbeat


@shared_task(name="core.heartbeat", ignore_result=True)
def heartbeat() -> None:
    Heartbeat.objects.update_or_create(name="worker", defaults={"beat_at": timezone.now()})


@shared_task(name="core.publish_scheduled", ignore_result=True)
def publish_scheduled() -> None:
    """Wagtail's scheduled publishing: pages whose go-live or expiry time has come."""
    from django.core.management import call_command

    call_command("publish_scheduled")
