"""Writing element sets: rows made from the stored texts and rows formatted value by value
(names that need CSV quotes or COPY escapes) store the same values as validation produced."""

import io
from datetime import UTC

import orjson
import pytest
from django.db import connection

from apps.datasets.ingest.apply import file_load
from apps.datasets.ingest.validate import elements_clean
from apps.datasets.ingest.write import RowWriter
from apps.datasets.models import ElementSet
from apps.datasets.representations import DERIVED_FIELDS, ELEMENT_FIELDS, stored_texts

pytestmark = pytest.mark.django_db
STATIONS = "gp_json/celestrak_gp_stations_2025-05-25.json"
# Each needs the value-by-value path: CSV quotes (comma, quote) or COPY escapes (the rest).
AWKWARD_NAMES = ["ONE, TWO", 'SAY "HI"', "BACK\\SLASH", "TAB\tIN", "LINE\nBREAK", "CR\rX"]


def test_every_value_is_stored_as_validated_whichever_way_the_row_was_written(
    datasets, real, monkeypatch
):
    _, elements = datasets
    lines = []
    original = RowWriter._stored_line
    monkeypatch.setattr(
        RowWriter, "_stored_line", lambda self, row: lines.append(original(self, row)) or lines[-1]
    )
    records = orjson.loads((real / STATIONS).read_bytes())
    for record, name in zip(records, AWKWARD_NAMES, strict=False):
        record["OBJECT_NAME"] = name
    records[-1]["OBJECT_NAME"] = ""  # an empty text stays an empty text, not NULL
    result = file_load(elements, [(io.BytesIO(orjson.dumps(records)), "omm_json")])
    assert result.rejected_count == 0 and result.added == len(records)
    fields = ELEMENT_FIELDS + DERIVED_FIELDS
    stored = {
        row["norad_cat_id"]: row
        for row in ElementSet.objects.filter(dataset=elements).values(
            *fields, "json_text", "csv_text", "appeared_in_id", "superseded_in_id"
        )
    }
    for raw in records:
        expected = elements_clean({key.lower(): value for key, value in raw.items()})
        row = stored[expected["norad_cat_id"]]
        assert {name: row[name] for name in fields} == {name: expected[name] for name in fields}
        assert row["epoch"].tzinfo is not None and row["epoch"] == expected["epoch"]
        assert row["epoch"].astimezone(UTC) == expected["epoch"]
        assert (row["json_text"], row["csv_text"]) == stored_texts(
            expected, result.release.number, elements=True
        )
        assert (row["appeared_in_id"], row["superseded_in_id"]) == (result.release.pk, None)
    assert {stored[r["NORAD_CAT_ID"]]["object_name"] for r in records} >= set(AWKWARD_NAMES)
    if connection.vendor == "postgresql":  # both ways were taken
        assert sum(1 for line in lines if not line) == len(AWKWARD_NAMES)
        assert sum(1 for line in lines if line) == len(records) - len(AWKWARD_NAMES)


def test_a_release_checksum_is_the_sha256_of_its_sorted_key_and_hash_pairs(datasets, real):
    """The same bytes however it is made (in PostgreSQL for numeric keys, in Python for the
    text keys of curated tables and on other databases)."""
    import hashlib

    from apps.datasets.ingest.write import release_checksum

    _, elements = datasets
    streams = [(p.open("rb"), "tle") for p in sorted((real / "tle").glob("*debris*"))]
    release = file_load(elements, streams).release
    pairs = sorted(
        ElementSet.objects.filter(dataset=elements, superseded_in__isnull=True).values_list(
            "norad_cat_id", "content_hash"
        )
    )
    expected = hashlib.sha256(orjson.dumps([list(pair) for pair in pairs])).hexdigest()
    assert release.checksum == expected == release_checksum(ElementSet, elements)
    empty = hashlib.sha256(b"[]").hexdigest()
    ElementSet.objects.filter(dataset=elements).update(superseded_in=release)
    assert release_checksum(ElementSet, elements) == empty
