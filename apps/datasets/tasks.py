from celery import shared_task

from apps.datasets.release_files import release_files_build


@shared_task(name="datasets.release_files_build", ignore_result=True, acks_late=True)
def build_release_files(release_id: int) -> None:
    release_files_build(release_id)


@shared_task(name="datasets.release_files_sweep", ignore_result=True)
def sweep_release_files() -> None:
    """Build what a lost message or a down broker left unbuilt."""
    from django.db.models import Count

    from apps.datasets.models import Release

    for release_id in (
        Release.objects.annotate(n=Count("files")).filter(n=0).values_list("pk", flat=True)[:20]
    ):
        release_files_build(release_id)
