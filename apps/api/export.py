"""Whole-release exports that stream: rows go out as the database cursor yields them, so memory
stays flat however large the release.

The CSV export of space objects and element sets joins the CSV line stored with each version at
ingest (apps/datasets/representations.py: stored_texts), adding only the superseding release:
no value is formatted again. tests/api/test_stored_texts.py holds it to the bytes the Python
writer makes of the same rows."""

import functools
import itertools
from collections.abc import Iterator

import orjson
from django.db import connection
from django.db.models import Q

from apps.api import stored
from apps.datasets.models import Dataset, ElementSet, Release, SpaceObject
from apps.datasets.representations import (
    DERIVED_FIELDS,
    ELEMENT_FIELDS,
    OBJECT_FIELDS,
    csv_header,
    csv_line,
    element_row,
    object_row,
)
from apps.datasets.selectors import record_model, release_numbers_by_id, table_release_rows

CHUNK = 2000
# Lines gathered into blocks of about this size keep the number of writes to the client (and
# of Python iterations downstream) small while memory stays flat.
EXPORT_BLOCK = 64 * 1024


def release_rows(dataset: Dataset, release: Release) -> Iterator[dict]:
    if dataset.kind == Dataset.Kind.CURATED_TABLE:
        yield from table_release_rows(dataset, release, CHUNK)
        return
    if dataset.kind == Dataset.Kind.SPACE_OBJECTS:
        model, fields, shape = SpaceObject, OBJECT_FIELDS, object_row
    else:
        model, fields, shape = ElementSet, ELEMENT_FIELDS + DERIVED_FIELDS, element_row
    versions = _release_versions(model, dataset.pk, release.pk).values(
        *fields, "appeared_in_id", "superseded_in_id"
    )
    numbers = release_numbers_by_id(dataset)
    for values in versions.iterator(chunk_size=CHUNK):
        yield shape(values, numbers)


def export_csv(rows: Iterator[dict]) -> Iterator[str]:
    header_written = False
    for row in rows:
        if not header_written:
            yield csv_line(list(row)) + "\r\n"
            header_written = True
        yield csv_line(list(row.values())) + "\r\n"


def export_json(rows: Iterator[dict]) -> Iterator[bytes]:
    yield b"["
    first = True
    for row in rows:
        yield (b"" if first else b",") + orjson.dumps(row)
        first = False
    yield b"]"


def release_csv(dataset: Dataset, release: Release) -> Iterator[bytes]:
    """The whole release as CSV, from the stored lines (curated tables: written from rows)."""
    if dataset.kind == Dataset.Kind.CURATED_TABLE:
        return (line.encode() for line in export_csv(release_rows(dataset, release)))
    return export_csv_stored(dataset, release)


def release_json(dataset: Dataset, release: Release) -> Iterator[bytes]:
    """The whole release as a JSON array, from the stored JSON (curated tables: from rows)."""
    if dataset.kind == Dataset.Kind.CURATED_TABLE:
        return export_json(release_rows(dataset, release))
    return export_json_stored(dataset, release)


def _release_versions(model, dataset_id: int, release_id: int):
    """The versions that make up a release, in export order."""
    return (
        model.objects.filter(dataset_id=dataset_id, appeared_in_id__lte=release_id)
        .filter(Q(superseded_in__isnull=True) | Q(superseded_in_id__gt=release_id))
        .order_by("norad_cat_id")
    )


def _stored(dataset: Dataset, release: Release, *columns: str) -> Iterator[tuple]:
    """`columns` of the release's versions. A release of up to CHUNK rows is read in one
    query, from SQL compiled once per process (building the query cost more than reading a few
    hundred rows); a larger one through a server-side cursor. Memory stays within a chunk
    either way."""
    model = record_model(dataset)
    if release.record_count <= CHUNK:
        sql, slots = _release_sql(model, columns)
        values = {_DATASET: dataset.pk, _RELEASE: release.pk}
        with connection.cursor() as cursor:
            cursor.execute(sql, [values[slot] for slot in slots])
            return iter(cursor.fetchall())
    return _release_values(model, dataset.pk, release.pk, columns).iterator(chunk_size=CHUNK)


# Stand-ins for the ids in the compiled SQL: its parameters name which id goes where.
_DATASET, _RELEASE = -1, -2


def _release_values(model, dataset_id: int, release_id: int, columns: tuple[str, ...]):
    return _release_versions(model, dataset_id, release_id).values_list(*columns)


@functools.cache
def _release_sql(model, columns: tuple[str, ...]) -> tuple[str, tuple]:
    return _release_values(model, _DATASET, _RELEASE, columns).query.sql_with_params()


def _blocks(parts: Iterator[str]) -> Iterator[bytes]:
    """Text gathered into blocks of about EXPORT_BLOCK characters, encoded."""
    block: list[str] = []
    size = 0
    for part in parts:
        block.append(part)
        size += len(part)
        if size >= EXPORT_BLOCK:
            yield "".join(block).encode()
            block.clear()
            size = 0
    if block:
        yield "".join(block).encode()


def export_csv_stored(dataset: Dataset, release: Release) -> Iterator[bytes]:
    """The release's stored CSV lines, CRLF-ended as csv.writer ends them, in blocks; nothing
    at all (not even the header) when the release has no rows."""
    elements = dataset.kind == Dataset.Kind.ELEMENT_SETS
    rows = _stored(dataset, release, "csv_text", "superseded_in_id")
    if elements:
        # Only the superseding release is not in the stored line (it is set later).
        numbers = release_numbers_by_id(dataset)
        lines = (f"{text},{numbers[ended] if ended else ''}\r\n" for text, ended in rows)
    else:
        lines = (text + "\r\n" for text, _ in rows)
    first = next(lines, None)
    if first is None:
        return
    yield from _blocks(itertools.chain([csv_line(csv_header(elements)) + "\r\n", first], lines))


def export_json_stored(dataset: Dataset, release: Release) -> Iterator[bytes]:
    """The release's stored JSON as one array: the bytes export_json makes of its rows."""
    rows = _stored(dataset, release, "json_text", "superseded_in_id")
    texts = stored.json_texts(record_model(dataset), rows, lambda: release_numbers_by_id(dataset))
    parts = (("," if index else "") + text for index, text in enumerate(texts))
    yield from _blocks(itertools.chain(["["], parts, ["]"]))
