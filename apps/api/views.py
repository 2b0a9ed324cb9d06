"""API v1: thin views over the datasets' selectors; every error is problem+json."""

import hashlib

from django.db.models import Q
from django.utils.http import http_date, quote_etag
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.api import stored
from apps.api.filters import ElementSetFilter, SpaceObjectFilter, filters_apply
from apps.api.models import ApiKey
from apps.api.page_cache import page_cache_key, page_cached, page_remember, weak_if_encoded
from apps.api.pagination import RecordCursorPagination
from apps.api.renderers import ELEMENT_RENDERERS, CSVRenderer, FastJSONRenderer
from apps.api.schema import ElementSetDoc, SpaceObjectDoc
from apps.datasets.models import Dataset, ElementSet, Release, SpaceObject
from apps.datasets.representations import (
    DERIVED_FIELDS,
    ELEMENT_FIELDS,
    OBJECT_FIELDS,
    VERSION_FIELDS,
    element_row,
    object_row,
    tle_fits,
)
from apps.datasets.selectors import (
    datasets_visible_to,
    release_id_for,
    release_latest_stamp,
    release_numbers_by_id,
)


def visible(request):
    key = request.auth if isinstance(request.auth, ApiKey) else None
    return datasets_visible_to(request.user, api_key=key)


def _datasets(request, kind: str):
    """The dataset a listing reads (by `dataset=<slug>`, else the first of its kind), as a
    queryset of at most one."""
    slug = request.query_params.get("dataset")
    datasets = visible(request).filter(kind=kind)
    return datasets.filter(slug=slug) if slug else datasets.order_by("pk")[:1]


def _dataset(request, kind: str) -> Dataset:
    dataset = _datasets(request, kind).first()
    if dataset is None:
        raise NotFound("No such dataset, or not one you may read.")
    return dataset


# What listings read of a dataset (page cache key, filters, links); any other field is still
# there when asked for, at the cost of a query: the JSON metadata columns (title, description,
# keywords…) made up most of the work of this per-request query.
_DATASET_FIELDS = ["slug", "kind", "access", "publisher", "object_catalogue"]


def _dataset_and_release(request, kind: str) -> tuple[Dataset, Release | None]:
    """The dataset a listing reads, by the access rules, and its latest release (every listing
    request needs both). Two queries: one join of the two cost Django three times as long to
    build and compile as PostgreSQL took to plan and run it, a third of a cold 1000-row page."""
    dataset = _datasets(request, kind).only(*_DATASET_FIELDS).first()
    if dataset is None:
        raise NotFound("No such dataset, or not one you may read.")
    return dataset, release_latest_stamp(dataset)


def _positive_int(request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError({name: ["Must be a release number (a whole number)."]}) from None
    if value < 0 or value > 2_000_000_000:
        raise ValidationError({name: ["Must be a release number (a whole number)."]})
    return value


class _Conditional:
    """ETag and Last-Modified from the dataset's latest release: repeat pulls cost nothing."""

    def conditional(self, request, dataset: Dataset, release: Release | None):
        key = f"{dataset.pk}:{release.number if release else 0}:{request.get_full_path()}:" + (
            request.accepted_renderer.format
        )
        etag = quote_etag(hashlib.sha256(key.encode()).hexdigest()[:32])
        if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
            response = Response(status=304)
        else:
            response = None
        return etag, response

    def stamp(self, response, etag: str, release: Release | None):
        response["ETag"] = etag
        if release is not None:
            response["Last-Modified"] = http_date(release.created_at.timestamp())
        response["Cache-Control"] = "no-cache"  # revalidate with the ETag every time
        return response


class _RecordList(_Conditional, APIView):
    model = None
    kind = ""
    filterset = None
    fields: list[str] = []
    ordering_fields: list[str] = ["norad_cat_id"]
    pagination = RecordCursorPagination

    def ordered(self, request, queryset, paginator):
        """`ordering=perigee` or `ordering=-perigee`. Records whose value is unknown are left
        out: a cursor cannot point between unknowns."""
        ordering = request.query_params.get("ordering")
        if not ordering:
            return queryset
        name = ordering.removeprefix("-")
        if name not in self.ordering_fields:
            raise ValidationError(
                {
                    "ordering": [
                        f"Order by one of: {', '.join(self.ordering_fields)} (- to reverse)."
                    ]
                }
            )
        paginator.ordering = (ordering, "-id" if ordering.startswith("-") else "id")
        return queryset.exclude(**{f"{name}__isnull": True})

    def row(self, values: dict, request, numbers: dict) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError

    def versions(self, request, dataset: Dataset):
        queryset = self.model.objects.filter(dataset=dataset)
        as_of = _positive_int(request, "as_of")
        if as_of is not None:
            release_id = release_id_for(dataset, as_of)
            if not release_id:
                raise NotFound(f"Release {as_of} does not exist.")
            return queryset.filter(appeared_in_id__lte=release_id).filter(
                Q(superseded_in__isnull=True) | Q(superseded_in_id__gt=release_id)
            )
        if request.query_params.get("history") in ("true", "1"):
            return queryset
        if request.query_params.get("history") not in (None, "false", "0"):
            raise ValidationError({"history": ["Use true or false."]})
        return queryset.filter(superseded_in__isnull=True)

    def get(self, request):
        dataset, release = _dataset_and_release(request, self.kind)
        etag, not_modified = self.conditional(request, dataset, release)
        if not_modified is not None:
            return self.stamp(not_modified, etag, release)
        # Access (above), authentication, key usage counting and throttling (DRF, before this
        # method) have all run: a cached page is only ever served to someone who may read it.
        key = page_cache_key(request, dataset, release) if release is not None else None
        cached = page_cached(key) if key else None
        if cached is not None:
            return weak_if_encoded(self.stamp(cached, etag, release))
        queryset = filters_apply(self.filterset, request, self.versions(request, dataset))
        paginator = self.pagination()
        queryset = self.ordered(request, queryset, paginator)
        if isinstance(request.accepted_renderer, FastJSONRenderer):
            # Each record's JSON was written at ingest; the paginator reads only the ordering
            # keys and the page joins the stored texts.
            position = paginator.ordering[0].removeprefix("-")
            page = paginator.paginate_queryset(
                queryset.values_list("id", position, "json_text", "superseded_in_id"),
                request,
                view=self,
            )
            rows = stored.page_rows(self.model, page, lambda: release_numbers_by_id(dataset))
        else:
            queryset = queryset.values("id", *self.fields, *VERSION_FIELDS)
            page = paginator.paginate_queryset(queryset, request, view=self)
            numbers = release_numbers_by_id(dataset)
            rows = [self.row(values, request, numbers) for values in page]
        response = self.stamp(paginator.get_paginated_response(rows), etag, release)
        if key:
            page_remember(request._request, key, response)
        return response


class ObjectList(_RecordList):
    """The space object catalogue (CelesTrak SATCAT fields)."""

    model = SpaceObject
    kind = Dataset.Kind.SPACE_OBJECTS
    filterset = SpaceObjectFilter
    fields = OBJECT_FIELDS
    ordering_fields = [
        "norad_cat_id",
        "object_name",
        "launch_date",
        "decay_date",
        "period",
        "inclination",
        "apogee",
        "perigee",
        "rcs",
    ]
    renderer_classes = [FastJSONRenderer, CSVRenderer]

    def row(self, values, request, numbers):
        return object_row(values, numbers)

    @extend_schema(
        parameters=[
            OpenApiParameter("as_of", OpenApiTypes.INT, description="read an earlier release"),
            OpenApiParameter("dataset", OpenApiTypes.STR, description="dataset slug"),
            OpenApiParameter("page_size", OpenApiTypes.INT, description="1 to 1000, default 100"),
        ],
        filters=True,
        responses=SpaceObjectDoc(many=True),
    )
    def get(self, request):
        return super().get(request)


class ElementList(_RecordList):
    """Orbital element sets (CCSDS OMM mean elements), latest per object unless history=true."""

    model = ElementSet
    kind = Dataset.Kind.ELEMENT_SETS
    filterset = ElementSetFilter
    fields = ELEMENT_FIELDS + DERIVED_FIELDS
    ordering_fields = [
        "norad_cat_id",
        "epoch",
        "mean_motion",
        "eccentricity",
        "inclination",
        "period",
        "semimajor_axis",
        "perigee_altitude",
        "apogee_altitude",
    ]
    renderer_classes = [FastJSONRenderer, CSVRenderer, *ELEMENT_RENDERERS]

    def row(self, values, request, numbers):
        wants_tle = request.accepted_renderer.format in ("tle", "3le")
        if wants_tle and not tle_fits(values["norad_cat_id"]):
            raise ValidationError(
                {
                    "format": [
                        f"NORAD {values['norad_cat_id']} does not fit in a TLE (above "
                        "339999, the Alpha-5 limit); ask for xml, kvn, json or csv."
                    ]
                }
            )
        return element_row(values, numbers, with_tle=wants_tle)

    @extend_schema(
        parameters=[
            OpenApiParameter("as_of", OpenApiTypes.INT, description="read an earlier release"),
            OpenApiParameter("history", OpenApiTypes.BOOL, description="every version"),
            OpenApiParameter("dataset", OpenApiTypes.STR, description="dataset slug"),
            OpenApiParameter("page_size", OpenApiTypes.INT, description="1 to 1000, default 100"),
        ],
        filters=True,
        responses=ElementSetDoc(many=True),
    )
    def get(self, request):
        return super().get(request)


class ElementChanges(_Conditional, APIView):
    """Incremental pulls: what changed after release `since`."""

    renderer_classes = [FastJSONRenderer]

    @extend_schema(
        parameters=[OpenApiParameter("since", OpenApiTypes.INT, required=True)],
        responses=ElementSetDoc(many=True),
    )
    def get(self, request):
        dataset, release = _dataset_and_release(request, Dataset.Kind.ELEMENT_SETS)
        since = _positive_int(request, "since")
        if since is None:
            raise ValidationError({"since": ["Give the last release number you have."]})
        etag, not_modified = self.conditional(request, dataset, release)
        if not_modified is not None:
            return self.stamp(not_modified, etag, release)
        since_id = release_id_for(dataset, since)
        if since_id is None:
            raise NotFound(f"Release {since} does not exist.")
        versions = ElementSet.objects.filter(dataset=dataset)
        upserts = versions.filter(superseded_in__isnull=True, appeared_in_id__gt=since_id)
        ended = set(
            versions.filter(superseded_in_id__gt=since_id).values_list("norad_cat_id", flat=True)
        )
        current = set(
            versions.filter(superseded_in__isnull=True, norad_cat_id__in=ended).values_list(
                "norad_cat_id", flat=True
            )
        )
        paginator = RecordCursorPagination()
        page = paginator.paginate_queryset(
            upserts.values("id", *ELEMENT_FIELDS, *DERIVED_FIELDS, *VERSION_FIELDS), request, self
        )
        numbers = release_numbers_by_id(dataset)
        response = paginator.get_paginated_response([element_row(v, numbers) for v in page])
        response.data["since"] = since
        response.data["release"] = release.number if release else 0
        response.data["withdrawn"] = sorted(ended - current)
        return self.stamp(response, etag, release)
