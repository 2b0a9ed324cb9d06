"""Each record version keeps its JSON and CSV as written at ingest (stored_texts); pages and
exports join them. What they serve must be the bytes the Python shaping (element_row/object_row
through orjson and csv.writer) makes of the same rows, on every database."""

import csv
import gzip
import io

import orjson
import pytest
from django.core.cache import cache
from django.core.management import call_command

from apps.api import export, page_cache, stored
from apps.datasets.ingest.apply import file_load
from apps.datasets.models import ElementSet, Release, SpaceObject
from apps.datasets.representations import (
    DERIVED_FIELDS,
    ELEMENT_FIELDS,
    OBJECT_FIELDS,
    VERSION_FIELDS,
    element_row,
    object_row,
)
from apps.datasets.selectors import release_numbers_by_id
from tests.api.test_api_v1 import _new_release

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def _shapes(dataset, model) -> dict[int, bytes]:
    """{version id: the bytes orjson makes of the Python shape of its row}."""
    elements = model is ElementSet
    fields = ELEMENT_FIELDS + DERIVED_FIELDS if elements else OBJECT_FIELDS
    shape = element_row if elements else object_row
    numbers = release_numbers_by_id(dataset)
    versions = model.objects.filter(dataset=dataset).values("id", *fields, *VERSION_FIELDS)
    return {v["id"]: orjson.dumps(shape(v, numbers)) for v in versions}


def test_every_version_reads_as_the_bytes_orjson_makes_of_its_row(loaded):
    catalogue, elements = loaded
    _new_release(elements)  # release 1 now holds versions superseded in release 2
    checked = 0
    for dataset, model in ((catalogue, SpaceObject), (elements, ElementSet)):
        expected = _shapes(dataset, model)
        rows = list(
            model.objects.filter(dataset=dataset).values_list("id", "json_text", "superseded_in_id")
        )
        texts = stored.json_texts(
            model, [row[1:] for row in rows], lambda dataset=dataset: release_numbers_by_id(dataset)
        )
        for (pk, *_), text in zip(rows, texts, strict=True):
            assert text.encode() == expected[pk]
            checked += 1
    assert checked > 5_000
    superseded = ElementSet.objects.filter(dataset=elements, superseded_in__isnull=False)
    assert superseded.exists()  # versions with and without a superseding release compared


QUERIES = [
    ("/api/v1/elements/", {"page_size": 1000}, ElementSet),
    ("/api/v1/elements/", {"page_size": 1000, "history": "true"}, ElementSet),
    ("/api/v1/elements/", {"page_size": 1000, "as_of": 1}, ElementSet),
    ("/api/v1/elements/", {"page_size": 700, "ordering": "-perigee_altitude"}, ElementSet),
    ("/api/v1/objects/", {"page_size": 1000}, SpaceObject),
    ("/api/v1/objects/", {"page_size": 100, "object_type": "DEB", "ordering": "perigee"}, None),
]


def test_every_page_of_the_real_data_holds_the_python_rows(api, loaded):
    catalogue, elements = loaded
    _new_release(elements)
    python = {
        ElementSet: {
            (r["norad_cat_id"], r["release"]): r
            for r in map(orjson.loads, _shapes(elements, ElementSet).values())
        },
        SpaceObject: {
            r["norad_cat_id"]: r
            for r in map(orjson.loads, _shapes(catalogue, SpaceObject).values())
        },
    }
    rows = 0
    for url, params, model in QUERIES:
        model = model or SpaceObject
        while url:
            response = api.get(url, params, HTTP_ACCEPT_ENCODING="identity")
            assert response.status_code == 200, response.content[:300]
            page = orjson.loads(response.content)
            for row in page["results"]:
                key = (
                    (row["norad_cat_id"], row["release"])
                    if model is ElementSet
                    else row["norad_cat_id"]
                )
                assert row == python[model][key]
                rows += 1
            url, params = page["next"], None
    assert rows > 10_000


def _python_csv(dataset, release) -> bytes:
    return "".join(export.export_csv(export.release_rows(dataset, release))).encode()


@pytest.mark.parametrize("chunk", [export.CHUNK, 100])  # one query, or a server-side cursor
def test_the_export_is_the_python_csv_for_every_real_release(api, loaded, chunk, monkeypatch):
    monkeypatch.setattr(export, "CHUNK", chunk)
    catalogue, elements = loaded
    _new_release(elements)
    checked = 0
    for dataset in (catalogue, elements):
        for release in Release.objects.filter(dataset=dataset).order_by("number"):
            expected = _python_csv(dataset, release)
            assert expected.count(b"\r\n") > 500
            assert b"".join(export.release_csv(dataset, release)) == expected
            url = f"/api/v1/datasets/{dataset.slug}/releases/{release.number}/export.csv"
            assert b"".join(api.get(url).streaming_content) == expected
            as_json = b"".join(export.export_json(export.release_rows(dataset, release)))
            assert b"".join(export.release_json(dataset, release)) == as_json
            assert b"".join(api.get(url.replace(".csv", ".json")).streaming_content) == as_json
            checked += 1
    assert checked >= 3
    first = Release.objects.get(dataset=elements, number=1)
    rows = csv.DictReader(io.StringIO(b"".join(export.release_csv(elements, first)).decode()))
    assert {r["superseded_in_release"] for r in rows} == {"", "2"}


AWKWARD = [
    # name, COSPAR id, RCS: text that CSV must quote and JSON escape, floats at the edges of
    # their notations.
    ('SAY "HI", THEN GO', "1998-067A", "0.0001"),
    ("BACK\\SLASH ÉTÉ ✓ 😀", "1998-067B", "1e-05"),
    ("=1+2", "1998-067C", "1e16"),
    ("  LEAD, TRAIL  ", "1998-067D", "1234567890123456.8"),
    ("</SCRIPT>", "1998-067E", "5e-324"),
    ("PLAIN", "1998-067F", "0"),
]


def test_awkward_text_and_floats_are_stored_as_python_writes_them(api, db):
    from apps.datasets.demo import demo_datasets_ensure

    catalogue, _ = demo_datasets_ensure()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["OBJECT_NAME", "OBJECT_ID", "NORAD_CAT_ID", "OBJECT_TYPE", "RCS"])
    for number, (name, cospar, rcs) in enumerate(AWKWARD, start=90001):
        writer.writerow([name, cospar, number, "PAY", rcs])
    result = file_load(catalogue, [(io.BytesIO(out.getvalue().encode()), "satcat_csv")])
    assert result.rejected_count == 0 and result.release is not None
    expected = _shapes(catalogue, SpaceObject)
    ids = dict(SpaceObject.objects.filter(dataset=catalogue).values_list("norad_cat_id", "id"))
    page = api.get("/api/v1/objects/", {"page_size": 100}, HTTP_ACCEPT_ENCODING="identity")
    served = orjson.loads(page.content)["results"]
    assert [orjson.dumps(r) for r in served] == [expected[ids[r["norad_cat_id"]]] for r in served]
    assert {r["object_name"] for r in served} == {name.strip() for name, _, _ in AWKWARD}
    exported = b"".join(export.release_csv(catalogue, result.release))
    assert exported == _python_csv(catalogue, result.release)
    assert b'"SAY ""HI"", THEN GO"' in exported


def test_records_render_writes_the_same_texts_again(loaded):
    before = dict(ElementSet.objects.values_list("id", "json_text"))
    before_csv = dict(SpaceObject.objects.values_list("id", "csv_text"))
    ElementSet.objects.filter(norad_cat_id__lt=30000).update(json_text="", csv_text="")
    call_command("records_render", missing=True, no_progress=True, stdout=io.StringIO())
    assert dict(ElementSet.objects.values_list("id", "json_text")) == before
    SpaceObject.objects.update(csv_text="broken")
    call_command("records_render", no_progress=True, stdout=io.StringIO())
    assert dict(SpaceObject.objects.values_list("id", "csv_text")) == before_csv


def test_an_empty_release_exports_no_bytes(db):
    from apps.datasets.demo import demo_datasets_ensure

    _, elements = demo_datasets_ensure()
    release = Release.objects.create(
        dataset=elements, number=1, checksum="", record_count=0, added=0, changed=0,
        withdrawn=0, source=Release.Source.FILE,
    )  # fmt: skip
    assert b"".join(export.release_csv(elements, release)) == b""
    assert b"".join(export.release_json(elements, release)) == b"[]"


def test_a_large_page_is_gzipped_fast_and_decompresses_to_the_identity_page(api, loaded):
    params = {"page_size": 1000}
    plain = api.get("/api/v1/elements/", params, HTTP_ACCEPT_ENCODING="identity")
    assert len(plain.content) > page_cache.PAGE_GZIP_FROM and "Content-Encoding" not in plain
    for _ in range(2):  # cold, then cached
        packed = api.get("/api/v1/elements/", params, HTTP_ACCEPT_ENCODING="gzip, deflate")
        assert packed["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in packed["Vary"] and packed["ETag"] == "W/" + plain["ETag"]
        assert int(packed["Content-Length"]) == len(packed.content) < len(plain.content) / 4
        assert gzip.decompress(packed.content) == plain.content
