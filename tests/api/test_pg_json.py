"""On PostgreSQL a JSON page's records are written by the server (apps/api/pg_json.py); the page
must be the bytes the Python path (element_row/object_row through orjson) gives."""

import gzip
import math
import types

import orjson
import pytest
from django.core.cache import cache
from django.db import connection
from psycopg import sql

from apps.api import pg_json, views
from apps.datasets.models import Release
from tests.api.test_api_v1 import _new_release

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL writes the rows; SQLite uses Python"
)


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def _walk(api, url: str, params: dict) -> list[bytes]:
    """Every page of a listing, following `next`, as the bytes on the wire."""
    pages = []
    while url:
        response = api.get(url, params, HTTP_ACCEPT_ENCODING="identity")
        assert response.status_code == 200, response.content[:300]
        pages.append(response.content)
        url, params = orjson.loads(response.content)["next"], None
    return pages


def _python_path(monkeypatch):
    """The views as they run where the database is not PostgreSQL."""
    monkeypatch.setattr(views, "connection", types.SimpleNamespace(vendor="python"))
    cache.clear()


QUERIES = [
    ("/api/v1/elements/", {"page_size": 1000}),
    ("/api/v1/elements/", {"page_size": 1000, "history": "true"}),
    ("/api/v1/elements/", {"page_size": 1000, "as_of": 1}),
    ("/api/v1/elements/", {"page_size": 700, "ordering": "-perigee_altitude"}),
    ("/api/v1/elements/", {"page_size": 900, "ordering": "epoch"}),
    ("/api/v1/objects/", {"page_size": 1000}),
    ("/api/v1/objects/", {"page_size": 300, "ordering": "-launch_date"}),
    ("/api/v1/objects/", {"page_size": 100, "object_type": "DEB", "ordering": "perigee"}),
]


@on_postgresql
def test_every_page_of_the_real_data_is_the_bytes_of_the_python_path(api, loaded, monkeypatch):
    _new_release(loaded[1])  # release 1 now holds versions superseded in release 2
    written = [_walk(api, url, params) for url, params in QUERIES]
    _python_path(monkeypatch)
    rows = 0
    for (url, params), pages in zip(QUERIES, written, strict=True):
        expected = _walk(api, url, params)
        assert len(pages) == len(expected)
        for ours, theirs in zip(pages, expected, strict=True):
            assert ours == theirs
            rows += len(orjson.loads(ours)["results"])
    assert rows > 10_000
    as_of = [r["superseded_in_release"] for r in orjson.loads(written[2][0])["results"]]
    assert set(as_of) == {None, 2}  # the release numbers of the join, both kinds


@on_postgresql
def test_previous_links_and_a_walk_backwards_give_the_same_bytes(api, loaded, monkeypatch):
    def backwards():
        first = api.get("/api/v1/elements/", {"page_size": 400}).json()
        third = api.get(api.get(first["next"]).json()["next"])
        previous = api.get(third.json()["previous"])
        return [third.content, previous.content]

    ours = backwards()
    _python_path(monkeypatch)
    assert backwards() == ours


@on_postgresql
def test_every_record_version_is_the_bytes_orjson_makes_of_its_row(loaded):
    from apps.api.representations import (
        DERIVED_FIELDS,
        ELEMENT_FIELDS,
        OBJECT_FIELDS,
        VERSION_FIELDS,
        element_row,
        object_row,
    )
    from apps.datasets.models import ElementSet, SpaceObject
    from apps.datasets.selectors import release_numbers_by_id

    catalogue, elements = loaded
    _new_release(elements)
    checked = 0
    for dataset, model, fields, shape in (
        (catalogue, SpaceObject, OBJECT_FIELDS, object_row),
        (elements, ElementSet, ELEMENT_FIELDS + DERIVED_FIELDS, element_row),
    ):
        numbers = release_numbers_by_id(dataset)
        versions = model.objects.filter(dataset=dataset).order_by("id")
        written = versions.annotate(row_json=pg_json.row_json(model)).values_list(
            "row_json", flat=True
        )
        python = versions.values("id", *fields, *VERSION_FIELDS)
        for ours, values in zip(written, python, strict=True):
            assert ours.encode() == orjson.dumps(shape(values, numbers))
            checked += 1
    assert checked > 5_000
    assert Release.objects.filter(dataset=elements).count() == 2


def _format(expression: str, pg_type: str, values: list) -> list[str]:
    text = [repr(v) if isinstance(v, float) else v for v in values]
    query = sql.SQL(
        "SELECT {expr} FROM unnest({values}::{type}[]) WITH ORDINALITY t(c, n) ORDER BY n"
    ).format(
        expr=sql.SQL(expression.format(c="c")),
        values=sql.Literal(text),
        type=sql.SQL(pg_type),
    )
    with connection.cursor() as cursor:
        cursor.execute(query.as_string(cursor.connection))
        return [row[0] for row in cursor.fetchall()]


FLOATS = [0.0, -0.0, 1.0, -7.0, 15.0, 0.1 + 0.2, 15.49496548, 398600.4418, 0.0001, -0.0001,
          9.999999999999999e-05, 1e-05, 1.5e-05, -1.2345678901234568e-05, 9.99e-06, 1e-06, 1e-07,
          1.5e-07, 5e-324, -1e-300, 123456789012345.6, 1e15, 1234567890123456.8,
          9.999999999999998e15, 1e16, 1e21, 2.5e20, 1.7976931348623157e308, None]  # fmt: skip
# Whole values of 1e16 and more: PostgreSQL prints some of them with a 17th digit orjson leaves
# out (6.4295608915343344e+16 for 6.429560891534334e+16); both read back as the same float.
LARGE = [123456789012345680.0, 6.429560891534334e16, -3.092535278770144e18, 1e100]


@on_postgresql
def test_floats_are_the_bytes_orjson_writes_below_1e16():
    assert _format(pg_json.FLOAT, "float8", FLOATS) == [orjson.dumps(v).decode() for v in FLOATS]


@on_postgresql
def test_floats_of_1e16_and_more_are_json_value_equal_bit_identical_floats():
    for value, written in zip(LARGE, _format(pg_json.FLOAT, "float8", LARGE), strict=True):
        read = orjson.loads(written)
        assert read == value and math.copysign(1, read) == math.copysign(1, value)
    infinite = _format(pg_json.FLOAT, "float8", ["Infinity", "-Infinity", "NaN"])
    assert infinite == ["null"] * 3  # as orjson writes them (validation refuses them anyway)


TEXTS = ["", "ISS (ZARYA)", 'say "hi"', "back\\slash", "line\nbreak", "\r\t\b\f", "\x01\x1f",
         "\x7f", "é ✓ \u2028 😀", "</script>", "a/b"]  # fmt: skip


@on_postgresql
def test_text_is_escaped_as_orjson_escapes_it():
    assert _format(pg_json.TEXT, "text", TEXTS) == [orjson.dumps(t).decode() for t in TEXTS]
    assert _format(pg_json.TEXT_OR_NULL, "text", ["", "x", None]) == ["null", '"x"', "null"]


def test_a_large_page_is_gzipped_fast_and_decompresses_to_the_identity_page(api, loaded):
    params = {"page_size": 1000}
    plain = api.get("/api/v1/elements/", params, HTTP_ACCEPT_ENCODING="identity")
    assert len(plain.content) > views.PAGE_GZIP_FROM and "Content-Encoding" not in plain
    for _ in range(2):  # cold, then cached
        packed = api.get("/api/v1/elements/", params, HTTP_ACCEPT_ENCODING="gzip, deflate")
        assert packed["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in packed["Vary"] and packed["ETag"] == "W/" + plain["ETag"]
        assert int(packed["Content-Length"]) == len(packed.content) < len(plain.content) / 4
        assert gzip.decompress(packed.content) == plain.content
