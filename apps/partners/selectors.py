"""Read-only queries for the sync admin pages (a fixed number of queries per page)."""

from django.db.models import OuterRef, Subquery

from apps.datasets.models import Release
from apps.partners.models import SyncRun, SyncSource

RUNS_SHOWN = 50
RELEASES_CHARTED = 20


def sources_overview() -> list[SyncSource]:
    latest = SyncRun.objects.filter(source=OuterRef("pk")).order_by("-pk")
    return list(
        SyncSource.objects.select_related("dataset", "organisation").annotate(
            last_status=Subquery(latest.values("status")[:1]),
            last_finished=Subquery(latest.values("finished_at")[:1]),
        )
    )


def runs_recent(source: SyncSource) -> list[SyncRun]:
    return list(SyncRun.objects.filter(source=source).select_related("release")[:RUNS_SHOWN])


def releases_by_source(source: SyncSource) -> list[Release]:
    """The releases this source's runs produced, oldest first (for the chart)."""
    ids = SyncRun.objects.filter(source=source, release__isnull=False).values("release_id")
    releases = Release.objects.filter(pk__in=ids).order_by("-number")[:RELEASES_CHARTED]
    return list(reversed(releases))
