"""Output formats: JSON, CSV, CCSDS OMM (XML and KVN) and TLE/3LE.

OMM and TLE are produced from the stored mean elements through sgp4's own exporter, so what a
client reads back with sgp4 propagates exactly like the source."""

import csv
import io
from xml.sax.saxutils import escape

import orjson
from rest_framework.renderers import BaseRenderer, JSONRenderer

from apps.api.errors import PROBLEM

OMM_FIELDS = [
    "OBJECT_NAME",
    "OBJECT_ID",
    "EPOCH",
    "MEAN_MOTION",
    "ECCENTRICITY",
    "INCLINATION",
    "RA_OF_ASC_NODE",
    "ARG_OF_PERICENTER",
    "MEAN_ANOMALY",
    "EPHEMERIS_TYPE",
    "CLASSIFICATION_TYPE",
    "NORAD_CAT_ID",
    "ELEMENT_SET_NO",
    "REV_AT_EPOCH",
    "BSTAR",
    "MEAN_MOTION_DOT",
    "MEAN_MOTION_DDOT",
]


class FastJSONRenderer(BaseRenderer):
    """JSON through orjson: pages of 1000 records are the API's hot path."""

    media_type = "application/json"
    format = "json"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        return orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS)


class ProblemJSONRenderer(JSONRenderer):
    media_type = PROBLEM
    format = "problem"


def _rows(data) -> list[dict]:
    if isinstance(data, dict) and "results" in data:
        return data["results"]
    return data if isinstance(data, list) else [data]


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        rows = _rows(data)
        out = io.StringIO()
        if rows:
            writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n")
            writer.writeheader()
            writer.writerows(rows)
        return out.getvalue().encode()


class _ElementRenderer(BaseRenderer):
    """Base for formats that only make sense for element sets."""

    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        rows = _rows(data)
        return "".join(self.render_record(row) for row in rows).encode()

    def render_record(self, row: dict) -> str:  # pragma: no cover - abstract
        raise NotImplementedError


def omm_fields(row: dict) -> dict:
    return {name: row[name.lower()] for name in OMM_FIELDS}


class OMMXMLRenderer(BaseRenderer):
    media_type = "application/xml"
    format = "xml"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<ndm>\n']
        for row in _rows(data):
            fields = omm_fields(row)
            parts.append(
                '  <omm id="CCSDS_OMM_VERS" version="2.0">\n'
                "    <header><CREATION_DATE>{created}</CREATION_DATE>"
                "<ORIGINATOR>ORBITAL COMMONS</ORIGINATOR></header>\n"
                "    <body><segment>\n"
                "      <metadata><OBJECT_NAME>{name}</OBJECT_NAME><OBJECT_ID>{oid}</OBJECT_ID>"
                "<CENTER_NAME>EARTH</CENTER_NAME><REF_FRAME>TEME</REF_FRAME>"
                "<TIME_SYSTEM>UTC</TIME_SYSTEM><MEAN_ELEMENT_THEORY>SGP4</MEAN_ELEMENT_THEORY>"
                "</metadata>\n      <data>\n".format(
                    created=escape(str(row.get("release_created", fields["EPOCH"]))),
                    name=escape(str(fields["OBJECT_NAME"])),
                    oid=escape(str(fields["OBJECT_ID"])),
                )
            )
            parts.append(
                "        <meanElements><EPOCH>{EPOCH}</EPOCH>"
                "<MEAN_MOTION>{MEAN_MOTION}</MEAN_MOTION>"
                "<ECCENTRICITY>{ECCENTRICITY}</ECCENTRICITY><INCLINATION>{INCLINATION}</INCLINATION>"
                "<RA_OF_ASC_NODE>{RA_OF_ASC_NODE}</RA_OF_ASC_NODE>"
                "<ARG_OF_PERICENTER>{ARG_OF_PERICENTER}</ARG_OF_PERICENTER>"
                "<MEAN_ANOMALY>{MEAN_ANOMALY}</MEAN_ANOMALY></meanElements>\n"
                "        <tleParameters><EPHEMERIS_TYPE>{EPHEMERIS_TYPE}</EPHEMERIS_TYPE>"
                "<CLASSIFICATION_TYPE>{CLASSIFICATION_TYPE}</CLASSIFICATION_TYPE>"
                "<NORAD_CAT_ID>{NORAD_CAT_ID}</NORAD_CAT_ID><ELEMENT_SET_NO>{ELEMENT_SET_NO}"
                "</ELEMENT_SET_NO><REV_AT_EPOCH>{REV_AT_EPOCH}</REV_AT_EPOCH><BSTAR>{BSTAR}</BSTAR>"
                "<MEAN_MOTION_DOT>{MEAN_MOTION_DOT}</MEAN_MOTION_DOT>"
                "<MEAN_MOTION_DDOT>{MEAN_MOTION_DDOT}</MEAN_MOTION_DDOT></tleParameters>\n"
                "      </data>\n    </segment></body>\n  </omm>\n".format(
                    **{k: escape(str(v)) for k, v in fields.items()}
                )
            )
        parts.append("</ndm>\n")
        return "".join(parts).encode()


class OMMKVNRenderer(_ElementRenderer):
    media_type = "text/x-ccsds-omm-kvn"
    format = "kvn"

    def render_record(self, row: dict) -> str:
        f = omm_fields(row)
        lines = [
            "CCSDS_OMM_VERS = 2.0",
            "CREATION_DATE = " + str(f["EPOCH"]),
            "ORIGINATOR = ORBITAL COMMONS",
            f"OBJECT_NAME = {f['OBJECT_NAME']}",
            f"OBJECT_ID = {f['OBJECT_ID']}",
            "CENTER_NAME = EARTH",
            "REF_FRAME = TEME",
            "TIME_SYSTEM = UTC",
            "MEAN_ELEMENT_THEORY = SGP4",
        ]
        # After the metadata, the data keys in OMM order.
        lines += [f"{key} = {f[key]}" for key in OMM_FIELDS[2:]]
        return "\n".join(lines) + "\n\n"


class TLERenderer(_ElementRenderer):
    media_type = "text/plain"
    format = "tle"
    with_name = False

    def render_record(self, row: dict) -> str:
        line1, line2 = row["tle"]
        if self.with_name:
            return f"{row['object_name'][:24]}\n{line1}\n{line2}\n"
        return f"{line1}\n{line2}\n"


class ThreeLERenderer(TLERenderer):
    media_type = "text/x-3le"
    format = "3le"
    with_name = True


ELEMENT_RENDERERS = [OMMXMLRenderer, OMMKVNRenderer, TLERenderer, ThreeLERenderer]
