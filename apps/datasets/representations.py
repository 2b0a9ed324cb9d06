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

from apps.datasets.ingest.validate import MAX_TLE_SATNUM

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
# The element columns the database keeps as floats and as booleans (tests/datasets/
# test_representations.py holds these to the model).
ELEMENT_FLOAT_FIELDS = [
    "mean_motion",
    "eccentricity",
    "inclination",
    "ra_of_asc_node",
    "arg_of_pericenter",
    "mean_anomaly",
    "bstar",
    "mean_motion_dot",
    "mean_motion_ddot",
    "semimajor_axis",
    "period",
    "perigee_altitude",
    "apogee_altitude",
]
ELEMENT_BOOLEAN_FIELDS = ["in_leo_protected_region", "in_geo_protected_region"]
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
        shaped = dict(zip(_ELEMENT_COLUMNS_AND_RELEASE, values, strict=True))
        return orjson.dumps(shaped)[:-1].decode(), _element_csv_line(values)
    shaped = object_row({**record, "appeared_in_id": 0}, {0: release_number})
    return orjson.dumps(shaped)[:-1].decode(), csv_line(list(shaped.values()))


_element_values = operator.itemgetter(*ELEMENT_COLUMNS)
_ELEMENT_COLUMNS_AND_RELEASE = [*ELEMENT_COLUMNS, "release"]
_EPOCH_AT = ELEMENT_COLUMNS.index("epoch")
_FLOATS_AT = [ELEMENT_COLUMNS.index(name) for name in ELEMENT_FLOAT_FIELDS]
_BOOLEANS_AT = [ELEMENT_COLUMNS.index(name) for name in ELEMENT_BOOLEAN_FIELDS]
_SEPARATORS = len(_ELEMENT_COLUMNS_AND_RELEASE) - 1
_BOOLEAN_TEXTS = {True: "True", False: "False"}


def _element_csv_line(values: list) -> str:
    """`csv_line(values)` of an element set's values (epoch as text, then the release number),
    made by one orjson.dumps of the list instead of one repr per float: a third of the time.

    orjson writes a float as repr does unless it is below 1e-4 in size (tests/datasets/
    test_representations.py holds it to that over millions of floats), so those take repr's
    text first, as do the booleans. The list's JSON is then the CSV line once its brackets
    and quotes are gone, when no text value needs CSV quotes: JSON escapes '"', CR and LF with
    a backslash, so a list text without a backslash and with only the separators' commas
    proves it (and no null or JSON boolean: csv.writer writes None as nothing, a boolean as
    True or False). Anything else is csv_line's."""
    shaped = values.copy()
    for at in _FLOATS_AT:
        number = shaped[at]
        if number.__class__ is float and -1e-4 < number < 1e-4 and number:
            shaped[at] = repr(number)
    for at in _BOOLEANS_AT:
        if shaped[at].__class__ is bool:
            shaped[at] = _BOOLEAN_TEXTS[shaped[at]]
    try:
        text = orjson.dumps(shaped)
    except orjson.JSONEncodeError:  # an integer past 64 bits
        return csv_line(values)
    if (
        b"\\" in text
        or b"null" in text
        or b"true" in text  # a boolean where none is expected: csv.writer writes True
        or b"false" in text
        or text.count(b",") != _SEPARATORS
    ):
        return csv_line(values)
    return text[1:-1].replace(b'"', b"").decode()


def csv_header(elements: bool) -> list[str]:
    if elements:
        return [*ELEMENT_FIELDS, *DERIVED_FIELDS, "release", "superseded_in_release"]
    return [*OBJECT_FIELDS, "release"]
