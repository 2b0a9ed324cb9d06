"""Publishing a new release: diff against the current records, write only what changed, all
in one transaction, so readers see the old release or the new one and never a mix."""

import contextlib
import logging
from collections.abc import Callable, Iterable

from django.db import connection, transaction
from django.db.models import Max

from apps.datasets.ingest.parse import PARSERS
from apps.datasets.ingest.records import UNCHANGED, IngestResult, content_hash, records_clean
from apps.datasets.ingest.write import BATCH, RowWriter, release_checksum
from apps.datasets.models import (
    Dataset,
    ElementSet,
    Release,
    SpaceObject,
)
from apps.datasets.selectors import record_model

logger = logging.getLogger(__name__)
ANALYZE_AFTER = 5000


class Refused(Exception):
    """Raised by an `accept` check to publish nothing; the transaction rolls back."""


def release_publish(
    dataset: Dataset,
    records: Iterable[dict],
    *,
    result: IngestResult,
    source: str,
    source_detail: str = "",
    full_snapshot: bool = True,
    accept: Callable[[IngestResult], str] | None = None,
) -> IngestResult:
    """Write a new release if anything changed; an unchanged payload writes nothing.

    Records stream through: changed ones are written as they come (write.RowWriter) inside
    one transaction, so memory holds the current keys and hashes but never the payload; nothing
    that produces `records` may query the database (the writer's COPY holds the connection).
    `accept`, called once all records are in, may name a reason to publish nothing (the
    transaction then rolls back).
    Keys must be unique within `records` (records_clean and the table check make sure)."""
    try:
        with transaction.atomic():
            return _publish(dataset, records, result, source, source_detail, full_snapshot, accept)
    except Refused as refusal:
        result.release = None
        result.refused = str(refusal)
        return result


def _publish(dataset, records, result, source, source_detail, full_snapshot, accept):
    model = record_model(dataset)
    key = model.KEY
    # Lock the dataset row first: two publishers of one dataset queue up instead of racing,
    # and the current records read below stay the current ones until this commits.
    Dataset.objects.select_for_update().get(pk=dataset.pk)
    current_rows = model.objects.filter(dataset=dataset, superseded_in__isnull=True)
    current = {}
    for identity, digest, raw in current_rows.values_list(key, "content_hash", "raw_hash").iterator(
        chunk_size=BATCH * 5
    ):
        current[identity] = digest
        if raw:
            result.known_raw[raw] = identity
    # Objects a catalogue knows only from element sets are not the snapshot's to withdraw.
    derived = (
        set(
            current_rows.filter(source=SpaceObject.Source.ELEMENTS).values_list(
                "norad_cat_id", flat=True
            )
        )
        if model is SpaceObject
        else set()
    )
    release: Release | None = None
    writer: RowWriter | None = None
    # Keys whose current version this release ends (changed, then withdrawn ones): bounded by
    # the dataset before the run, like `current`. They are ended once the new rows are in,
    # since the COPY holds the connection until then.
    ending: list = []
    # Current records not (yet) met in the payload: what a snapshot withdraws at the end. It
    # only shrinks, and new records are not added to `current`, so memory is bounded by the
    # dataset before the run, never by the payload (duplicates are caught by records_clean).
    pending = set(current) if full_snapshot else set()
    current_count = len(current)

    def release_open() -> Release:
        number = (Release.objects.filter(dataset=dataset).aggregate(n=Max("number"))["n"] or 0) + 1
        return Release.objects.create(
            dataset=dataset,
            number=number,
            checksum="",
            record_count=0,
            added=0,
            changed=0,
            withdrawn=0,
            source=source,
            source_detail=source_detail[:300],
        )

    with contextlib.ExitStack() as stack:
        for record in records:
            if UNCHANGED in record:
                pending.discard(record[UNCHANGED])
                result.unchanged += 1
                continue
            identity = record[key]
            pending.discard(identity)
            raw = record.pop("raw_hash", "")
            digest = content_hash(record)
            known = current.get(identity)
            if known is None:
                result.added += 1
            elif known != digest:
                result.changed += 1
                ending.append(identity)
            else:
                result.unchanged += 1
                continue
            if writer is None:
                release = release_open()
                writer = stack.enter_context(
                    RowWriter(
                        model,
                        dataset_id=dataset.pk,
                        release_id=release.pk,
                        release_number=release.number,
                    )
                )
            record["content_hash"], record["raw_hash"] = digest, raw
            writer.write(record)
        withdrawn = sorted(pending - derived, key=str)
        result.withdrawn = len(withdrawn)
        if accept is not None and (reason := accept(result)):
            raise Refused(reason)  # aborts the COPY; release_publish rolls back
    written = writer.count if writer is not None else 0
    if release is None and not withdrawn:
        return result
    if release is None:
        release = release_open()
    ending.extend(withdrawn)
    # The new versions share the key of the ones they end: leave the release's own rows alone.
    ended = current_rows.exclude(appeared_in_id=release.pk)
    for start in range(0, len(ending), BATCH):
        ended.filter(**{f"{key}__in": ending[start : start + BATCH]}).update(superseded_in=release)
    release.checksum = release_checksum(model, dataset)
    release.record_count = current_count + result.added - result.withdrawn
    release.added, release.changed, release.withdrawn = (
        result.added,
        result.changed,
        result.withdrawn,
    )
    release.save(update_fields=["checksum", "record_count", "added", "changed", "withdrawn"])
    result.release = release
    # Download files are built by a worker once the release is visible to it.
    release_id = release.pk
    transaction.on_commit(lambda: _release_files_enqueue(release_id))
    if connection.vendor == "postgresql" and written + result.withdrawn > ANALYZE_AFTER:
        # Fresh statistics after a big release keep the planner on the index for API pages; a
        # worker takes them once the release is committed (ANALYZE took about a tenth of a
        # first ingest when it ran inside the publishing transaction).
        table = model._meta.db_table
        transaction.on_commit(lambda: _statistics_refresh_enqueue(table))
    return result


def _statistics_refresh_enqueue(table: str) -> None:
    from apps.datasets.tasks import statistics_refresh

    try:
        statistics_refresh.delay(table)
    except Exception:  # autovacuum's own ANALYZE catches up without it
        logger.warning("could not queue fresh statistics for %s", table)


def _release_files_enqueue(release_id: int) -> None:
    from apps.datasets.tasks import build_release_files

    try:
        build_release_files.delay(release_id)
    except Exception:  # the release is published; the beat sweep builds its files later
        logger.warning("could not queue the files of release %s; the sweep will", release_id)


def file_load(
    dataset: Dataset,
    streams: list[tuple],
    *,
    source_detail: str = "",
    full_snapshot: bool = True,
    progress=None,
) -> IngestResult:
    """Parse, validate and publish files as one new release (the same path as partner syncs).

    `streams` is [(binary stream, format name)]; together they are one snapshot."""
    result = IngestResult()
    raw = (item for stream, format_name in streams for item in PARSERS[format_name](stream))
    if progress is not None:
        raw = progress(raw)
    records = records_clean(dataset, raw, result)
    release_publish(
        dataset,
        records,
        result=result,
        source=Release.Source.FILE,
        source_detail=source_detail,
        full_snapshot=full_snapshot,
    )
    if result.release is not None:
        catalogue_complete_from_elements(dataset)
    return result


def catalogue_complete_from_elements(elements: Dataset) -> IngestResult | None:
    """List in the object catalogue, with what the elements say (name, COSPAR id) and nothing
    invented, the objects it does not know yet. Published as a release of the catalogue."""
    catalogue = elements.object_catalogue
    if elements.kind != Dataset.Kind.ELEMENT_SETS or catalogue is None:
        return None
    known = set(
        SpaceObject.objects.filter(dataset=catalogue, superseded_in__isnull=True).values_list(
            "norad_cat_id", flat=True
        )
    )
    # Read before publishing: the publisher's COPY holds the connection while records stream
    # in. Three short values per object, bounded by the element sets' dataset (as `known` is).
    missing = list(
        ElementSet.objects.filter(dataset=elements, superseded_in__isnull=True)
        .exclude(norad_cat_id__in=known)
        .values_list("norad_cat_id", "object_name", "object_id")
        .order_by("norad_cat_id")
    )
    unknown = {
        "object_type": "",
        "ops_status_code": "",
        "owner": "",
        "launch_date": None,
        "launch_site": "",
        "decay_date": None,
        "period": None,
        "inclination": None,
        "apogee": None,
        "perigee": None,
        "rcs": None,
        "data_status_code": "",
        "orbit_center": "",
        "orbit_type": "",
    }
    records = (
        {
            "source": SpaceObject.Source.ELEMENTS,
            "norad_cat_id": norad,
            "object_name": name,
            "object_id": object_id,
            **unknown,
        }
        for norad, name, object_id in missing
    )
    return release_publish(
        catalogue,
        records,
        result=IngestResult(),
        source=Release.Source.FILE,
        source_detail=f"objects known only from the element sets of {elements.slug}",
        full_snapshot=False,
    )
