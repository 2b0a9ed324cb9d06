"""The records of one payload on their way to a release: validated one at a time (or known
unchanged by the hash of the raw record), repeats and invalid ones kept as rejections."""

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import orjson

from apps.datasets.ingest.rejections import Invalid, Rejection
from apps.datasets.ingest.validate import elements_clean, satcat_clean
from apps.datasets.models import Dataset, Release

# Part of every raw hash: change it when validation or derivation rules change, so that records
# stored under the old rules are validated again on the next sync instead of skipped.
# rules-2: bounded integers, strict TLE catalogue numbers, the hash SHA-1.
RULES_VERSION = b"rules-2:"
UNCHANGED = "_unchanged"  # records_clean's marker for a record known by its raw hash
REJECTIONS_KEPT = 10_000  # a run keeps the first ones with their reasons and counts them all


@dataclass
class IngestResult:
    received: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    rejected_count: int = 0
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    withdrawn: int = 0
    release: Release | None = None
    # Why a valid payload was not published (e.g. too many rejections); empty when it was.
    refused: str = ""
    # {raw hash: key} of the current records, for records_clean to recognise unchanged ones.
    known_raw: dict = field(default_factory=dict)

    @property
    def valid(self) -> int:
        return self.received - self.rejected_count

    def reject(self, rejection: Rejection) -> None:
        self.rejected_count += 1
        if len(self.rejected) < REJECTIONS_KEPT:
            self.rejected.append(rejection)


def _cleaner(dataset: Dataset):
    if dataset.kind == Dataset.Kind.SPACE_OBJECTS:
        return satcat_clean
    if dataset.kind == Dataset.Kind.ELEMENT_SETS:
        return elements_clean
    raise ValueError("curated tables are loaded through apps.datasets.ingest.tables")


def content_hash(record: dict) -> str:
    return hashlib.md5(
        orjson.dumps(record, option=orjson.OPT_SORT_KEYS), usedforsecurity=False
    ).hexdigest()


def raw_hash(raw: dict) -> str:
    # SHA-1 cut to the column's 32 hex digits: half MD5's time on this hardware (it is only
    # compared with the partner's own earlier records).
    return hashlib.sha1(
        RULES_VERSION + orjson.dumps(raw, option=orjson.OPT_SORT_KEYS, default=str),
        usedforsecurity=False,
    ).hexdigest()[:32]


DUPLICATE = "duplicate of an earlier record in this payload"


def _raw_text(raw: dict) -> str:
    """What a rejection keeps of its raw record."""
    return orjson.dumps(raw, default=str).decode()[:500]


def _key_hint(raw: dict) -> int | None:
    """The catalogue number a raw record will have once validated, where it can be read
    without validating (plain digits); None otherwise. Only used to spot repeats early."""
    line = raw.get("tle_line1")
    text = line[2:7] if line.__class__ is str else raw.get("norad_cat_id")
    if text.__class__ is int:
        return text
    if text.__class__ is str and (text := text.strip()).isascii() and text.isdigit():
        return int(text)
    return None


def records_clean(
    dataset: Dataset, raw_records: Iterable[tuple[int, dict]], result: IngestResult
) -> Iterator[dict]:
    """Validate one record at a time; rejections are kept with field, reason and raw text.

    A record whose catalogue number repeats an accepted one is rejected as a duplicate before
    it is validated (the real CelesTrak groups overlap by a third).

    A raw record identical to a current one (by raw hash, see `result.known_raw`, filled by
    release_publish before it reads the first record) is passed on as unchanged without being
    validated and derived again: a re-sync of an unchanged payload costs parsing and hashing."""
    clean = _cleaner(dataset)
    seen: set[int] = set()
    for position, raw in raw_records:
        result.received += 1
        # CelesTrak's groups overlap: a repeat is refused before it is hashed or validated
        # (and without raising: a third of a real payload can be repeats).
        if _key_hint(raw) in seen and "_error" not in raw:
            result.reject(Rejection(position, "norad_cat_id", DUPLICATE, _raw_text(raw)))
            continue
        try:
            if "_error" in raw:
                raise Invalid("record", raw["_error"])
            digest = raw_hash(raw)
            known = result.known_raw.get(digest)
            if known is not None:
                if known in seen:
                    raise Invalid("norad_cat_id", DUPLICATE)
                seen.add(known)
                yield {UNCHANGED: known}
                continue
            record = clean(raw)
            if record["norad_cat_id"] in seen:
                raise Invalid("norad_cat_id", DUPLICATE)
        except Invalid as error:
            result.reject(Rejection(position, error.field, error.reason, _raw_text(raw)))
            continue
        seen.add(record["norad_cat_id"])
        record["raw_hash"] = digest
        yield record
