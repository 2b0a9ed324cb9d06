"""Parsers for the formats partners publish: one function per format, each yielding
(position, raw record) pairs one at a time, so memory stays flat whatever the input size."""

import csv
import io
from collections.abc import Iterator
from typing import IO

import orjson

RawRecord = dict[str, str]


def parse_satcat_csv(stream: IO[bytes]) -> Iterator[tuple[int, RawRecord]]:
    """CelesTrak SATCAT CSV (17 columns, header row)."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    for position, row in enumerate(csv.DictReader(text), start=2):
        yield position, {key.lower(): (value or "").strip() for key, value in row.items() if key}


def parse_omm_csv(stream: IO[bytes]) -> Iterator[tuple[int, RawRecord]]:
    """CelesTrak OMM CSV: the OMM keys as header."""
    yield from parse_satcat_csv(stream)


def parse_omm_json(stream: IO[bytes]) -> Iterator[tuple[int, RawRecord]]:
    """CelesTrak GP JSON: an array of OMM objects."""
    data = orjson.loads(stream.read())
    if not isinstance(data, list):
        raise ValueError("expected a JSON array of OMM records")
    for position, record in enumerate(data, start=1):
        if not isinstance(record, dict):
            yield position, {"_error": "not a JSON object"}
            continue
        yield position, {str(k).lower(): v for k, v in record.items()}


def parse_tle(stream: IO[bytes]) -> Iterator[tuple[int, RawRecord]]:
    """Two- or three-line element sets; a name line before line 1 is optional."""
    text = io.TextIOWrapper(stream, encoding="ascii", errors="replace", newline=None)
    name = ""
    line1 = None
    line1_at = 0
    for number, raw in enumerate(text, start=1):
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue
        if line.startswith("1 ") and len(line) >= 69:
            line1, line1_at = line, number
        elif line.startswith("2 ") and line1 is not None:
            yield line1_at, {"tle_line0": name, "tle_line1": line1, "tle_line2": line}
            name, line1 = "", None
        else:
            if line1 is not None:
                yield line1_at, {"_error": "line 1 without a matching line 2", "tle_line1": line1}
                line1 = None
            name = line[2:].strip() if line.startswith("0 ") else line.strip()
    if line1 is not None:
        yield line1_at, {"_error": "line 1 without a matching line 2", "tle_line1": line1}


PARSERS = {
    "satcat_csv": parse_satcat_csv,
    "omm_json": parse_omm_json,
    "omm_csv": parse_omm_csv,
    "tle": parse_tle,
}


def format_guess(filename: str) -> str:
    name = filename.lower()
    if "satcat" in name and name.endswith(".csv"):
        return "satcat_csv"
    if name.endswith(".json"):
        return "omm_json"
    if name.endswith(".csv"):
        return "omm_csv"
    if name.endswith((".tle", ".txt", ".3le")):
        return "tle"
    raise ValueError(f"cannot tell the format of {filename}; pass --format")
