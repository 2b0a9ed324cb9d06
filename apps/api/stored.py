"""Reading the JSON stored with each record version (apps/datasets/representations.py:
stored_texts): a page's records are joined from stored text, with only the superseding release
added, so a 1000-row page costs one index range scan and no per-value formatting. The SQL is
the same on PostgreSQL and SQLite."""

import functools

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
