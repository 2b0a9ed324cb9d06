"""Turning raw records into clean ones, or into rejections that say which field and why."""

import math
import re
import sys
import zlib
from datetime import UTC, date, datetime, timedelta

from sgp4.alpha5 import from_alpha5

from apps.datasets.ingest.derive import derive
from apps.datasets.ingest.rejections import Invalid

COSPAR_ID = re.compile(r"^\d{4}-\d{3}[A-Z]{1,3}$")
# Five digits (leading blanks allowed) or Alpha-5: a letter but I and O, then four digits.
TLE_NUMBER = re.compile(r" *[0-9]{1,5}|[A-HJ-NP-Z][0-9]{4}")
MAX_NORAD = 999_999_999
EARLIEST_EPOCH = datetime(1957, 10, 4, tzinfo=UTC)


def _float(
    raw: dict, key: str, *, required=True, low=None, high=None, low_open=False
) -> float | None:
    value = raw.get(key)
    if value.__class__ is float:  # JSON numbers arrive as floats: no conversion needed
        number = value
    elif value is None or value == "":
        if required:
            raise Invalid(key, "missing")
        return None
    else:
        try:
            number = float(value)
        except (TypeError, ValueError, OverflowError) as exc:  # OverflowError: a huge int
            raise Invalid(key, f"not a number: {str(value)[:40]!r}") from exc
    if not math.isfinite(number):
        raise Invalid(key, "not a finite number")
    if low is not None and (number <= low if low_open else number < low):
        raise Invalid(key, f"below {low}")
    if high is not None and number > high:
        raise Invalid(key, f"above {high}")
    return number


def _norad(raw: dict) -> int:
    value = raw.get("norad_cat_id")
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError) as exc:
        raise Invalid("norad_cat_id", f"not a catalogue number: {str(value)[:40]!r}") from exc
    if not 1 <= number <= MAX_NORAD:
        raise Invalid("norad_cat_id", "outside 1 to 999999999")
    return number


def _cospar(raw: dict, *, required=False) -> str:
    value = str(raw.get("object_id") or "").strip().upper()
    if not value:
        if required:
            raise Invalid("object_id", "missing")
        return ""
    if not COSPAR_ID.match(value):
        raise Invalid("object_id", f"not a COSPAR designator (YYYY-NNNA): {value[:20]!r}")
    return value


def _date(raw: dict, key: str) -> date | None:
    value = str(raw.get(key) or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError as exc:
        raise Invalid(key, f"not a date: {value[:20]!r}") from exc


def _text(raw: dict, key: str, length: int) -> str:
    value = str(raw.get(key) or "").strip()
    if len(value) > length:
        raise Invalid(key, f"longer than {length} characters")
    return value


def satcat_clean(raw: dict) -> dict:
    """One SATCAT row. Empty fields are unknown (None), never invented."""
    return {
        "source": "satcat",
        "norad_cat_id": _norad(raw),
        "object_name": _text(raw, "object_name", 100) or "",
        "object_id": _cospar(raw),
        "object_type": _text(raw, "object_type", 10),
        "ops_status_code": _text(raw, "ops_status_code", 5),
        "owner": _text(raw, "owner", 10),
        "launch_date": _date(raw, "launch_date"),
        "launch_site": _text(raw, "launch_site", 10),
        "decay_date": _date(raw, "decay_date"),
        "period": _float(raw, "period", required=False, low=0),
        "inclination": _float(raw, "inclination", required=False, low=0, high=180),
        "apogee": _float(raw, "apogee", required=False),
        "perigee": _float(raw, "perigee", required=False),
        "rcs": _float(raw, "rcs", required=False, low=0),
        "data_status_code": _text(raw, "data_status_code", 5),
        "orbit_center": _text(raw, "orbit_center", 5),
        "orbit_type": _text(raw, "orbit_type", 5),
    }


def _epoch(raw: dict) -> datetime:
    global _latest_epoch
    value = raw.get("epoch")
    if value.__class__ is datetime:  # read from a TLE
        epoch = value
    else:
        value = str(value or "").strip()
        try:
            epoch = datetime.fromisoformat(value)  # takes "Z" too
        except ValueError as exc:
            raise Invalid("epoch", f"not an ISO 8601 time: {value[:30]!r}") from exc
        if epoch.tzinfo is None:
            # In UTC. Reading the text again with the offset costs a third of replace().
            try:  # noqa: SIM105 - contextlib.suppress costs what this saves
                epoch = datetime.fromisoformat(value + "+00:00")
            except ValueError:  # a date alone takes no offset
                pass
    if epoch.tzinfo is None:
        epoch = epoch.replace(tzinfo=UTC)
    if not EARLIEST_EPOCH <= epoch <= _latest_epoch:
        # The bound is refreshed only here: time moves on, so a stale one is only stricter.
        _latest_epoch = _latest_epoch_now()
        if not EARLIEST_EPOCH <= epoch <= _latest_epoch:
            raise Invalid("epoch", "before 1957 or far in the future")
    return epoch


def _latest_epoch_now() -> datetime:
    return datetime.now(UTC) + timedelta(days=60)


_latest_epoch = _latest_epoch_now()


# Each byte's worth in a TLE checksum: a digit its value, a minus sign one, anything else none.
_CHECKSUM_VALUES = bytes(
    byte - ord("0") if ord("0") <= byte <= ord("9") else 1 if byte == ord("-") else 0
    for byte in range(256)
)


def tle_checksum_ok(line: str) -> bool:
    """The TLE modulo-10 checksum: digits count their value, minus signs count 1."""
    # bytes.translate gives each character its worth (anything not ASCII becomes "?", worth
    # nothing, as it should) and Adler-32 sums them in C: its low 16 bits are 1 + the byte
    # sum modulo 65521, which 68 worths of at most 9 never reach. A third of sum()'s time.
    worths = line[:68].encode("ascii", "replace").translate(_CHECKSUM_VALUES)
    total = (zlib.adler32(worths) & 0xFFFF) - 1
    return line[68:69].isdigit() and total % 10 == int(line[68])


def tle_to_omm(raw: dict) -> dict:
    """Read a TLE into OMM fields, after checking both line checksums.

    The values are read from the text as CelesTrak's own OMM conversion does, so they keep
    the TLE's precision instead of picking up binary rounding noise; whether sgp4 can use
    them is proved by `derive`, which initialises the propagator with them."""
    line1, line2 = raw["tle_line1"], raw["tle_line2"]
    for key, line in (("tle_line1", line1), ("tle_line2", line2)):
        if len(line) < 69:
            raise Invalid(key, "shorter than 69 characters")
        if not tle_checksum_ok(line):
            raise Invalid(key, "checksum does not match")
    if line1[2:7] != line2[2:7]:
        raise Invalid("tle_line2", "catalogue number differs from line 1")
    if not TLE_NUMBER.fullmatch(line1[2:7]):
        raise Invalid("tle_line1", f"not a catalogue number: {line1[2:7]!r}")
    try:
        year = int(line1[18:20])
        year += 2000 if year < 57 else 1900
        epoch = datetime(year, 1, 1, tzinfo=UTC) + timedelta(days=float(line1[20:32]) - 1)
        designator = line1[9:17].strip()
        object_id = ""
        if designator:
            launch_year = int(designator[:2])
            launch_year += 2000 if launch_year < 57 else 1900
            object_id = f"{launch_year}-{designator[2:5]}{designator[5:]}"
        return {
            "norad_cat_id": from_alpha5(line1[2:7]),  # "A0001" is 100001
            "object_name": raw.get("tle_line0", ""),
            "object_id": object_id,
            "epoch": epoch,
            "classification_type": line1[7],
            "inclination": float(line2[8:16]),
            "ra_of_asc_node": float(line2[17:25]),
            "eccentricity": float("0." + line2[26:33].strip()),
            "arg_of_pericenter": float(line2[34:42]),
            "mean_anomaly": float(line2[43:51]),
            "mean_motion": float(line2[52:63]),
            "rev_at_epoch": int(line2[63:68].strip() or 0),
            "mean_motion_dot": float(line1[33:43]),
            "mean_motion_ddot": _tle_exponent(line1[44:52]),
            "bstar": _tle_exponent(line1[53:61]),
            "element_set_no": int(line1[64:68].strip() or 0),
            "ephemeris_type": int(line1[62]) if line1[62].isdigit() else 0,
        }
    except (ValueError, IndexError, OverflowError) as exc:
        raise Invalid("tle_line1", f"unreadable: {exc}") from exc


def _tle_exponent(text: str) -> float:
    """TLE's implied-decimal notation: " 21767-3" is 0.21767e-3."""
    text = text.strip()
    if not text:
        return 0.0
    sign = -1.0 if text.startswith("-") else 1.0
    text = text.lstrip("+-")
    mantissa, exponent = text[:-2], text[-2:]
    return sign * float(f"0.{mantissa.strip()}e{exponent}")


_FLOAT_MAX = sys.float_info.max  # as a bound, it keeps out infinities (and NaN fails all)
# OMM numbers in the order they are checked: (key, lowest, highest, lowest excluded, required,
# type). Optional ones default to 0. The integer bounds are the database columns' own.
_NUMBERS_BEFORE_CLASSIFICATION = (
    ("mean_motion", 0, 20, True, True, float),
    ("eccentricity", 0, 0.9999999, False, True, float),
    ("inclination", 0, 180, False, True, float),
    ("ra_of_asc_node", 0, 360, False, True, float),
    ("arg_of_pericenter", 0, 360, False, True, float),
    ("mean_anomaly", 0, 360, False, True, float),
    ("ephemeris_type", 0, 32_767, False, False, int),
)
_NUMBERS_AFTER_CLASSIFICATION = (
    ("element_set_no", 0, 2_147_483_647, False, False, int),
    ("rev_at_epoch", 0, 2_147_483_647, False, False, int),
    ("bstar", -_FLOAT_MAX, _FLOAT_MAX, False, False, float),
    ("mean_motion_dot", -_FLOAT_MAX, _FLOAT_MAX, False, False, float),
    ("mean_motion_ddot", -_FLOAT_MAX, _FLOAT_MAX, False, False, float),
)


def _numbers(raw: dict, record: dict, numbers: tuple) -> None:
    for key, low, high, low_open, required, kind in numbers:
        value = raw.get(key)
        # Most values are JSON numbers already in range; anything else goes through _float,
        # which converts text and says what is wrong.
        if (value.__class__ is not float and value.__class__ is not int) or not (
            low < value <= high if low_open else low <= value <= high
        ):
            value = _float(raw, key, required=required, low=low, high=high, low_open=low_open)
        record[key] = kind(value or 0) if kind is int or not required else float(value)


def elements_clean(raw: dict) -> dict:
    """One OMM record (from JSON, CSV or a TLE) with its derived values."""
    if "tle_line1" in raw:
        record = _tle_record(raw)
        if record is not None:
            record.update(derive(record))
            return record
        raw = tle_to_omm(raw)
    return omm_clean(raw)


def omm_clean(raw: dict) -> dict:
    """One record in OMM fields, checked field by field, with its derived values."""
    record = {
        "norad_cat_id": _norad(raw),
        "object_name": _text(raw, "object_name", 100),
        "object_id": _cospar(raw),
        "epoch": _epoch(raw),
    }
    _numbers(raw, record, _NUMBERS_BEFORE_CLASSIFICATION)
    record["classification_type"] = _text(raw, "classification_type", 1) or "U"
    _numbers(raw, record, _NUMBERS_AFTER_CLASSIFICATION)
    record.update(derive(record))
    return record


def _bounds(key: str) -> tuple:
    for name, low, high, *_ in (*_NUMBERS_BEFORE_CLASSIFICATION, *_NUMBERS_AFTER_CLASSIFICATION):
        if name == key:
            return low, high
    raise KeyError(key)


_MEAN_MOTION, _ECCENTRICITY, _INCLINATION, _ANGLE, _INT32, _FINITE = (
    _bounds("mean_motion"),
    _bounds("eccentricity"),
    _bounds("inclination"),
    _bounds("ra_of_asc_node"),
    _bounds("rev_at_epoch"),
    _bounds("bstar"),
)
assert _bounds("arg_of_pericenter") == _bounds("mean_anomaly") == _ANGLE
assert _bounds("element_set_no") == _INT32
assert _bounds("mean_motion_dot") == _bounds("mean_motion_ddot") == _FINITE
# _tle_record writes the one bound that excludes its lowest value as such.
assert [n for n, _, _, low_open, *_ in _NUMBERS_BEFORE_CLASSIFICATION if low_open] == [
    "mean_motion"
]
assert not any(low_open for _, _, _, low_open, *_ in _NUMBERS_AFTER_CLASSIFICATION)
# The first day of each epoch year a TLE can hold (1957-2056): made once, not per record.
_YEAR_STARTS = {year: datetime(year, 1, 1, tzinfo=UTC) for year in range(1957, 2057)}


def _tle_record(raw: dict) -> dict | None:
    """The record of a TLE whose fields are all well formed and in range, read in one pass
    with the same expressions as `tle_to_omm` and checked against the same bounds as
    `omm_clean` (which give the same record: tests/datasets/test_derive.py); None for
    anything else, which that slower path reads again and rejects with its field and reason.
    Most partner TLEs are well formed: the checks one by one cost twice the reading."""
    line1, line2 = raw["tle_line1"], raw["tle_line2"]
    number = line1[2:7]
    name = raw.get("tle_line0") or ""
    if (
        number.__class__ is not str
        or name.__class__ is not str
        or len(line1) < 69
        or len(line2) < 69
        or number != line2[2:7]
        or not (number.isascii() and number.isdigit())  # Alpha-5, blanks: the slow path
        or not tle_checksum_ok(line1)
        or not tle_checksum_ok(line2)
    ):
        return None
    try:
        year = int(line1[18:20])
        year += 2000 if year < 57 else 1900
        epoch = _YEAR_STARTS[year] + timedelta(days=float(line1[20:32]) - 1)
        designator = line1[9:17].strip()
        object_id = ""
        if designator:
            launch_year = int(designator[:2])
            launch_year += 2000 if launch_year < 57 else 1900
            object_id = f"{launch_year}-{designator[2:5]}{designator[5:]}".upper()
        norad_cat_id = int(number)
        mean_motion = float(line2[52:63])
        eccentricity = float("0." + line2[26:33].strip())
        inclination = float(line2[8:16])
        ra_of_asc_node = float(line2[17:25])
        arg_of_pericenter = float(line2[34:42])
        mean_anomaly = float(line2[43:51])
        element_set_no = int(line1[64:68].strip() or 0)
        rev_at_epoch = int(line2[63:68].strip() or 0)
        bstar = _tle_exponent(line1[53:61])
        mean_motion_dot = float(line1[33:43])
        mean_motion_ddot = _tle_exponent(line1[44:52])
        ephemeris_type = int(line1[62]) if line1[62].isdigit() else 0
    except (ValueError, IndexError, OverflowError, KeyError):
        return None
    name = name.strip()
    if not (
        len(name) <= 100
        and 1 <= norad_cat_id <= MAX_NORAD
        and (not object_id or COSPAR_ID.match(object_id))
        and EARLIEST_EPOCH <= epoch <= _latest_epoch
        and _MEAN_MOTION[0] < mean_motion <= _MEAN_MOTION[1]
        and _ECCENTRICITY[0] <= eccentricity <= _ECCENTRICITY[1]
        and _INCLINATION[0] <= inclination <= _INCLINATION[1]
        and _ANGLE[0] <= ra_of_asc_node <= _ANGLE[1]
        and _ANGLE[0] <= arg_of_pericenter <= _ANGLE[1]
        and _ANGLE[0] <= mean_anomaly <= _ANGLE[1]
        and _INT32[0] <= element_set_no <= _INT32[1]
        and _INT32[0] <= rev_at_epoch <= _INT32[1]
        and _FINITE[0] <= bstar <= _FINITE[1]
        and _FINITE[0] <= mean_motion_dot <= _FINITE[1]
        and _FINITE[0] <= mean_motion_ddot <= _FINITE[1]
    ):
        return None
    return {
        "norad_cat_id": norad_cat_id,
        "object_name": name,
        "object_id": object_id,
        "epoch": epoch,
        "mean_motion": mean_motion,
        "eccentricity": eccentricity,
        "inclination": inclination,
        "ra_of_asc_node": ra_of_asc_node,
        "arg_of_pericenter": arg_of_pericenter,
        "mean_anomaly": mean_anomaly,
        "ephemeris_type": ephemeris_type,
        "classification_type": line1[7].strip() or "U",
        "element_set_no": element_set_no,
        "rev_at_epoch": rev_at_epoch,
        # omm_clean stores an optional zero as 0.0, whatever its sign
        "bstar": bstar or 0.0,
        "mean_motion_dot": mean_motion_dot or 0.0,
        "mean_motion_ddot": mean_motion_ddot or 0.0,
    }
