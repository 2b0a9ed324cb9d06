"""The demo's partner source: the local demo endpoint (`run` starts it) on a short schedule."""

from django.conf import settings

from apps.accounts.models import Organisation
from apps.datasets.demo import demo_datasets_ensure
from apps.partners.models import SyncSource
from apps.partners.services import source_save

DEMO_SOURCE = "demo-partner-stations"
DEMO_FILE = "celestrak_stations_2026-05-30T2250Z.tle"


def demo_source_ensure() -> SyncSource:
    """Idempotent. Incremental, so it adds and updates element sets but withdraws nothing."""
    _, elements = demo_datasets_ensure()
    partner, _ = Organisation.objects.get_or_create(
        slug="demo-partner-agency",
        defaults={"name": "Demo Partner Agency", "is_partner": True},
    )
    source = SyncSource.objects.filter(slug=DEMO_SOURCE).first()
    if source is not None:
        return source
    source = SyncSource(
        slug=DEMO_SOURCE,
        name="Demo partner: space stations (TLE)",
        organisation=partner,
        dataset=elements,
        url=f"http://127.0.0.1:{settings.DEMO_PARTNER_PORT}/files/{DEMO_FILE}",
        adapter="tle",
        mode=SyncSource.Mode.INCREMENTAL,
        every_minutes=2,
    )
    return source_save(source)
