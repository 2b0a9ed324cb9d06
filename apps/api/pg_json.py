"""On PostgreSQL a JSON page's records are written by the server: one text column per row holding
exactly the bytes orjson makes of `object_row`/`element_row` (same keys in the same order, the
same number formatting, release numbers by a look-up in the release table), so Python only joins
them into the page. tests/api/test_pg_json.py holds the bytes equal on the real data.

PostgreSQL's float8 output (extra_float_digits >= 1, the default) is the same shortest
round-trip digits orjson writes, in another layout:

| value (absolute)   | PostgreSQL              | orjson                 |
|--------------------|-------------------------|------------------------|
| 0, -0, 15          | 0, -0, 15               | 0.0, -0.0, 15.0        |
| [1e-4, 1e15)       | 0.0001, 15.49496548     | the same               |
| [1e15, 1e16)       | 1.2345e+15              | 1234500000000000.0     |
| [1e-5, 1e-4)       | 1.5e-05                 | 0.000015               |
| under 1e-5         | 1.5e-07, 5e-324         | 1.5e-7, 5e-324         |
| 1e16 and over      | 1e+16                   | the same               |
| inf, NaN           | Infinity, NaN           | null                   |
"""

import functools

import orjson
from django.db.models.expressions import RawSQL

from apps.api.representations import DERIVED_FIELDS, ELEMENT_FIELDS, OBJECT_FIELDS
from apps.datasets.models import ElementSet, Release, SpaceObject

FLOAT = (
    "CASE WHEN {c} IS NULL THEN 'null'"
    " WHEN abs({c}) >= 1e16 THEN CASE WHEN abs({c}) < 'Infinity' THEN {c}::text ELSE 'null' END"
    " WHEN abs({c}) >= 1e15 THEN CASE WHEN {c} = trunc({c})"
    " THEN {c}::text::numeric::text || '.0' ELSE {c}::text::numeric::text END"
    " WHEN abs({c}) >= 1e-4 OR {c} = 0 THEN CASE WHEN {c} = trunc({c})"
    " THEN {c}::text || '.0' ELSE {c}::text END"
    " WHEN abs({c}) >= 1e-5 THEN {c}::text::numeric::text"
    " ELSE replace({c}::text, 'e-0', 'e-') END"
)
# to_json escapes text as orjson does (\" \\ \b \f \n \r \t, other controls as \u00xx).
TEXT = "to_json({c})::text"
TEXT_OR_NULL = "COALESCE(to_json(NULLIF({c}, ''))::text, 'null')"  # `value or None`
INTEGER = "COALESCE({c}::text, 'null')"
BOOLEAN = "CASE WHEN {c} THEN 'true' WHEN NOT {c} THEN 'false' ELSE 'null' END"
DATE = """COALESCE('"' || to_char({c}, 'YYYY-MM-DD') || '"', 'null')"""
EPOCH = """'"' || to_char({c} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') || '"'"""
RELEASE_NUMBER = "COALESCE((SELECT r.number::text FROM {releases} r WHERE r.id = {c}), 'null')"

# object_row turns these empty strings into null.
_OBJECT_EMPTY_IS_NULL = {
    "object_id",
    "object_type",
    "ops_status_code",
    "owner",
    "launch_site",
    "data_status_code",
    "orbit_center",
    "orbit_type",
}


def _column(model, name: str) -> str:
    table = model._meta.db_table
    return f'"{table}"."{model._meta.get_field(name).column}"'


def _value(model, name: str, empty_is_null: bool = False) -> str:
    field = model._meta.get_field(name)
    kind = field.get_internal_type()
    if kind == "FloatField":
        template = FLOAT
    elif kind in ("CharField", "TextField", "SlugField"):
        template = TEXT_OR_NULL if empty_is_null else TEXT
    elif kind == "BooleanField":
        template = BOOLEAN
    elif kind == "DateField":
        template = DATE
    elif kind == "DateTimeField":
        template = EPOCH
    elif kind.endswith("IntegerField"):
        template = INTEGER
    else:  # pragma: no cover - every record field is one of the above
        raise TypeError(f"{model.__name__}.{name}: no JSON format for {kind}")
    if kind in ("CharField", "TextField", "SlugField") and field.null:
        template = f"COALESCE({template}, 'null')"
    return template.format(c=_column(model, name))


def _release(model, name: str) -> str:
    return RELEASE_NUMBER.format(releases=f'"{Release._meta.db_table}"', c=_column(model, name))


def _object(pairs: list[tuple[str, str]]) -> str:
    parts = []
    for index, (key, value) in enumerate(pairs):
        prefix = ("{" if index == 0 else ",") + orjson.dumps(key).decode() + ":"
        parts.append("'" + prefix.replace("'", "''") + "' || " + value)
    return "(" + " || ".join(parts) + " || '}')"


def object_row_sql() -> str:
    pairs = [(n, _value(SpaceObject, n, n in _OBJECT_EMPTY_IS_NULL)) for n in OBJECT_FIELDS]
    pairs.append(("release", _release(SpaceObject, "appeared_in")))
    return _object(pairs)


def element_row_sql() -> str:
    pairs = [(n, _value(ElementSet, n)) for n in ELEMENT_FIELDS + DERIVED_FIELDS]
    pairs.append(("release", _release(ElementSet, "appeared_in")))
    pairs.append(("superseded_in_release", _release(ElementSet, "superseded_in")))
    return _object(pairs)


@functools.cache
def _row_sql(model) -> str:
    return object_row_sql() if model is SpaceObject else element_row_sql()


def row_json(model) -> RawSQL:
    """The annotation giving each record's JSON text, for a queryset over `model`."""
    # Built only from the model's own table and column names and constant keys: no input.
    return RawSQL(_row_sql(model), [])  # noqa: S611


def page_fragment(rows: list[str]) -> orjson.Fragment:
    """The page's `results`: the rows' JSON texts as one JSON array, embedded as is."""
    return orjson.Fragment("[" + ",".join(rows) + "]")
