"""The demo datasets: the real catalogue extract and element sets shipped in fixtures/real/."""

from pathlib import Path

import orjson
from django.db import transaction

from apps.accounts.models import Organisation
from apps.datasets.ingest.apply import file_load
from apps.datasets.ingest.parse import format_guess
from apps.datasets.ingest.records import IngestResult
from apps.datasets.ingest.tables import table_upload
from apps.datasets.models import Dataset, TableUpload

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "real"
TABLES = Path(__file__).resolve().parent / "fixtures" / "tables"
DEMO_TABLE = "destructive-debris-events"
CATALOGUE_FILES = ["celestrak_satcat_extract_2026-07-03.csv"]
ELEMENT_FILES = sorted(p.name for p in FIXTURES.glob("*.tle")) + [
    "celestrak_cosmos-2251-debris_2021-10-02.txt",
    "celestrak_iridium-33-debris_2021-10-02.txt",
]


@transaction.atomic
def demo_datasets_ensure() -> tuple[Dataset, Dataset]:
    publisher, _ = Organisation.objects.get_or_create(
        slug="celestrak",
        defaults={
            "name": "CelesTrak",
            "kind": Organisation.Kind.RESEARCH,
            "country": "US",
            "website": "https://celestrak.org",
        },
    )
    common = {
        "publisher": publisher,
        "licence_name": "CelesTrak data: free to use with credit to CelesTrak",
        "licence_url": "https://celestrak.org/webmaster.php",
        "contact_name": "Orbital Commons data desk",
        "update_frequency": Dataset.Frequency.DAILY,
        "spatial_coverage": "Earth orbit",
    }
    catalogue, _ = Dataset.objects.get_or_create(
        slug="space-objects",
        defaults={
            **common,
            "kind": Dataset.Kind.SPACE_OBJECTS,
            "title": {
                "en": "Space object catalogue",
                "fr": "Catalogue des objets spatiaux",
                "es": "Catálogo de objetos espaciales",
                "ar": "فهرس الأجسام الفضائية",
                "ru": "Каталог космических объектов",
                "zh-hans": "空间物体目录",
            },
            "description": {
                "en": "Satellite catalogue (SATCAT) records: identifiers, owner, "
                "launch and decay, orbit summary and radar cross-section."
            },
            "keywords": ["SATCAT", "NORAD", "COSPAR", "space objects"],
            "themes": ["space situational awareness"],
        },
    )
    elements, _ = Dataset.objects.get_or_create(
        slug="element-sets",
        defaults={
            **common,
            "kind": Dataset.Kind.ELEMENT_SETS,
            "title": {
                "en": "Orbital element sets",
                "fr": "Jeux d'éléments orbitaux",
                "es": "Conjuntos de elementos orbitales",
                "ar": "مجموعات العناصر المدارية",
                "ru": "Наборы орбитальных элементов",
                "zh-hans": "轨道根数集",
            },
            "description": {
                "en": "CCSDS OMM mean elements (SGP4) with derived altitudes, "
                "orbit regime and IADC protected regions."
            },
            "keywords": ["OMM", "TLE", "GP", "SGP4"],
            "themes": ["space situational awareness", "space debris"],
        },
    )
    if elements.object_catalogue_id is None:
        elements.object_catalogue = catalogue
        elements.save(update_fields=["object_catalogue"])
    return catalogue, elements


def demo_datasets_load() -> list[IngestResult]:
    """Idempotent: loading unchanged files again publishes nothing."""
    catalogue, elements = demo_datasets_ensure()
    results = []
    for dataset, names in ((catalogue, CATALOGUE_FILES), (elements, ELEMENT_FILES)):
        streams = [((FIXTURES / n).open("rb"), format_guess(n)) for n in names]
        try:
            results.append(file_load(dataset, streams, source_detail="demo fixtures"))
        finally:
            for stream, _ in streams:
                stream.close()
    return results


def demo_table_load() -> TableUpload:
    """A curated table editors keep by hand: the debris-generating events the courses cite.
    Idempotent: uploading the same file again publishes nothing."""
    publisher, _ = Organisation.objects.get_or_create(
        slug="orbital-commons",
        defaults={"name": "Orbital Commons", "kind": Organisation.Kind.OTHER},
    )
    table, _ = Dataset.objects.get_or_create(
        slug=DEMO_TABLE,
        defaults={
            "kind": Dataset.Kind.CURATED_TABLE,
            "title": {
                "en": "Destructive debris-generating events",
                "fr": "Événements destructeurs générateurs de débris",
                "es": "Eventos destructivos generadores de desechos",
                "ar": "الأحداث المدمرة المولدة للحطام",
                "ru": "Разрушительные события, порождающие мусор",
                "zh-hans": "产生碎片的破坏性事件",
            },
            "description": {
                "en": "Destructive anti-satellite tests and the accidental collision that "
                "created large debris clouds, with the catalogue numbers of the parent objects."
            },
            "publisher": publisher,
            "licence_name": "CC BY 4.0",
            "licence_url": "https://creativecommons.org/licenses/by/4.0/",
            "update_frequency": Dataset.Frequency.IRREGULAR,
            "keywords": ["space debris", "anti-satellite tests", "collisions"],
            "themes": ["space debris"],
            "table_schema": orjson.loads((TABLES / f"{DEMO_TABLE}.schema.json").read_bytes()),
        },
    )
    if table.uploads.exists():  # the demo loads once; later versions come from editors
        return table.uploads.first()
    with (TABLES / f"{DEMO_TABLE}.csv").open("rb") as stream:
        return table_upload(table, stream, filename=f"{DEMO_TABLE}.csv", user=None)
