"""Curated tables: editors upload CSV; each upload is checked against the table's Frictionless
Table Schema and, only if every row passes, published as one new release of the table.

A rejected upload publishes nothing and keeps a row-level report (row, column, message)."""

import csv
import datetime
import decimal
import io
import re
from dataclasses import dataclass, field
from typing import IO

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from frictionless import FrictionlessException, Resource, Schema
from frictionless import errors as fl_errors

from apps.datasets.ingest.apply import release_publish
from apps.datasets.ingest.records import IngestResult
from apps.datasets.models import Dataset, Release, TableUpload

KEY_SEPARATOR = "\x1f"  # ASCII unit separator: cannot appear in a CSV cell people type
ERRORS_KEPT = 200
MAX_FIELDS = 100
MAX_CELL_CHARS = 10_000  # a longer cell is a mistake (a pasted file), not a table value
# API parameters (and the release column every row carries) cannot be column names.
RESERVED_COLUMNS = frozenset({"format", "cursor", "page_size", "as_of", "release"})
# Cells spreadsheet programs would run as formulas (CSV injection, OWASP).
_FORMULA_START = ("=", "+", "@", "\t", "\r")
_SIGNED_NUMBER = re.compile(r"-\s*[\d.,]+(e[+-]?\d+)?%?", re.IGNORECASE)


@dataclass
class RowError:
    row: int  # 1 is the header row, as a spreadsheet numbers it
    field: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "field": self.field, "message": self.message}


@dataclass
class UploadReport:
    rows: int = 0
    rejected_rows: int = 0
    error_count: int = 0
    errors: list[RowError] = field(default_factory=list)

    def add(self, row: int, field_name: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < ERRORS_KEPT:
            self.errors.append(RowError(row, field_name, message))


def max_upload_bytes() -> int:
    return settings.TABLE_UPLOAD_MAX_BYTES


def max_upload_rows() -> int:
    return settings.TABLE_UPLOAD_MAX_ROWS


def table_schema_errors(descriptor) -> list[str]:
    """What is wrong with a declared Table Schema (empty when it can be used)."""
    if not isinstance(descriptor, dict):
        return [_("The schema must be a JSON object with a “fields” list.")]
    try:
        problems = [f"{error.type}: {error.note}" for error in Schema.metadata_validate(descriptor)]
        if not problems:
            Schema.from_descriptor(descriptor)  # what uploads will use must load too
    except FrictionlessException as error:
        problems = [f"{error.error.type}: {error.error.note}"]
    if problems:
        return problems
    names = [item.get("name", "") for item in descriptor.get("fields", [])]
    if not names:
        return [_("The schema declares no fields.")]
    if len(names) > MAX_FIELDS:
        return [_("A table may have at most %(n)d columns.") % {"n": MAX_FIELDS}]
    if len(set(names)) != len(names) or any(not name.strip() for name in names):
        return [_("Column names must be unique and not empty.")]
    primary_key = descriptor.get("primaryKey")
    if isinstance(primary_key, str):
        primary_key = [primary_key]
    if not primary_key:
        return [
            _("Declare a primaryKey: releases tell added, changed and withdrawn rows apart by it.")
        ]
    reserved = sorted(RESERVED_COLUMNS & set(names))
    if reserved:
        return [
            _("These column names are reserved for the API: %(names)s")
            % {"names": ", ".join(reserved)}
        ]
    missing = [name for name in primary_key if name not in names]
    if missing:
        return [
            _("The primaryKey names unknown columns: %(names)s") % {"names": ", ".join(missing)}
        ]
    return []


def _primary_key(schema: dict) -> list[str]:
    primary_key = schema["primaryKey"]
    return [primary_key] if isinstance(primary_key, str) else list(primary_key)


def json_value(value, field_type: str):
    """Frictionless's typed cell as a JSON value (what the API serves)."""
    if isinstance(value, decimal.Decimal):
        return int(value) if field_type == "integer" else float(value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return value


def _key_part(value) -> str:
    # Whole numbers padded so that keys sort in numeric order.
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return f"{value:020d}"
    return "" if value is None else str(value)


def _looks_like_formula(text: str) -> bool:
    if text.startswith(_FORMULA_START):
        return True
    return text.startswith("-") and text != "-" and not _SIGNED_NUMBER.fullmatch(text)


def _error_message(error) -> str:
    """Frictionless's error as a sentence an editor can act on, in their language."""
    cell = getattr(error, "cell", "")
    if isinstance(error, fl_errors.TypeError):
        return _("“%(cell)s” is not a valid %(type)s.") % {
            "cell": str(cell)[:80],
            "type": error.note.removeprefix('type is "').split("/")[0].rstrip('"'),
        }
    if isinstance(error, fl_errors.ConstraintError):
        return _("“%(cell)s” breaks the rule %(rule)s.") % {
            "cell": str(cell)[:80],
            "rule": error.note.removeprefix("constraint "),
        }
    if isinstance(error, fl_errors.PrimaryKeyError):
        return _("The primary key is empty or repeats an earlier row.")
    if isinstance(error, fl_errors.UniqueError):
        return _("This value must be unique and repeats an earlier row.")
    if isinstance(error, fl_errors.ExtraCellError):
        return _("This row has more cells than the header has columns.")
    if isinstance(error, fl_errors.MissingCellError):
        return _("This row has fewer cells than the header has columns.")
    if isinstance(error, fl_errors.BlankRowError):
        return _("This row is empty.")
    return str(error.note)[:200]


def _decoded(data: bytes, report: UploadReport) -> str | None:
    if b"\x00" in data:
        row = data[: data.index(b"\x00")].count(b"\n") + 1
        report.add(row, "", _("The file contains NUL bytes: it is not a CSV text file."))
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        row = data[: error.start].count(b"\n") + 1
        report.add(
            row,
            "",
            _(
                "The file is not UTF-8 text (byte 0x%(byte)02x); save it as “CSV UTF-8” and "
                "upload it again."
            )
            % {"byte": data[error.start]},
        )
        return None


def _header_ok(text: str, schema: dict, report: UploadReport) -> bool:
    try:
        header = next(csv.reader(io.StringIO(text)), [])
    except csv.Error as error:
        report.add(1, "", _("The header row cannot be read: %(reason)s") % {"reason": error})
        return False
    header = [name.strip() for name in header]
    names = [item["name"] for item in schema["fields"]]
    for name in names:
        if name not in header:
            report.add(1, name, _("Missing column “%(name)s”.") % {"name": name})
    for name in header:
        if name not in names:
            report.add(1, name[:80], _("Unknown column “%(name)s”.") % {"name": name[:80]})
    for name in {n for n in header if header.count(n) > 1}:
        report.add(1, name[:80], _("Column “%(name)s” appears twice.") % {"name": name[:80]})
    return report.error_count == 0


def _rows_over(text: str, limit: int) -> bool:
    """More data rows than `limit`? Newlines bound the count from above (quoted cells may hold
    newlines), so the exact count by csv's C reader runs only when it might be over."""
    if text.count("\n") <= limit:
        return False
    reader = csv.reader(io.StringIO(text))
    next(reader, None)
    return any(index >= limit for index, _row in enumerate(reader))


def table_rows_check(
    dataset: Dataset, data: bytes, *, partial: bool = False
) -> tuple[UploadReport, list[dict]]:
    """Every row checked against the schema; the records to publish when there is no error.

    With `partial` (partner syncs), the rows without errors are returned even when others
    have some; the caller decides by the share rejected."""
    report = UploadReport()
    try:
        return _rows_check(dataset, data, report, partial)
    except (csv.Error, FrictionlessException) as error:
        # A cell beyond csv's field limit, broken quoting…: the file as a whole is refused.
        report.add(0, "", _("The file cannot be read as CSV: %(reason)s") % {"reason": error})
        return report, []


def _rows_check(
    dataset: Dataset, data: bytes, report: UploadReport, partial: bool
) -> tuple[UploadReport, list[dict]]:
    schema = dataset.table_schema
    if len(data) > max_upload_bytes():
        report.add(
            0,
            "",
            _("The file is %(size)s bytes; the limit is %(limit)s.")
            % {"size": f"{len(data):,}", "limit": f"{max_upload_bytes():,}"},
        )
        return report, []
    text = _decoded(data, report)
    if text is None or not _header_ok(text, schema, report):
        return report, []
    types = {item["name"]: item.get("type", "string") for item in schema["fields"]}
    primary_key = _primary_key(schema)
    limit = max_upload_rows()
    if _rows_over(text, limit):
        report.add(
            limit + 2,
            "",
            _("The table has more than %(limit)s rows, the most one upload may hold.")
            % {"limit": f"{limit:,}"},
        )
        return report, []
    records: list[dict] = []
    resource = Resource(
        data=text.encode(),
        format="csv",
        encoding="utf-8",
        # Columns are matched by name (the header check above made sure they are the same set).
        schema=Schema.from_descriptor({**schema, "fieldsMatch": "equal"}),
    )
    with resource:
        for row in resource.row_stream:
            errors_before = report.error_count
            report.rows += 1
            if report.rows > limit:
                report.add(
                    row.row_number,
                    "",
                    _("The table has more than %(limit)s rows, the most one upload may hold.")
                    % {"limit": f"{limit:,}"},
                )
                break
            for error in row.errors:
                report.add(row.row_number, getattr(error, "field_name", ""), _error_message(error))
            values = row.to_dict()
            for name, value in values.items():
                if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                    report.add(
                        row.row_number,
                        name,
                        _("This cell has %(n)s characters; at most %(limit)s are allowed.")
                        % {"n": f"{len(value):,}", "limit": f"{MAX_CELL_CHARS:,}"},
                    )
                    continue
                is_text = types.get(name) == "string" and isinstance(value, str)
                if is_text and _looks_like_formula(value):
                    report.add(
                        row.row_number,
                        name,
                        _("“%(cell)s” starts like a spreadsheet formula; remove the leading sign.")
                        % {"cell": value[:80]},
                    )
            if report.error_count > errors_before:
                report.rejected_rows += 1
                continue
            if report.error_count and not partial:
                continue  # nothing will be published; keep counting errors only
            data_row = {name: json_value(values.get(name), types[name]) for name in types}
            key = KEY_SEPARATOR.join(_key_part(data_row[name]) for name in primary_key)
            records.append({"row_key": key[:300], "data": data_row})
    if report.rows == 0 and report.error_count == 0:
        report.add(2, "", _("The file has a header but no rows."))
    return report, ([] if report.error_count and not partial else records)


def table_upload(dataset: Dataset, stream: IO[bytes], *, filename: str, user) -> TableUpload:
    """Check an uploaded CSV and publish it as the table's next release if every row passes.

    The upload is recorded either way; a rejected one publishes nothing."""
    if dataset.kind != Dataset.Kind.CURATED_TABLE:
        raise ValueError("only curated tables take CSV uploads")
    data = stream.read(max_upload_bytes() + 1)
    size = len(data)
    while chunk := stream.read(1 << 20):  # the real size, for the record, without keeping it
        size += len(chunk)
    report, records = table_rows_check(dataset, data)
    upload = TableUpload(
        dataset=dataset,
        uploaded_by=user if getattr(user, "is_authenticated", False) else None,
        filename=filename[:200],
        size=size,
        row_count=report.rows,
        error_count=report.error_count,
        errors=[error.as_dict() for error in report.errors],
    )
    if report.error_count:
        upload.status = TableUpload.Status.REJECTED
        upload.save()
        return upload
    with transaction.atomic():
        result = release_publish(
            dataset,
            records,
            result=IngestResult(received=len(records)),
            source=Release.Source.UPLOAD,
            source_detail=f"{filename[:200]} uploaded by {getattr(user, 'email', '') or '-'}",
            full_snapshot=True,
        )
        upload.release = result.release
        upload.status = (
            TableUpload.Status.PUBLISHED if result.release else TableUpload.Status.UNCHANGED
        )
        upload.save()
    return upload
