"""Parsers for the formats partners publish: one function per format, each yielding
(position, raw record) pairs one at a time, so memory stays flat whatever the input size."""

import csv
import io
from collections.abc import Iterator
from typing import IO
from xml.etree.ElementTree import ParseError

import ijson
import orjson
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as DefusedET

RawRecord = dict[str, str]


class PayloadError(ValueError):
    """The payload as a whole cannot be read (not JSON, not XML…): no record can be trusted."""


def parse_satcat_csv(stream: IO[bytes]) -> Iterator[tuple[int, RawRecord]]:
    """CelesTrak SATCAT CSV (17 columns, header row)."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    for position, row in enumerate(csv.DictReader(text), start=2):
        yield position, {key.lower(): (value or "").strip() for key, value in row.items() if key}


def parse_omm_csv(stream: IO[bytes]) -> Iterator[tuple[int, RawRecord]]:
    """CelesTrak OMM CSV: the OMM keys as header."""
    yield from parse_satcat_csv(stream)


def parse_omm_json(stream: IO[bytes]) -> Iterator[tuple[int, RawRecord]]:
    """CelesTrak GP JSON: an array of OMM objects, read block by block, so memory does not
    grow with the payload.

    Each block up to its last "}," is parsed by orjson as an array of whole objects. That cut
    can fall inside a string or a nested object, but then the block is not a valid array and
    orjson refuses it (a JSON tokenizer reads the same prefix the same way, so it would still
    be inside that string or object); from there on ijson's C parser reads the rest of the
    stream object by object, as it reads any payload orjson does not take."""
    head = stream.read(1)
    while head and head.isspace():
        head = stream.read(1)
    if head != b"[":
        raise PayloadError("expected a JSON array of OMM records")
    position = 0
    buffer = b""
    try:
        while True:
            block = stream.read(JSON_BLOCK)
            if block:
                buffer += block
                cut = buffer.rfind(b"},") + 1
                if not cut:
                    if len(buffer) <= 4 * JSON_BLOCK:
                        continue
                    break  # no "}," in a long stretch: not CelesTrak's layout, ijson reads it
                text = b"[" + buffer[:cut] + b"]"
            else:
                text = b"[" + buffer  # the rest closes the array itself
            try:
                items = orjson.loads(text)
            except orjson.JSONDecodeError:
                break
            if not items and position:
                # "[" + "]" after a cut: the payload ends "...},]" (or "...}, ]").
                raise PayloadError("not valid JSON: a comma before the closing bracket")
            for item in items:
                position += 1
                yield position, _omm_keys(item)
            if not block:
                return
            buffer = buffer[cut + 1 :]  # past the comma
        items = ijson.items(_Prefixed(b"[" + buffer, stream), "item", use_float=True)
        for item in items:
            position += 1
            yield position, _omm_keys(item)
    except ijson.JSONError as error:
        raise PayloadError(f"not valid JSON: {str(error)[:200]}") from None


JSON_BLOCK = 256 * 1024


class _KeyCase(dict):
    """Lower-case keys, remembered: CelesTrak's seventeen come back on every record. A payload
    with endless different keys cannot make it grow past a few hundred."""

    def __missing__(self, key: str) -> str:
        lower = str(key).lower()
        if len(self) < 512:
            self[key] = lower
        return lower


_KEY_CASE = _KeyCase()


def _omm_keys(item) -> RawRecord:
    if item.__class__ is not dict:
        return {"_error": "not a JSON object"}
    return {_KEY_CASE[key]: value for key, value in item.items()}


class _Prefixed:
    """A stream with the bytes already read put back in front."""

    def __init__(self, head: bytes, stream: IO[bytes]):
        self.head, self.stream = head, stream

    def read(self, size: int = -1) -> bytes:
        if size == 0:  # ijson probes the stream's type with read(0)
            return b""
        if self.head:
            head, self.head = self.head, b""
            return head + self.stream.read(max(size - len(head), 0) if size > 0 else -1)
        return self.stream.read(size)


def parse_omm_xml(stream: IO[bytes]) -> Iterator[tuple[int, RawRecord]]:
    """CCSDS OMM XML (one <omm> per object, in an <ndm> or alone), element by element.

    defusedxml refuses DTDs and entities, so a hostile payload cannot expand or reach out."""
    position = 0
    try:
        for _event, element in DefusedET.iterparse(stream, events=("end",), forbid_dtd=True):
            if _local(element.tag) != "omm":
                continue
            position += 1
            record = {}
            for child in element.iter():
                if len(child) == 0 and child is not element:
                    record[_local(child.tag).lower()] = (child.text or "").strip()
            element.clear()
            yield position, record
    except (ParseError, DefusedXmlException) as error:
        raise PayloadError(f"not well-formed OMM XML: {str(error)[:200]}") from None
    if position == 0:
        raise PayloadError("no <omm> element in the XML")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


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
    "omm_xml": parse_omm_xml,
    "tle": parse_tle,
}


def format_guess(filename: str) -> str:
    name = filename.lower()
    if "satcat" in name and name.endswith(".csv"):
        return "satcat_csv"
    if name.endswith(".json"):
        return "omm_json"
    if name.endswith(".xml"):
        return "omm_xml"
    if name.endswith(".csv"):
        return "omm_csv"
    if name.endswith((".tle", ".txt", ".3le")):
        return "tle"
    raise ValueError(f"cannot tell the format of {filename}; pass --format")
