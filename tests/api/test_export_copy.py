"""On PostgreSQL the CSV export is written by COPY; it must give the bytes the Python path gives."""

import csv
import io
from datetime import UTC, date, datetime

import pytest
from django.db import connection
from psycopg import sql

from apps.api import export
from apps.datasets.models import Release
from tests.api.test_api_v1 import _new_release

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="COPY is PostgreSQL's; SQLite uses Python"
    ),
]


def _python_csv(dataset, release) -> bytes:
    return "".join(export.export_csv(export.release_rows(dataset, release))).encode()


def _copy_csv(dataset, release) -> bytes:
    return b"".join(export.export_csv_copy(export.release_copy_query(dataset, release)))


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_copy_export_equals_python_export_for_real_releases(api, loaded):
    catalogue, elements = loaded
    _new_release(elements)  # release 1 now holds versions superseded in release 2
    checked = 0
    for dataset in (catalogue, elements):
        for release in Release.objects.filter(dataset=dataset).order_by("number"):
            expected = _python_csv(dataset, release)
            assert expected.count(b"\r\n") > 500
            assert _copy_csv(dataset, release) == expected
            url = f"/api/v1/datasets/{dataset.slug}/releases/{release.number}/export.csv"
            assert _body(api.get(url)) == expected
            checked += 1
    assert checked >= 3  # every release of both datasets, one of them superseded in part


def test_copy_export_of_an_earlier_release_names_the_superseding_release(loaded):
    _, elements = loaded
    _new_release(elements)
    first = Release.objects.get(dataset=elements, number=1)
    rows = list(csv.DictReader(io.StringIO(_copy_csv(elements, first).decode())))
    assert {r["superseded_in_release"] for r in rows} == {"", "2"}


FLOATS = [0.0, -0.0, 1.0, -7.0, 0.1 + 0.2, 1e-05, 0.0001, 1.5e-07, 123456789012345.6, 1e15,
          1234567890123456.0, 9.999999999999998e15, 1e16, 2.5e20, 5e-324, 1.7976931348623157e308,
          15.49548569, 0.0001234, -0.00012345, 398600.4418]  # fmt: skip
TEXTS = ["", "ISS (ZARYA)", 'say "hi"', "a,b", "line\nbreak", "cr\rhere", " lead", "=1+2"]


def _literal(value, pg_type: str) -> sql.Composable:
    # Floats as text, so that -0.0 and 1e16 reach PostgreSQL as the float8 they are.
    text = repr(value) if isinstance(value, float) else value
    return sql.SQL("{}::{}").format(sql.Literal(text), sql.SQL(pg_type))


def _copy_values(expression: str, pg_type: str, values: list) -> bytes:
    """COPY literal values through a format expression, beside a constant second column (a
    one-field CSV row gets quoted specially by csv.writer when empty; real exports have many)."""
    rows = sql.SQL(", ").join(
        sql.SQL("({}, {})").format(_literal(v, pg_type), sql.Literal(i))
        for i, v in enumerate(values)
    )
    query = sql.SQL(
        "COPY (SELECT {expr} AS v, 'x' AS w FROM (VALUES {rows}) t(c, n) ORDER BY n) "
        "TO STDOUT WITH (FORMAT csv, HEADER)"
    ).format(expr=sql.SQL(expression.format(c="c")), rows=rows)
    return b"".join(export.export_csv_copy(query))


def _csv_writer(values: list) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["v", "w"])
    writer.writerows([v, "x"] for v in values)
    return out.getvalue().encode()


@pytest.mark.parametrize(
    ("expression", "pg_type", "values", "python"),
    [
        (export._FLOAT, "float8", FLOATS, FLOATS),
        (export._FLOAT, "float8", [None], [None]),
        (export._TEXT, "text", TEXTS, TEXTS),
        (export._BOOL, "boolean", [True, False, None], [True, False, None]),
        (
            export._DATE,
            "date",
            [date(1957, 10, 4), date(2026, 1, 31), None],
            ["1957-10-04", "2026-01-31", None],
        ),
        (
            export._EPOCH,
            "timestamptz",
            [datetime(2025, 5, 25, 3, 4, 5, tzinfo=UTC), datetime(2025, 5, 25, 3, 4, 5, 120, UTC)],
            ["2025-05-25T03:04:05.000000", "2025-05-25T03:04:05.000120"],
        ),
    ],
)
def test_each_sql_format_matches_what_csv_writer_writes(expression, pg_type, values, python):
    assert _copy_values(expression, pg_type, values) == _csv_writer(python)


def test_no_rows_means_no_bytes_not_even_a_header(db):
    query = sql.SQL("COPY (SELECT 1 AS a WHERE false) TO STDOUT WITH (FORMAT csv, HEADER)")
    assert b"".join(export.export_csv_copy(query)) == b""
