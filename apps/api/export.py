"""Whole-release exports that stream: rows go out as the database cursor yields them, so memory
stays flat however large the release.

On PostgreSQL the CSV export is written by the server itself (`COPY … TO STDOUT`), with a SELECT
that formats every value exactly as the Python path does; elsewhere (SQLite, the embedded
default) Python writes it. Both give the same bytes: tests/api/test_export_copy.py holds them to
that."""

import csv
from collections.abc import Iterator

import orjson
from django.db import connection
from django.db.models import Q
from psycopg import sql

from apps.api.representations import (
    DERIVED_FIELDS,
    ELEMENT_FIELDS,
    OBJECT_FIELDS,
    element_row,
    object_row,
)
from apps.datasets.models import Dataset, ElementSet, Release, SpaceObject
from apps.datasets.selectors import release_numbers_by_id, table_release_rows

CHUNK = 2000
# COPY hands over one row per message; gathering them into blocks of this size keeps the number
# of writes to the client (and of Python iterations downstream) small while memory stays flat.
COPY_BLOCK = 64 * 1024


class _Line:
    """A file-like object for csv.writer that hands back what was written."""

    def write(self, value: str) -> str:
        return value


def release_rows(dataset: Dataset, release: Release) -> Iterator[dict]:
    if dataset.kind == Dataset.Kind.CURATED_TABLE:
        yield from table_release_rows(dataset, release, CHUNK)
        return
    if dataset.kind == Dataset.Kind.SPACE_OBJECTS:
        model, fields, shape = SpaceObject, OBJECT_FIELDS, object_row
    else:
        model, fields, shape = ElementSet, ELEMENT_FIELDS + DERIVED_FIELDS, element_row
    versions = (
        model.objects.filter(dataset=dataset, appeared_in_id__lte=release.pk)
        .filter(Q(superseded_in__isnull=True) | Q(superseded_in_id__gt=release.pk))
        .order_by("norad_cat_id")
        .values(*fields, "appeared_in_id", "superseded_in_id")
    )
    numbers = release_numbers_by_id(dataset)
    for values in versions.iterator(chunk_size=CHUNK):
        yield shape(values, numbers)


def export_csv(rows: Iterator[dict]) -> Iterator[str]:
    writer = csv.writer(_Line(), lineterminator="\r\n")
    header_written = False
    for row in rows:
        if not header_written:
            yield writer.writerow(list(row))
            header_written = True
        yield writer.writerow(list(row.values()))


def export_json(rows: Iterator[dict]) -> Iterator[bytes]:
    yield b"["
    first = True
    for row in rows:
        yield (b"" if first else b",") + orjson.dumps(row)
        first = False
    yield b"]"


def release_csv(dataset: Dataset, release: Release) -> Iterator[str] | Iterator[bytes]:
    """The whole release as CSV: PostgreSQL's COPY where available, Python otherwise."""
    # Curated tables keep their rows as JSON documents: the Python writer handles them.
    if connection.vendor == "postgresql" and dataset.kind != Dataset.Kind.CURATED_TABLE:
        return export_csv_copy(release_copy_query(dataset, release))
    return export_csv(release_rows(dataset, release))


# ---------------------------------------------------------------- the same CSV, written by COPY
# Each expression reproduces what csv.writer makes of the Python value:
# - text: csv.writer writes "" and None alike as an empty field, COPY quotes an empty string to
#   tell it from NULL, so empty text becomes NULL;
# - float: Python's repr. PostgreSQL (extra_float_digits >= 1, the default) prints the same
#   shortest round-trip digits but drops ".0" from whole numbers and switches to exponent form
#   from 1e15 where Python does from 1e16;
# - bool: True/False rather than t/f; dates and epochs as isoformat()/strftime() print them.
_FLOAT = (
    "CASE WHEN abs({c}) < 1e15 THEN"
    " CASE WHEN {c} = trunc({c}) THEN {c}::text || '.0' ELSE {c}::text END"
    " WHEN abs({c}) < 1e16 THEN"
    " CASE WHEN {c} = trunc({c}) THEN {c}::text::numeric::text || '.0'"
    " ELSE {c}::text::numeric::text END"
    " ELSE {c}::text END"
)
_TEXT = "NULLIF({c}, '')"
_BOOL = "CASE WHEN {c} THEN 'True' WHEN NOT {c} THEN 'False' END"
_DATE = "to_char({c}, 'YYYY-MM-DD')"
_EPOCH = """to_char({c} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')"""
_AS_IS = "{c}"


def _column_formats(model) -> dict[str, str]:
    formats = {}
    for field in model._meta.concrete_fields:
        kind = field.get_internal_type()
        if kind == "FloatField":
            formats[field.name] = _FLOAT
        elif kind in ("CharField", "TextField", "SlugField"):
            formats[field.name] = _TEXT
        elif kind == "BooleanField":
            formats[field.name] = _BOOL
        elif kind == "DateField":
            formats[field.name] = _DATE
        elif kind == "DateTimeField":
            formats[field.name] = _EPOCH
        else:
            formats[field.name] = _AS_IS
    return formats


def release_copy_query(dataset: Dataset, release: Release) -> sql.Composed:
    """`COPY (SELECT …) TO STDOUT` giving the same columns, header and values as
    `export_csv(release_rows(dataset, release))`."""
    if dataset.kind == Dataset.Kind.SPACE_OBJECTS:
        model, fields, versions = SpaceObject, OBJECT_FIELDS, ["release"]
    else:
        model = ElementSet
        fields, versions = ELEMENT_FIELDS + DERIVED_FIELDS, ["release", "superseded_in_release"]
    formats = _column_formats(model)
    columns = [
        sql.SQL("{} AS {}").format(
            sql.SQL(formats[name].format(c=f"v.{connection.ops.quote_name(name)}")),
            sql.Identifier(name),
        )
        for name in fields
    ]
    # Release numbers by join; a version superseded after `release` names the later release.
    columns.append(sql.SQL("appeared.number AS {}").format(sql.Identifier("release")))
    if "superseded_in_release" in versions:
        columns.append(
            sql.SQL("superseded.number AS {}").format(sql.Identifier("superseded_in_release"))
        )
    releases = sql.Identifier(Release._meta.db_table)
    return sql.SQL(
        "COPY (SELECT {columns} FROM {table} v"
        " JOIN {releases} appeared ON appeared.id = v.appeared_in_id"
        " LEFT JOIN {releases} superseded ON superseded.id = v.superseded_in_id"
        " WHERE v.dataset_id = {dataset} AND v.appeared_in_id <= {release}"
        " AND (v.superseded_in_id IS NULL OR v.superseded_in_id > {release})"
        " ORDER BY v.norad_cat_id) TO STDOUT WITH (FORMAT csv, HEADER)"
    ).format(
        columns=sql.SQL(", ").join(columns),
        table=sql.Identifier(model._meta.db_table),
        releases=releases,
        dataset=sql.Literal(dataset.pk),
        release=sql.Literal(release.pk),
    )


def export_csv_copy(query: sql.Composed) -> Iterator[bytes]:
    """Stream a COPY … TO STDOUT (FORMAT csv, HEADER) as csv.writer would have written it:
    CRLF line ends, and nothing at all (not even the header) when there are no rows."""
    block = bytearray()
    with connection.cursor() as cursor, cursor.cursor.copy(query) as copy:
        # PostgreSQL sends exactly one row per COPY message (protocol guarantee), so each row's
        # final "\n" is its terminator; a newline inside a quoted value is left untouched.
        header = None
        for row in copy:
            if header is None:
                header = bytes(row[:-1]) + b"\r\n"
                continue
            if header:
                block += header
                header = b""
            block += row[:-1]
            block += b"\r\n"
            if len(block) >= COPY_BLOCK:
                yield bytes(block)
                block.clear()
    if block:
        yield bytes(block)
