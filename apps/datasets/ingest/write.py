"""Writing record versions: new rows in bulk (COPY on PostgreSQL), and a release's checksum
read back from the database in key order."""

import hashlib

import orjson
from django.db import connection
from django.db.models.functions import Collate

from apps.datasets.models import Dataset, ElementSet, RecordVersion, Release, StoredTexts
from apps.datasets.representations import (
    DERIVED_FIELDS,
    ELEMENT_FIELDS,
    OBJECT_FIELDS,
    stored_texts,
)

BATCH = 2000


def rows_insert(
    model: type[RecordVersion],
    rows: list[dict],
    *,
    dataset_id: int,
    release_id: int,
    release_number: int,
) -> None:
    """Insert new record versions, with their stored JSON and CSV. On PostgreSQL through COPY,
    the database's own bulk path (several times faster than INSERT for the thousands of rows a
    release brings); elsewhere with bulk_create."""
    if not rows:
        return
    if issubclass(model, StoredTexts):
        elements = model is ElementSet
        for row in rows:
            row["json_text"], row["csv_text"] = stored_texts(row, release_number, elements=elements)
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            (model(dataset_id=dataset_id, appeared_in_id=release_id, **row) for row in rows),
            batch_size=BATCH,
        )
        return
    from psycopg import sql
    from psycopg.types.json import Jsonb

    fixed = {"dataset_id": dataset_id, "appeared_in_id": release_id, "superseded_in_id": None}
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    json_fields = {f.attname for f in fields if f.get_internal_type() == "JSONField"}
    defaults = {f.attname: f.get_default() for f in fields if f.attname not in fixed}
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(model._meta.db_table),
        sql.SQL(", ").join(sql.Identifier(f.column) for f in fields),
    )
    names = [f.attname for f in fields]
    with connection.cursor() as cursor, cursor.connection.cursor().copy(statement) as copy:
        for row in rows:
            values = {**defaults, **row, **fixed}
            for name in json_fields:
                values[name] = Jsonb(values[name])
            copy.write_row([values[name] for name in names])


def release_checksum(model: type[RecordVersion], dataset: Dataset) -> str:
    """SHA-256 of the current [key, content hash] pairs in key order, streamed from the
    database (the same bytes as orjson.dumps of the sorted list, without holding it)."""
    key = model.KEY
    order = key
    if connection.vendor == "postgresql" and key == "row_key":
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


def stored_texts_fill(model, *, release_model=Release, everything: bool = False, progress=None):
    """Write the stored JSON and CSV of existing versions: those without them, or with
    `everything` all of them (after a change to the records' API shape). Returns the count.

    `model`/`release_model` may be a migration's historical models."""
    elements = model._meta.model_name == "elementset"
    fields = ELEMENT_FIELDS + DERIVED_FIELDS if elements else OBJECT_FIELDS
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
