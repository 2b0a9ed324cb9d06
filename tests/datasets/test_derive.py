"""The fast paths of validation give what the plain definitions give, on all the real data:
derive() calls sgp4init with the record's numbers (sgp4.omm.initialize, which parses OMM text,
is the reference), the TLE checksum counts with str.count, and a TLE read in one pass gives
what reading it into OMM fields and checking those one by one gives (or leaves it to that)."""

import io
import random

import orjson
import pytest
from sgp4 import omm
from sgp4.api import Satrec

from apps.datasets.ingest.derive import MAX_TLE_SATNUM, derive
from apps.datasets.ingest.parse import parse_tle
from apps.datasets.ingest.rejections import Invalid
from apps.datasets.ingest.validate import (
    elements_clean,
    omm_clean,
    tle_checksum_ok,
    tle_to_omm,
)
from tests.datasets.conftest import REAL


def _reference_derived(record: dict) -> tuple[float, float, float]:
    """Semi-major axis, perigee and apogee altitude (km) through sgp4's own OMM reader."""
    fields = {
        "OBJECT_ID": record["object_id"],
        "EPOCH": record["epoch"].strftime("%Y-%m-%dT%H:%M:%S.%f"),
        "EPHEMERIS_TYPE": record["ephemeris_type"],
        "CLASSIFICATION_TYPE": record["classification_type"],
        "NORAD_CAT_ID": record["norad_cat_id"] if record["norad_cat_id"] <= MAX_TLE_SATNUM else 0,
        "ELEMENT_SET_NO": record["element_set_no"],
        "REV_AT_EPOCH": record["rev_at_epoch"],
        **{
            name.upper(): record[name]
            for name in (
                "mean_motion",
                "eccentricity",
                "inclination",
                "ra_of_asc_node",
                "arg_of_pericenter",
                "mean_anomaly",
                "bstar",
                "mean_motion_dot",
                "mean_motion_ddot",
            )
        },
    }
    sat = Satrec()
    omm.initialize(sat, fields)
    radius = sat.radiusearthkm
    return (
        round(sat.a * radius, 3),
        round(sat.altp * radius, 3),
        round(sat.alta * radius, 3),
    )


def _real_records() -> list[dict]:
    raws = []
    for path in sorted((REAL / "gp_json").glob("*.json")):
        raws += [{k.lower(): v for k, v in r.items()} for r in orjson.loads(path.read_bytes())]
    for path in sorted((REAL / "tle").glob("*.tle")):
        raws += [raw for _, raw in parse_tle(io.BytesIO(path.read_bytes()))]
    return raws


def test_derive_matches_sgp4s_omm_reader_on_every_real_record():
    checked = 0
    for raw in _real_records():
        record = elements_clean(raw)
        derived = derive(record)
        reference = _reference_derived(record)
        assert (
            derived["semimajor_axis"],
            derived["perigee_altitude"],
            derived["apogee_altitude"],
        ) == reference, record["norad_cat_id"]
        checked += 1
    assert checked > 15_000


def _checksum_by_definition(line: str) -> bool:
    total = sum(int(c) for c in line[:68] if c.isdigit()) + line[:68].count("-")
    return line[68:69].isdigit() and total % 10 == int(line[68])


@pytest.mark.parametrize("change", [None, "digit", "sign", "last"])
def test_tle_checksum_agrees_with_its_definition(change):
    lines = [
        line
        for path in sorted((REAL / "tle").glob("*.tle"))
        for line in path.read_text().splitlines()
        if line[:2] in ("1 ", "2 ")
    ]
    assert len(lines) > 20_000
    for line in lines:
        if change == "digit":
            line = line[:67] + str((int(line[67]) + 3) % 10) + line[68:]
        elif change == "sign":
            line = line[:53] + ("-" if line[53] != "-" else " ") + line[54:]
        elif change == "last":
            line = line[:68] + "x"
        assert tle_checksum_ok(line) == _checksum_by_definition(line)


def _outcome(clean, raw):
    try:
        record = clean(raw)
    except Invalid as error:
        return ("rejected", error.field, error.reason)
    # orjson tells -0.0 from 0.0 and writes the epoch with its offset
    return ("record", orjson.dumps(record))


def _slow_path(raw):
    return omm_clean(tle_to_omm(raw))


def _tle_checksummed(line: str) -> str:
    body = line[:68]
    total = body.count("-") + sum(int(c) for c in body if c in "0123456789")
    return body + str(total % 10) + line[69:]


def test_a_tle_read_in_one_pass_is_the_record_the_field_by_field_path_gives():
    """On every real TLE, then on real TLEs with one column changed to something odd (and
    the checksum made right again, so the field itself is read): the same record or the
    same rejection, field and reason, both ways."""
    tles = [raw for raw in _real_records() if "tle_line1" in raw]
    assert len(tles) > 10_000
    for raw in tles:
        assert _outcome(elements_clean, raw) == _outcome(_slow_path, raw), raw
    odd = list("0123456789 -+.eEnaifIOAZ_") + ["\N{ARABIC-INDIC DIGIT FIVE}", "\N{SUPERSCRIPT TWO}"]
    pick = random.Random(20261126)
    compared = records = 0
    for raw in pick.sample(tles, 400):
        for _ in range(30):
            which = pick.choice(("tle_line1", "tle_line2"))
            line = raw[which]
            column = pick.randrange(2, 68)
            changed = dict(raw)
            changed[which] = _tle_checksummed(line[:column] + pick.choice(odd) + line[column + 1 :])
            if which == "tle_line1" and column in range(2, 7) and pick.random() < 0.5:
                # the same catalogue number on both lines, so the number itself is read
                other = changed["tle_line2"]
                changed["tle_line2"] = _tle_checksummed(
                    other[:2] + changed["tle_line1"][2:7] + other[7:]
                )
            outcome = _outcome(elements_clean, changed)
            assert outcome == _outcome(_slow_path, changed), changed
            compared += 1
            records += outcome[0] == "record"
    # Both kinds were compared: odd values that are still valid, and rejections.
    assert compared == 12_000 and 2_000 < records < 11_000
