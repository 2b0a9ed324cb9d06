"""One partner sync run, stage by stage: fetch → parse → validate → apply.

Parse, validate and apply stream into each other (one record at a time), so memory does not
grow with the payload; the time each stage takes is still measured separately. Every outcome,
including the ones that publish nothing, ends as a recorded SyncRun."""

import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.datasets.ingest.apply import catalogue_complete_from_elements, release_publish
from apps.datasets.ingest.parse import PayloadError
from apps.datasets.ingest.records import IngestResult, records_clean
from apps.datasets.ingest.rejections import Rejection
from apps.datasets.ingest.tables import table_rows_check
from apps.datasets.models import Release
from apps.partners.adapters import Adapter, adapter_get
from apps.partners.fetch import FetchError, FetchPolicy, fetch
from apps.partners.locks import source_holder, source_lock, source_unlock
from apps.partners.models import RejectedRecord, SyncRun, SyncSource
from apps.partners.secrets import secret_decrypt

logger = logging.getLogger(__name__)
PROGRESS_EVERY = 500  # records between two progress-bar updates
Progress = Callable[[str, int], None]  # (stage, amount)


def run_create(source: SyncSource, trigger: str) -> SyncRun:
    return SyncRun.objects.create(source=source, trigger=trigger)


def fetch_policy(source: SyncSource, adapter: Adapter) -> FetchPolicy:
    headers = {}
    token = secret_decrypt(source.secret_header_value)
    if token and source.secret_header_name:
        headers[source.secret_header_name] = token
    return FetchPolicy(
        connect_timeout=source.connect_timeout,
        read_timeout=source.read_timeout,
        max_bytes=source.max_bytes,
        backoff_base=settings.SYNC_BACKOFF_BASE,
        accept_types=adapter.accept_types,
        headers=headers,
    )


def _finish(run: SyncRun, status: str, error: str = "") -> SyncRun:
    run.status = status
    run.error = error[:4000]
    run.finished_at = timezone.now()
    run.save()
    return run


def _too_soon(source: SyncSource, run: SyncRun) -> str:
    """The partner's minimum interval: a reason to skip, or ""."""
    if not source.min_interval_minutes:
        return ""
    since = timezone.now() - timedelta(minutes=source.min_interval_minutes)
    last = (
        SyncRun.objects.filter(source=source, started_at__gte=since)
        .exclude(pk=run.pk)
        .exclude(status__in=[SyncRun.Status.SKIPPED, SyncRun.Status.QUEUED])
        .order_by("-started_at")
        .first()
    )
    if last is None:
        return ""
    return (
        f"The partner asks for at least {source.min_interval_minutes} minutes between "
        f"downloads; the last one started at {last.started_at:%Y-%m-%d %H:%M:%S} UTC."
    )


class _Clock:
    """Seconds spent producing items of an iterable, for per-stage timings in a stream."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def wrap(self, items: Iterable) -> Iterator:
        clock = time.perf_counter  # locals: this runs twice per record
        seconds = 0.0
        iterator = iter(items)
        try:
            while True:
                start = clock()
                try:
                    item = next(iterator)
                except StopIteration:
                    seconds += clock() - start
                    return
                seconds += clock() - start
                yield item
        finally:
            self.seconds += seconds


def _counted(items: Iterable, progress: Progress | None) -> Iterable:
    if progress is None:
        return items  # no layer per record when nobody watches
    return _progress_counted(items, progress)


def _progress_counted(items: Iterable, progress: Progress) -> Iterator:
    count = 0
    for count, item in enumerate(items, start=1):
        if count % PROGRESS_EVERY == 0:
            progress("records", PROGRESS_EVERY)
        yield item
    progress("records", count % PROGRESS_EVERY)


def sync_run_execute(run: SyncRun, *, progress: Progress | None = None) -> SyncRun:
    """Run one sync to its end. Never raises for anything a partner can cause."""
    source = run.source
    if run.status in SyncRun.FINISHED:
        return run  # a redelivered message for a finished run: nothing to do (idempotent)
    if not source_lock(source, run):
        holder = source_holder(source)
        return _finish(
            run,
            SyncRun.Status.SKIPPED,
            f"Another run of this source is in progress{f' (run {holder})' if holder else ''}; "
            "not run twice.",
        )
    path = None
    try:
        # The partner's stated minimum interval binds every trigger, "sync now" included.
        reason = _too_soon(source, run)
        if reason:
            return _finish(run, SyncRun.Status.SKIPPED, reason)
        if not source.enabled and run.trigger == SyncRun.Trigger.SCHEDULE:
            return _finish(run, SyncRun.Status.SKIPPED, "The source is disabled.")
        run.status = SyncRun.Status.RUNNING
        run.started_at = timezone.now()
        run.save(update_fields=["status", "started_at"])
        adapter = adapter_get(source.adapter)
        started = time.perf_counter()
        try:
            fetched = fetch(
                source.url,
                fetch_policy(source, adapter),
                etag=source.etag,
                last_modified=source.last_modified,
                progress=(lambda n: progress("bytes", n)) if progress else None,
            )
        except FetchError as error:
            run.timings = {"fetch": round(time.perf_counter() - started, 3)}
            run.http_status = error.http_status
            return _finish(run, SyncRun.Status.FAILED, f"Fetch: {error.reason}")
        run.timings = {"fetch": round(time.perf_counter() - started, 3)}
        run.http_status = fetched.http_status
        run.bytes = fetched.size
        path = fetched.path
        if fetched.not_modified:
            return _finish(run, SyncRun.Status.NOT_MODIFIED)
        result = _ingest(run, source, adapter, path, progress)
        return _record(run, source, result, fetched)
    except PayloadError as error:
        return _finish(run, SyncRun.Status.FAILED, f"Parse: {error}")
    except Exception as error:  # a bug must still end the run as failed, with the reason
        logger.exception("sync run %s failed", run.pk)
        return _finish(run, SyncRun.Status.FAILED, f"Internal error: {type(error).__name__}")
    finally:
        if path is not None:
            os.unlink(path)
        source_unlock(source, run)
        from apps.partners.notify import run_notify

        run_notify(run)


def _threshold(source: SyncSource) -> Callable[[IngestResult], str]:
    def check(result: IngestResult) -> str:
        if not result.received:
            if result.rejected:  # refused as a whole (a curated table's header, say): say why
                reasons = "; ".join(r.reason for r in result.rejected[:5])
                return f"The payload cannot be read: {reasons} Nothing published."
            return "The payload holds no records; nothing published."
        share = 100.0 * result.rejected_count / result.received
        if share > source.rejected_threshold:
            return (
                f"{result.rejected_count} of {result.received} records rejected "
                f"({share:.1f}%, above the source's {source.rejected_threshold:g}%); "
                "nothing published."
            )
        return ""

    return check


def _ingest(run, source, adapter, path, progress) -> IngestResult:
    dataset = source.dataset
    result = IngestResult()
    detail = f"sync {source.slug}, run {run.pk}"
    full = source.mode == SyncSource.Mode.SNAPSHOT
    parse_clock, validate_clock = _Clock(), _Clock()
    started = time.perf_counter()
    if adapter.read is None:  # a curated table: the payload is checked by its schema
        with open(path, "rb") as stream:
            report, records = table_rows_check(dataset, stream.read(), partial=True)
        result.received = report.rows
        for error in report.errors:
            result.reject(Rejection(error.row, error.field or "row", error.message, ""))
        result.rejected_count = report.rejected_rows
        validate_clock.seconds = time.perf_counter() - started
        stream_records: Iterable[dict] = records
    else:
        stream = open(path, "rb")  # noqa: SIM115 - closed below, after the streaming apply
        raw = parse_clock.wrap(adapter.read(stream))
        stream_records = validate_clock.wrap(records_clean(dataset, raw, result))
    try:
        release_publish(
            dataset,
            _counted(stream_records, progress),
            result=result,
            source=Release.Source.SYNC,
            source_detail=detail,
            full_snapshot=full,
            accept=_threshold(source),
        )
    finally:
        if adapter.read is not None:
            stream.close()
    total = time.perf_counter() - started
    run.timings.update(
        {
            "parse": round(parse_clock.seconds, 3),
            "validate": round(max(validate_clock.seconds - parse_clock.seconds, 0), 3),
            "apply": round(max(total - validate_clock.seconds, 0), 3),
        }
    )
    if result.release is not None:
        catalogue_complete_from_elements(dataset)  # does nothing for other kinds
    return result


def _record(run: SyncRun, source: SyncSource, result: IngestResult, fetched) -> SyncRun:
    run.received, run.rejected = result.received, result.rejected_count
    run.valid = result.valid
    run.added, run.changed, run.unchanged = result.added, result.changed, result.unchanged
    run.withdrawn, run.release = result.withdrawn, result.release
    with transaction.atomic():
        RejectedRecord.objects.bulk_create(
            (
                RejectedRecord(
                    run=run,
                    position=r.position,
                    field=r.field[:60],
                    reason=r.reason[:300],
                    raw=r.raw[:500],
                )
                for r in result.rejected
            ),
            batch_size=1000,
        )
        if result.refused:
            run.threshold_exceeded = result.rejected_count > 0
            return _finish(run, SyncRun.Status.FAILED, result.refused)
        # Remember the payload's validators only once it is applied: a refused payload must
        # be downloaded again next time, not answered with "not modified".
        SyncSource.objects.filter(pk=source.pk).update(
            etag=fetched.etag[:200], last_modified=fetched.last_modified[:100]
        )
        status = SyncRun.Status.PARTIAL if result.rejected_count else SyncRun.Status.SUCCEEDED
        return _finish(run, status)
