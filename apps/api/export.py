"""Whole-release exports that stream: rows go out as the database cursor yields them, so memory
stays flat however large the release."""

import csv
from collections.abc import Iterator

import orjson
from django.db.models import Q

from apps.api.representations import (
    DERIVED_FIELDS,
    ELEMENT_FIELDS,
    OBJECT_FIELDS,
    element_row,
    object_row,
)
from apps.datasets.models import Dataset, ElementSet, Release, SpaceObject
from apps.datasets.selectors import release_numbers_by_id

CHUNK = 2000


class _Line:
    """A file-like object for csv.writer that hands back what was written."""

    def write(self, value: str) -> str:
        return value


def release_rows(dataset: Dataset, release: Release) -> Iterator[dict]:
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
