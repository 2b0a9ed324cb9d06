"""An element set's stored JSON and CSV line are made from one orjson.dumps of its values
(representations._element_texts); they must be, byte for byte, what orjson makes of the values
by column and what csv.writer makes of them (_element_texts_plain)."""

import math
import random
import struct

import orjson

from apps.datasets.representations import (
    ELEMENT_BOOLEAN_FIELDS,
    ELEMENT_COLUMNS,
    ELEMENT_FLOAT_FIELDS,
    _element_texts,
    _element_texts_plain,
)


def test_the_float_and_boolean_columns_are_found():
    assert len(ELEMENT_FLOAT_FIELDS) == 13 and "bstar" in ELEMENT_FLOAT_FIELDS
    assert ELEMENT_BOOLEAN_FIELDS == ["in_leo_protected_region", "in_geo_protected_region"]


def _random_floats(pick: random.Random, count: int):
    for _ in range(count):
        number = struct.unpack("<d", pick.getrandbits(64).to_bytes(8, "little"))[0]
        if math.isfinite(number):
            yield number
    for exponent in range(-30, 308):
        for mantissa in (1.0, 5.0, 1.2345, 9.999999999999999):
            yield mantissa * float(f"1e{exponent}")
            yield -mantissa * float(f"1e{exponent}")
    for _ in range(count):
        yield round(pick.uniform(-1e5, 1e5), pick.randrange(0, 12))
    yield from (0.0, -0.0, 1e-4, -1e-4, 9.999999999999999e-05, 1e16, 1e15, 5e-324)


def test_orjson_writes_every_float_from_1e_4_up_as_repr_does():
    """What _element_texts relies on: a float orjson and repr write differently is
    below 1e-4 in size (and not zero)."""
    for number in _random_floats(random.Random(1), 400_000):
        if not 0 < abs(number) < 1e-4:
            assert orjson.dumps(number).decode() == repr(number)


def _values(pick: random.Random, floats) -> list:
    """One element set's CSV values (epoch as text, then the release number)."""
    values = []
    for name in ELEMENT_COLUMNS:
        if name in ELEMENT_FLOAT_FIELDS:
            values.append(next(floats))
        elif name in ELEMENT_BOOLEAN_FIELDS:
            values.append(pick.random() < 0.5)
        elif name == "epoch":
            values.append("2026-05-30T22:50:00.123456")
        elif name in ("object_name", "object_id", "classification_type", "regime"):
            values.append("STARLINK-1008")
        else:
            values.append(pick.randrange(0, 2**31))
    return [*values, pick.randrange(1, 10_000)]


ODD_TEXTS = [
    "",
    "A, B",
    'SAY "HI"',
    "BACK\\SLASH",
    "TAB\tHERE",
    "LINE\nFEED",
    "CARRIAGE\rRETURN",
    "null",
    "true",
    "[1,2]",
    "ÉTOILE ☄ 衛星",
    "\x00\x1f",
    " LEADING AND TRAILING ",
]


def _outcome(texts, values):
    try:
        return texts(values)
    except TypeError as error:  # orjson refuses an integer past 64 bits, either way
        return type(error)


def test_the_stored_texts_of_an_element_set_are_orjsons_and_csv_writers_own():
    pick = random.Random(20261126)
    floats = _random_floats(pick, 200_000)
    lines = 0
    for _ in range(20_000):
        values = _values(pick, floats)
        assert _outcome(_element_texts, values) == _outcome(_element_texts_plain, values), values
        lines += 1
    for text in ODD_TEXTS:
        for name in ("object_name", "object_id", "classification_type", "regime"):
            values = _values(pick, floats)
            values[ELEMENT_COLUMNS.index(name)] = text
            assert _outcome(_element_texts, values) == _outcome(_element_texts_plain, values), (
                values
            )
    # Values the database or validation could hand over in each kind of column, and more.
    odd = {"float": [None, 0, 1, -(2**70), 1e-5, float("nan"), float("inf")]}
    odd["boolean"] = [None, 0, 1]
    odd["other"] = [None, 0, 2**63, 2**64, -(2**70), True, ""]
    for at, name in enumerate([*ELEMENT_COLUMNS, "release"]):
        kind = (
            "float"
            if name in ELEMENT_FLOAT_FIELDS
            else "boolean"
            if name in ELEMENT_BOOLEAN_FIELDS
            else "other"
        )
        for value in odd[kind]:
            values = _values(pick, floats)
            values[at] = value
            assert _outcome(_element_texts, values) == _outcome(_element_texts_plain, values), (
                values
            )
    assert lines == 20_000
