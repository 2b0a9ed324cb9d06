"""Formats partners publish, in a registry: a new format plugs in with `adapter_register`.

An adapter says which datasets it feeds, which media types a download may carry, and how to
read a payload into (position, raw record) pairs; validation and publishing are shared."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext_lazy as _

from apps.datasets.ingest import parse
from apps.datasets.models import Dataset

Reader = Callable[[IO[bytes]], Iterator[tuple[int, dict]]]

CSV_TYPES = ("text/csv", "application/csv", "text/plain", "application/octet-stream")


@dataclass(frozen=True)
class Adapter:
    name: str
    label: str
    kind: str  # the dataset kind it feeds
    accept_types: tuple[str, ...]
    read: Reader | None  # None: the payload is checked as a whole (curated tables)


ADAPTERS: dict[str, Adapter] = {}


def adapter_register(adapter: Adapter) -> Adapter:
    ADAPTERS[adapter.name] = adapter
    return adapter


def adapter_get(name: str) -> Adapter:
    try:
        return ADAPTERS[name]
    except KeyError:
        raise ValueError(f"unknown format {name!r}; known: {', '.join(sorted(ADAPTERS))}") from None


def adapter_choices(kind: str | None = None) -> list[tuple[str, str]]:
    return [(a.name, a.label) for a in ADAPTERS.values() if kind is None or a.kind == kind]


ELEMENTS = Dataset.Kind.ELEMENT_SETS
for _adapter in (
    Adapter(
        "omm_json",
        _("CelesTrak GP / OMM JSON"),
        ELEMENTS,
        ("application/json", "text/json", "text/plain"),
        parse.parse_omm_json,
    ),
    Adapter("omm_csv", _("OMM CSV"), ELEMENTS, CSV_TYPES, parse.parse_omm_csv),
    Adapter(
        "omm_xml",
        _("CCSDS OMM XML"),
        ELEMENTS,
        ("application/xml", "text/xml", "application/octet-stream"),
        parse.parse_omm_xml,
    ),
    Adapter(
        "tle",
        _("TLE / 3LE text"),
        ELEMENTS,
        ("text/plain", "application/octet-stream"),
        parse.parse_tle,
    ),
    Adapter(
        "satcat_csv",
        _("CelesTrak SATCAT CSV"),
        Dataset.Kind.SPACE_OBJECTS,
        CSV_TYPES,
        parse.parse_satcat_csv,
    ),
    Adapter(
        "table_csv",
        _("CSV checked against the table's schema"),
        Dataset.Kind.CURATED_TABLE,
        CSV_TYPES,
        None,
    ),
):
    adapter_register(_adapter)
