"""Reading the JSON stored with each record version (apps/datasets/representations.py:
stored_texts): a page's records are joined from stored text, with only the superseding release
added, so a 1000-row page costs one index range scan and no per-value formatting. The SQL is
the same on PostgreSQL and SQLite."""

import functools
from collections.abc import Callable

import orjson
from django.db.models.expressions import RawSQL

from apps.datasets.models import ElementSet, Release


@functools.cache
def _row_sql(model) -> str:
    table = f'"{model._meta.db_table}"'
    if model is not ElementSet:
        return f"({table}.\"json_text\" || '}}')"
    releases = f'"{Release._meta.db_table}"'
    # Built only from table and column names: no input.
    superseded = (
        f'(SELECT CAST(r.number AS TEXT) FROM {releases} r WHERE r.id = {table}."superseded_in_id")'  # noqa: S608
    )
    return (
        f'({table}."json_text" || \',"superseded_in_release":\''
        f" || COALESCE({superseded}, 'null') || '}}')"
    )


def row_json(model) -> RawSQL:
    """The annotation giving each record's JSON text, for a queryset over `model`."""
    # Built only from the model's own table and column names and constants: no input.
    return RawSQL(_row_sql(model), [])  # noqa: S611


def page_fragment(rows: list[str]) -> orjson.Fragment:
    """The page's `results`: the rows' JSON texts as one JSON array, embedded as is."""
    return orjson.Fragment("[" + ",".join(rows) + "]")


def page_rows(model, page: list[tuple], numbers: Callable[[], dict[int, int]]) -> orjson.Fragment:
    """`results` of a page read as (id, ordering value, json_text, superseded_in_id) tuples:
    what `row_json` makes in SQL, made here. In SQL it doubled the page query's cost in
    PostgreSQL (a sub-select and a new text per row); `numbers` ({release id: number}) is only
    asked for when a version on the page has been superseded. Joined as bytes: str.join of a
    thousand rows cost five times as much."""
    if model is not ElementSet:
        ends = ["}"] * len(page)
    elif all(row[3] is None for row in page):
        ends = [_CURRENT_END] * len(page)
    else:
        by_id = numbers()
        ends = [
            _CURRENT_END if row[3] is None else f',"superseded_in_release":{by_id[row[3]]}}}'
            for row in page
        ]
    texts = [(row[2] + end).encode() for row, end in zip(page, ends, strict=True)]
    return orjson.Fragment(b"[" + b",".join(texts) + b"]")


_CURRENT_END = ',"superseded_in_release":null}'
