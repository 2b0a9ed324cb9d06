"""Creating and changing curated tables (the CSV uploads live in ingest/tables.py)."""

from django.db import transaction

from apps.datasets.models import Dataset


@transaction.atomic
def curated_table_save(values: dict, instance: Dataset | None = None) -> Dataset:
    """Create a curated table, or change one's metadata and schema; the next upload is checked
    against the new schema."""
    table = instance or Dataset(kind=Dataset.Kind.CURATED_TABLE)
    table.slug = values["slug"]
    table.title = {**(table.title or {}), "en": values["title"]}
    table.description = {**(table.description or {}), "en": values["description"]}
    table.publisher = values["publisher"]
    table.licence_name = values["licence_name"]
    table.licence_url = values["licence_url"]
    table.access = values["access"]
    table.update_frequency = values["update_frequency"]
    table.keywords = values["keywords"]
    table.table_schema = values["table_schema"]
    table.save()
    return table
