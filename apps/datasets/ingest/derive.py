"""What sgp4 derives from an element set: semi-major axis, altitudes, period, orbit regime
and the IADC protected regions (and, by setting the propagator up, that sgp4 can use it)."""

import math
from datetime import UTC, datetime

from sgp4.api import WGS72, Satrec

from apps.datasets.ingest.rejections import Invalid

GEO_ALTITUDE_KM = 35_786.0
MAX_TLE_SATNUM = 339_999  # beyond Alpha-5, sgp4 cannot parse the number (it is not used)

# The unit conversions sgp4.omm.initialize makes from OMM fields (see SGP4.cpp); derive calls
# sgp4init with the record's numbers directly instead of formatting them into OMM text for
# initialize to parse back (which cost more than the propagator's set-up itself).
_EPOCH0 = datetime(1949, 12, 31, tzinfo=UTC)
_TO_RADIANS = math.pi / 180.0
_NDOT_UNITS = 1036800.0 / math.pi
_NDDOT_UNITS = 2985984000.0 / 2.0 / math.pi


def derive(record: dict) -> dict:
    """Semi-major axis, altitudes, period, regime and IADC protected regions, from sgp4."""
    sat = Satrec()
    try:
        sat.sgp4init(
            WGS72,
            "i",
            record["norad_cat_id"] if record["norad_cat_id"] <= MAX_TLE_SATNUM else 0,
            (record["epoch"] - _EPOCH0).total_seconds() / 86400.0,
            record["bstar"],
            record["mean_motion_dot"] / _NDOT_UNITS,
            record["mean_motion_ddot"] / _NDDOT_UNITS,
            record["eccentricity"],
            record["arg_of_pericenter"] * _TO_RADIANS,
            record["inclination"] * _TO_RADIANS,
            record["mean_anomaly"] * _TO_RADIANS,
            record["mean_motion"] / 720.0 * math.pi,
            record["ra_of_asc_node"] * _TO_RADIANS,
        )
    except (ValueError, KeyError) as exc:
        raise Invalid("mean_motion", f"sgp4 cannot use these elements: {exc}") from exc
    radius = sat.radiusearthkm
    semimajor = sat.a * radius
    perigee = sat.altp * radius
    apogee = sat.alta * radius
    if record["eccentricity"] >= 0.25:
        regime = "HEO"
    elif apogee < 2000:
        regime = "LEO"
    elif perigee >= GEO_ALTITUDE_KM - 500 and apogee <= GEO_ALTITUDE_KM + 500:
        regime = "GEO"
    else:
        regime = "MEO"
    return {
        "semimajor_axis": round(semimajor, 3),
        "period": round(1440.0 / record["mean_motion"], 4),
        "perigee_altitude": round(perigee, 3),
        "apogee_altitude": round(apogee, 3),
        "regime": regime,
        # IADC: the LEO region is the shell up to 2000 km; the GEO region is GEO altitude
        # ±200 km within ±15° latitude. An orbit is "in" a region if it passes through it.
        "in_leo_protected_region": perigee <= 2000,
        "in_geo_protected_region": (
            perigee <= GEO_ALTITUDE_KM + 200
            and apogee >= GEO_ALTITUDE_KM - 200
            and min(record["inclination"], 180 - record["inclination"]) <= 15
        ),
    }
