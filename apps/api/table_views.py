"""API v1 for curated tables: their Table Schema and their rows, by release, as JSON or CSV.

Rows are filtered by exact column values (`?state=CN`), each value read with the column's
schema type, so a bad value is a 400 naming the column, never a 500."""

from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from frictionless import Schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.api.pagination import RecordCursorPagination
from apps.api.renderers import CSVRenderer, FastJSONRenderer
from apps.api.views import _Conditional, _positive_int, visible
from apps.datasets.ingest.tables import json_value
from apps.datasets.models import Dataset, TableRow
from apps.datasets.selectors import release_id_for, release_latest, release_numbers_by_id

TABLE_PARAMETERS = {"format", "cursor", "page_size", "as_of"}


class TableRowPagination(RecordCursorPagination):
    ordering = ("row_key", "id")


def _table(request, slug: str) -> Dataset:
    table = visible(request).filter(kind=Dataset.Kind.CURATED_TABLE, slug=slug[:80]).first()
    if table is None:
        raise NotFound("No such table, or not one you may read.")
    return table


def table_summary(table: Dataset, request) -> dict:
    latest = release_latest(table)
    return {
        "slug": table.slug,
        "title": table.localized_title,
        "description": table.localized_description,
        "access": table.access,
        "current_release": latest.number if latest else None,
        "row_count": latest.record_count if latest else 0,
        "schema": table.table_schema,
        "rows": request.build_absolute_uri(f"/api/v1/tables/{table.slug}/rows/"),
    }


def column_filters(table: Dataset, params) -> Q:
    """`?column=value` for each column, the value read with the column's type."""
    fields = {item["name"]: item for item in table.table_schema.get("fields", [])}
    unknown = [name for name in params if name not in fields and name not in TABLE_PARAMETERS]
    if unknown:
        raise ValidationError(
            {name[:80]: ["Not a column of this table nor a parameter."] for name in unknown[:20]}
        )
    condition = Q()
    if not fields:
        return condition
    schema = Schema.from_descriptor(table.table_schema)
    for name in fields:
        if name not in params:
            continue
        raw = params[name]
        if len(raw) > 500:
            raise ValidationError({name: ["At most 500 characters."]})
        value, notes = schema.get_field(name).read_cell(raw)
        if notes:
            kind = fields[name].get("type", "string")
            raise ValidationError({name: [f"Not a valid {kind}."]})
        condition &= Q(**{f"data__{name}": json_value(value, fields[name].get("type", ""))})
    return condition


class TableList(APIView):
    """Curated tables you may read, each with its Frictionless Table Schema."""

    renderer_classes = [FastJSONRenderer]

    @extend_schema(operation_id="tables_list", responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        tables = visible(request).filter(kind=Dataset.Kind.CURATED_TABLE).order_by("slug")
        return Response({"results": [table_summary(table, request) for table in tables]})


class TableDetail(APIView):
    renderer_classes = [FastJSONRenderer]

    @extend_schema(operation_id="table_retrieve", responses={200: OpenApiTypes.OBJECT})
    def get(self, request, slug: str):
        return Response(table_summary(_table(request, slug), request))


class TableRows(_Conditional, APIView):
    """The rows of a curated table: current release, or `as_of` an earlier one."""

    renderer_classes = [FastJSONRenderer, CSVRenderer]

    @extend_schema(
        operation_id="table_rows_list",
        parameters=[
            OpenApiParameter("as_of", OpenApiTypes.INT, description="read an earlier release"),
            OpenApiParameter("page_size", OpenApiTypes.INT, description="1 to 1000, default 100"),
        ],
        responses={200: OpenApiTypes.OBJECT},
        description="Any column of the table's schema is also a filter: `?column=value`.",
    )
    def get(self, request, slug: str):
        table = _table(request, slug)
        release = release_latest(table)
        etag, not_modified = self.conditional(request, table, release)
        if not_modified is not None:
            return self.stamp(not_modified, etag, release)
        rows = TableRow.objects.filter(dataset=table).filter(
            column_filters(table, request.query_params)
        )
        as_of = _positive_int(request, "as_of")
        if as_of is None:
            rows = rows.filter(superseded_in__isnull=True)
        else:
            release_id = release_id_for(table, as_of)
            if not release_id:
                raise NotFound(f"Release {as_of} does not exist.")
            rows = rows.filter(appeared_in_id__lte=release_id).filter(
                Q(superseded_in__isnull=True) | Q(superseded_in_id__gt=release_id)
            )
        paginator = TableRowPagination()
        page = paginator.paginate_queryset(
            rows.values("id", "row_key", "data", "appeared_in_id"), request, view=self
        )
        numbers = release_numbers_by_id(table)
        columns = [item["name"] for item in table.table_schema.get("fields", [])]
        results = [
            {
                **{name: values["data"].get(name) for name in columns},
                "release": numbers.get(values["appeared_in_id"]),
            }
            for values in page
        ]
        return self.stamp(paginator.get_paginated_response(results), etag, release)
