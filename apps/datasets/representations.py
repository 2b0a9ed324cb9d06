"""Plain-dict output of records: values() rows shaped without per-field serializer overhead,
so a 1000-row page costs little more than the query.

Record versions never change, so their JSON and CSV are written once, at ingest
(`stored_texts`), and kept with them: an API page or an export then joins stored text instead
of formatting every value again on every read. Only the superseding release is added on read
(it is set when a later release ends the version)."""

import csv
import operator
import threading

import orjson
from sgp4 import exporter, omm
from sgp4.api import Satrec

from apps.datasets.ingest.derive import MAX_TLE_SATNUM
from apps.datasets.models import ElementSet

OBJECT_FIELDS = [
    "norad_cat_id",
    "object_name",
    "object_id",
    "object_type",
    "ops_status_code",
    "owner",
    "launch_date",
    "launch_site",
    "decay_date",
    "period",
    "inclination",
    "apogee",
    "perigee",
    "rcs",
    "data_status_code",
    "orbit_center",
    "orbit_type",
    "source",
]
ELEMENT_FIELDS = [
    "object_name",
    "object_id",
    "epoch",
    "mean_motion",
    "eccentricity",
    "inclination",
    "ra_of_asc_node",
    "arg_of_pericenter",
    "mean_anomaly",
    "ephemeris_type",
    "classification_type",
    "norad_cat_id",
    "element_set_no",
    "rev_at_epoch",
    "bstar",
    "mean_motion_dot",
    "mean_motion_ddot",
]
DERIVED_FIELDS = [
    "semimajor_axis",
    "period",
    "perigee_altitude",
    "apogee_altitude",
    "regime",
    "in_leo_protected_region",
    "in_geo_protected_region",
]
# Release ids, not numbers: no join on the hot path; numbers come from a small per-dataset map.
VERSION_FIELDS = ["appeared_in_id", "superseded_in_id"]


def object_row(row: dict, numbers: dict[int, int]) -> dict:
    out = {name: row[name] for name in OBJECT_FIELDS}
    for name in ("launch_date", "decay_date"):
        out[name] = out[name].isoformat() if out[name] else None
    for name in (
        "object_id",
        "object_type",
        "ops_status_code",
        "owner",
        "launch_site",
        "data_status_code",
        "orbit_center",
        "orbit_type",
    ):
        out[name] = out[name] or None  # unknown, never an invented empty value
    out["release"] = numbers.get(row["appeared_in_id"])
    return out


def _epoch_text(epoch) -> str:
    # CelesTrak's form: naive UTC with microseconds (epochs are stored in UTC), the wall time
    # without its offset. orjson writes a datetime in a sixth of isoformat's time, but leaves
    # out a zero fraction, so those (and years before 1000) take isoformat.
    if epoch.microsecond and epoch.year >= 1000:
        return orjson.dumps(epoch)[1:27].decode()
    return epoch.replace(tzinfo=None).isoformat(timespec="microseconds")


# An element set's values in API order: its JSON keys and CSV columns (then the releases).
ELEMENT_COLUMNS = ELEMENT_FIELDS + DERIVED_FIELDS


def _element_columns_kept_as(internal_type: str) -> list[str]:
    return [
        name
        for name in ELEMENT_COLUMNS
        if ElementSet._meta.get_field(name).get_internal_type() == internal_type
    ]


# The element columns the database keeps as floats and as booleans.
ELEMENT_FLOAT_FIELDS = _element_columns_kept_as("FloatField")
ELEMENT_BOOLEAN_FIELDS = _element_columns_kept_as("BooleanField")


def element_row(row: dict, numbers: dict[int, int], *, with_tle: bool = False) -> dict:
    out = {name: row[name] for name in ELEMENT_COLUMNS}
    out["epoch"] = _epoch_text(row["epoch"])
    out["release"] = numbers.get(row["appeared_in_id"])
    out["superseded_in_release"] = numbers.get(row.get("superseded_in_id"))
    if with_tle:
        out["tle"] = tle_lines(out)
    return out


def tle_fits(norad_cat_id: int) -> bool:
    return norad_cat_id <= MAX_TLE_SATNUM


def tle_lines(row: dict) -> tuple[str, str]:
    fields = {name.upper(): row[name] for name in ELEMENT_FIELDS}
    sat = Satrec()
    omm.initialize(sat, fields)
    return exporter.export_tle(sat)


class _Line:
    """A file-like object for csv.writer that hands back what was written."""

    def write(self, value: str) -> str:
        return value


# A writer per thread, made once: a new csv.writer per line cost a fifth of the line.
_writers = threading.local()


def csv_line(values: list) -> str:
    """One CSV line as csv.writer writes it, without the line end."""
    try:
        writer = _writers.line
    except AttributeError:
        writer = _writers.line = csv.writer(_Line(), lineterminator="")
    return writer.writerow(values)


def stored_texts(record: dict, release_number: int, *, elements: bool) -> tuple[str, str]:
    """The version's JSON object without its closing brace and its CSV line without the line
    end, exactly as `element_row`/`object_row` and the CSV export write them, minus the
    superseding release (which the read adds: apps/api/stored.py, export.release_csv)."""
    if elements:  # element_row without the superseding release, and no copy of the record
        values = [*_element_values(record), release_number]
        values[_EPOCH_AT] = _epoch_text(values[_EPOCH_AT])
        return _element_texts(values)
    shaped = object_row({**record, "appeared_in_id": 0}, {0: release_number})
    return orjson.dumps(shaped)[:-1].decode(), csv_line(list(shaped.values()))


_element_values = operator.itemgetter(*ELEMENT_COLUMNS)
_ELEMENT_COLUMNS_AND_RELEASE = [*ELEMENT_COLUMNS, "release"]
_EPOCH_AT = ELEMENT_COLUMNS.index("epoch")
_FLOATS_AT = [ELEMENT_COLUMNS.index(name) for name in ELEMENT_FLOAT_FIELDS]
_BOOLEANS_AT = [ELEMENT_COLUMNS.index(name) for name in ELEMENT_BOOLEAN_FIELDS]
_SEPARATORS = len(_ELEMENT_COLUMNS_AND_RELEASE) - 1
_BOOLEAN_TEXTS = {True: b"True", False: b"False"}
# The element set's JSON object (without its closing brace) with each value's JSON in place.
_JSON_OBJECT = (
    "{" + ",".join(orjson.dumps(name).decode() + ":%s" for name in _ELEMENT_COLUMNS_AND_RELEASE)
).encode()


def _element_texts_plain(values: list) -> tuple[str, str]:
    shaped = dict(zip(_ELEMENT_COLUMNS_AND_RELEASE, values, strict=True))
    return orjson.dumps(shaped)[:-1].decode(), csv_line(values)


def _element_texts(values: list) -> tuple[str, str]:
    """`_element_texts_plain(values)` (orjson's JSON of the values by column, csv.writer's
    line) of an element set's values (epoch as text, then the release number), both made from
    one orjson.dumps of the list: under half the time.

    Split at its commas, the list's JSON gives each value's JSON when no text value holds a
    comma (then the commas are only the separators): the object is those put after their keys.
    orjson writes a float as repr does unless it is below 1e-4 in size (tests/datasets/
    test_representations.py holds it to that over millions of floats): those take repr's
    text, the two booleans True or False, and without its quotes the rest is csv.writer's line
    when no text value needs CSV quotes. JSON escapes '"', CR and LF with a backslash, so a
    list text without one proves it (and without null: csv.writer writes None as nothing).
    Anything else takes the plain way."""
    try:
        text = orjson.dumps(values)
    except orjson.JSONEncodeError:  # an integer past 64 bits
        return _element_texts_plain(values)
    if text.count(b",") != _SEPARATORS:
        return _element_texts_plain(values)
    parts = text[1:-1].split(b",")
    json_text = (_JSON_OBJECT % tuple(parts)).decode()
    if (
        b"\\" in text
        or b"null" in text
        # Booleans only where the model keeps them (csv.writer writes True, JSON true).
        or text.count(b"true") + text.count(b"false") != len(_BOOLEANS_AT)
    ):
        return json_text, csv_line(values)
    for at in _BOOLEANS_AT:
        flag = values[at]
        if flag.__class__ is not bool:
            return json_text, csv_line(values)
        parts[at] = _BOOLEAN_TEXTS[flag]
    for at in _FLOATS_AT:
        number = values[at]
        if number.__class__ is float and -1e-4 < number < 1e-4 and number:
            parts[at] = repr(number).encode()
    return json_text, b",".join(parts).replace(b'"', b"").decode()


def csv_header(elements: bool) -> list[str]:
    if elements:
        return [*ELEMENT_FIELDS, *DERIVED_FIELDS, "release", "superseded_in_release"]
    return [*OBJECT_FIELDS, "release"]
