"""Writing record versions: new rows in bulk (COPY on PostgreSQL), and a release's checksum
read back from the database in key order."""

import contextlib
import hashlib

import orjson
from django.db import connection
from django.db.models.functions import Collate
from psycopg import sql
from psycopg.types.json import Jsonb

from apps.datasets.models import Dataset, ElementSet, RecordVersion, Release, StoredTexts
from apps.datasets.representations import ELEMENT_COLUMNS, OBJECT_FIELDS, stored_texts

BATCH = 2000
LINES = 500  # COPY lines joined into one write: a write per row cost more than its text


class RowWriter:
    """New record versions of one release, written as they come, with their stored JSON and CSV.

    On PostgreSQL one COPY stays open for the whole release: the server indexes the rows it
    has received while Python validates and shapes the next ones, instead of waiting for each
    batch (COPY is the database's own bulk path, several times faster than INSERT). Nothing
    else may use the connection until the writer is left. Elsewhere, rows go in batches of
    BATCH through bulk_create. Use as a context manager: leaving it ends the COPY (waiting for
    the server to take every row); an exception aborts it (the caller's transaction rolls
    back)."""

    def __init__(
        self,
        model: type[RecordVersion],
        *,
        dataset_id: int,
        release_id: int,
        release_number: int,
    ) -> None:
        self.model = model
        self.release_number = release_number
        self.texts = issubclass(model, StoredTexts)
        self.elements = model is ElementSet
        self.fixed = {"dataset_id": dataset_id, "appeared_in_id": release_id}
        self.count = 0
        self._batch: list = []
        self._stack = contextlib.ExitStack()
        self._copy = None
        self._postgresql = connection.vendor == "postgresql"
        self._lines: list[str] = []
        self._line_start = ""
        if self._postgresql:
            fields = [f for f in model._meta.concrete_fields if not f.primary_key]
            self._names = [f.attname for f in fields]
            self._json = {f.attname for f in fields if f.get_internal_type() == "JSONField"}
            self._defaults = {
                f.attname: f.get_default() for f in fields if f.attname not in self.fixed
            }
            self._defaults["superseded_in_id"] = None
            if self.elements and _stored_line_fits(self._names):
                # Columns in the order of the stored CSV line, whose values are then the
                # COPY row's too (see `_stored_line`).
                self._names = [*_LINE_HEAD, *ELEMENT_COLUMNS]
                self._line_start = f"{dataset_id}\t{release_id}\t\\N\t"
            by_name = {f.attname: f.column for f in fields}
            self._columns = [by_name[name] for name in self._names]

    def __enter__(self) -> "RowWriter":
        return self

    def __exit__(self, *exc_info) -> bool:
        if exc_info[0] is None:
            self._flush()
        return self._stack.__exit__(*exc_info)

    def write(self, row: dict) -> None:
        if self.texts:
            row["json_text"], row["csv_text"] = stored_texts(
                row, self.release_number, elements=self.elements
            )
        self.count += 1
        if not self._postgresql:
            self._batch.append(self.model(**self.fixed, **row))
            if len(self._batch) >= BATCH:
                self._flush()
            return
        if self._copy is None:
            self._copy = self._copy_open()
        if self._line_start and (line := self._stored_line(row)):
            self._lines.append(line)
            if len(self._lines) >= LINES:
                self._lines_write()
            return
        self._lines_write()  # keep the rows in order
        values = {**self._defaults, **row, **self.fixed}
        for name in self._json:
            values[name] = Jsonb(values[name])
        self._copy.write_row([values[name] for name in self._names])

    def _stored_line(self, row: dict) -> str:
        """The COPY text row of an element set, made from its stored texts, or "" where the
        values need COPY's escapes.

        The stored CSV line holds every value as PostgreSQL reads it (numbers as Python writes
        them, the epoch in UTC, booleans as True/False), in the order of `_names`, then the
        release number. It can be split on commas when csv.writer quoted nothing (no '"'),
        and needs no COPY escapes when no text value holds a backslash, tab, CR or newline:
        JSON escapes each of those with a backslash, so a stored JSON text without one
        proves it. Writing the row this way costs a fraction of formatting every value."""
        json_text, csv_text = row["json_text"], row["csv_text"]
        if "\\" in json_text or '"' in csv_text:
            return ""
        values = csv_text[: csv_text.rindex(",")].replace(",", "\t")
        return (
            f"{self._line_start}{row['content_hash']}\t{row['raw_hash']}\t{json_text}\t"
            f"{csv_text}\t{values}\n"
        )

    def _lines_write(self) -> None:
        if self._lines:
            self._copy.write("".join(self._lines))
            self._lines.clear()

    def _flush(self) -> None:
        self._lines_write()
        if self._batch:
            self.model.objects.bulk_create(self._batch)
            self._batch.clear()

    def _copy_open(self):
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(self.model._meta.db_table),
            sql.SQL(", ").join(sql.Identifier(column) for column in self._columns),
        )
        cursor = self._stack.enter_context(connection.cursor())
        return self._stack.enter_context(cursor.connection.cursor().copy(statement))


# The columns before an element set's stored values in its COPY row; `_stored_line` writes
# them in this order.
_LINE_HEAD = [
    "dataset_id",
    "appeared_in_id",
    "superseded_in_id",
    "content_hash",
    "raw_hash",
    "json_text",
    "csv_text",
]


def _stored_line_fits(names: list[str]) -> bool:
    """Whether the stored CSV line plus `_LINE_HEAD` is every column, each once, and the
    session reads times in UTC, as the stored epochs are written."""
    columns = [*_LINE_HEAD, *ELEMENT_COLUMNS]
    return sorted(columns) == sorted(names) and connection.timezone_name == "UTC"


def release_checksum(model: type[RecordVersion], dataset: Dataset) -> str:
    """SHA-256 of the current [key, content hash] pairs in key order: the bytes of orjson.dumps
    of the sorted list, made without holding it (by PostgreSQL itself where the key is a
    number, streamed from the database otherwise)."""
    key = model.KEY
    if connection.vendor == "postgresql" and key != "row_key":
        return _release_checksum_sql(model, dataset)
    order = key
    if connection.vendor == "postgresql":
        order = Collate(key, "C")  # code-point order, as Python sorts strings
    pairs = (
        model.objects.filter(dataset=dataset, superseded_in__isnull=True)
        .order_by(order)
        .values_list(key, "content_hash")
    )
    digest = hashlib.sha256(b"[")
    for index, pair in enumerate(pairs.iterator(chunk_size=BATCH * 5)):
        digest.update((b"," if index else b"") + orjson.dumps(list(pair)))
    digest.update(b"]")
    return digest.hexdigest()


def _release_checksum_sql(model: type[RecordVersion], dataset: Dataset) -> str:
    # A number and a hex digest need no JSON escapes: the text is what orjson writes. Made
    # in the database, a large release's pairs do not travel to Python and back.
    statement = sql.SQL(
        "SELECT encode(sha256(convert_to('[' || coalesce(string_agg("
        """'[' || {key} || ',"' || content_hash || '"]', ',' ORDER BY {key}), '')"""
        " || ']', 'UTF8')), 'hex') FROM {table} WHERE dataset_id = %s"
        " AND superseded_in_id IS NULL"
    ).format(
        key=sql.Identifier(model._meta.get_field(model.KEY).column),
        table=sql.Identifier(model._meta.db_table),
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [dataset.pk])
        return cursor.fetchone()[0]


def stored_texts_fill(model, *, release_model=Release, everything: bool = False, progress=None):
    """Write the stored JSON and CSV of existing versions: those without them, or with
    `everything` all of them (after a change to the records' API shape). Returns the count.

    `model`/`release_model` may be a migration's historical models."""
    elements = model._meta.model_name == "elementset"
    fields = ELEMENT_COLUMNS if elements else OBJECT_FIELDS
    numbers = dict(release_model.objects.values_list("id", "number"))
    versions = model.objects.all() if everything else model.objects.filter(json_text="")
    batch = []
    count = 0
    for values in versions.values("id", "appeared_in_id", *fields).iterator(chunk_size=BATCH):
        json_text, csv_text = stored_texts(
            values, numbers[values["appeared_in_id"]], elements=elements
        )
        batch.append(model(id=values["id"], json_text=json_text, csv_text=csv_text))
        if len(batch) >= BATCH:
            model.objects.bulk_update(batch, ["json_text", "csv_text"])
            count += len(batch)
            if progress:
                progress(len(batch))
            batch.clear()
    model.objects.bulk_update(batch, ["json_text", "csv_text"])
    if progress and batch:
        progress(len(batch))
    return count + len(batch)
