from django.db.models.signals import post_delete
from django.dispatch import receiver

from apps.partners.models import SyncSource


@receiver(post_delete, sender=SyncSource)
def source_schedule_remove(sender, instance: SyncSource, **kwargs) -> None:
    """A deleted source's beat entry goes too, so beat stops triggering it."""
    if instance.periodic_task_id:
        from django_celery_beat.models import PeriodicTask

        PeriodicTask.objects.filter(pk=instance.periodic_task_id).delete()
