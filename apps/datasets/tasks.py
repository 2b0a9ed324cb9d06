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


@shared_task(name="datasets.statistics_refresh", ignore_result=True)
def statistics_refresh(table: str) -> None:
    """Fresh planner statistics after a big release, so API pages stay on their index."""
    from django.db import connection

    from apps.datasets.models import ElementSet, SpaceObject, TableRow

    # Only the record tables, by name: the argument never reaches SQL unchecked.
    tables = {m._meta.db_table for m in (SpaceObject, ElementSet, TableRow)}
    if connection.vendor == "postgresql" and table in tables:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
