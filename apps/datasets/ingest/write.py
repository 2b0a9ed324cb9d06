"""Writing record versions: new rows in bulk (COPY on PostgreSQL), and a release's checksum
read back from the database in key order."""

import hashlib

import orjson
from django.db import connection
from django.db.models.functions import Collate

from apps.datasets.models import Dataset, RecordVersion

BATCH = 2000


def rows_insert(
    model: type[RecordVersion], rows: list[dict], *, dataset_id: int, release_id: int
) -> None:
    """Insert new record versions. On PostgreSQL through COPY, the database's own bulk path
    (several times faster than INSERT for the thousands of rows a release brings); elsewhere
    with bulk_create."""
    if not rows:
        return
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
