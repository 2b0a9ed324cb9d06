"""API v1: thin views over the datasets' selectors; every error is problem+json."""

import gzip
import hashlib
import secrets
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import Q
from django.http import HttpResponse
from django.middleware.gzip import GZipMiddleware, re_accepts_gzip
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, quote_etag
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from isal import igzip
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.api import stored
from apps.api.filters import ElementSetFilter, SpaceObjectFilter, filters_apply
from apps.api.models import ApiKey
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
    release_latest,
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


def _dataset_and_release(request, kind: str) -> tuple[Dataset, Release | None]:
    """The dataset and its latest release in one query (every listing request needs both);
    a second one only for a dataset without releases."""
    release = (
        Release.objects.select_related("dataset")
        .filter(dataset__in=_datasets(request, kind).values("pk"))
        .order_by("-number")
        .first()
    )
    if release is not None:
        return release.dataset, release
    return _dataset(request, kind), None


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


# A finished page is fixed by its dataset, the dataset's latest release, its address, query and
# format: releases are immutable. Cached pages skip the query, row shaping, JSON and gzip; the
# time limit only bounds how long an in-place repair by an operator could go unseen.
PAGE_CACHE_SECONDS = 600


def page_cache_key(request, dataset: Dataset, release: Release) -> str:
    """The cache key of one finished page. The release's id, creation time and checksum (not
    only its number) guard against a number reused after a database was restored or reset; the
    absolute address is in it because `next`/`previous` links carry the host."""
    query = urlencode(sorted(request.query_params.lists()), doseq=True)
    gzip = bool(re_accepts_gzip.search(request.headers.get("Accept-Encoding", "")))
    raw = "|".join(
        [
            str(dataset.pk),
            str(release.pk),
            release.created_at.isoformat(),
            release.checksum,
            request.build_absolute_uri(request.path),
            query,
            request.accepted_renderer.format,
            "gzip" if gzip else "identity",
        ]
    )
    return "api:page:" + hashlib.sha256(raw.encode()).hexdigest()


def page_cached(key: str) -> HttpResponse | None:
    entry = cache.get(key)
    if entry is None:
        return None
    body, content_type, encoding = entry
    response = HttpResponse(body, content_type=content_type)
    if encoding:
        response["Content-Encoding"] = encoding
        patch_vary_headers(response, ("Accept-Encoding",))
    return response


# Large pages are compressed with ISA-L's gzip (isal): a 1000-row JSON page (632 kB) takes
# about 1.3 ms at its level 2 instead of 9 ms with zlib at GZipMiddleware's level 6 (6 ms at
# zlib's level 1), and comes out at 109 kB instead of 92 kB. Every uncached page pays this on
# the request; smaller pages keep GZipMiddleware.
PAGE_GZIP_LEVEL = 2
PAGE_GZIP_FROM = 64 * 1024


def page_compress(request, response):
    """GZipMiddleware's work on a rendered page (Vary, weak ETag, only if shorter, a random
    file name against BREACH), at PAGE_GZIP_LEVEL for large pages."""
    if len(response.content) < PAGE_GZIP_FROM or response.has_header("Content-Encoding"):
        return GZipMiddleware(lambda _: response).process_response(request, response)
    patch_vary_headers(response, ("Accept-Encoding",))
    if not re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
        return response
    compressed = igzip.compress(response.content, compresslevel=PAGE_GZIP_LEVEL, mtime=0)
    if len(compressed) >= len(response.content):
        return response
    header = bytearray(compressed[:10])
    header[3] |= gzip.FNAME  # igzip writes a plain 10-byte header: the name follows it
    name = b"a" * secrets.randbelow(GZipMiddleware.max_random_bytes) + b"\x00"
    response.content = bytes(header) + name + compressed[10:]
    response["Content-Length"] = str(len(response.content))
    response["Content-Encoding"] = "gzip"
    return _weak_if_encoded(response)


def page_remember(request, key: str, response: Response) -> None:
    """Once DRF has rendered the page, compress it as GZipMiddleware would (the middleware then
    leaves it alone) and keep the bytes that go on the wire."""

    def remember(rendered):
        rendered = page_compress(request, rendered)
        encoding = rendered.get("Content-Encoding")
        cache.set(key, (rendered.content, rendered["Content-Type"], encoding), PAGE_CACHE_SECONDS)
        return rendered

    response.add_post_render_callback(remember)


def _weak_if_encoded(response):
    # As GZipMiddleware does for pages it compresses: the ETag names the uncompressed content.
    etag = response.get("ETag", "")
    if response.get("Content-Encoding") and etag.startswith('"'):
        response["ETag"] = "W/" + etag
    return response


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
            return _weak_if_encoded(self.stamp(cached, etag, release))
        queryset = filters_apply(self.filterset, request, self.versions(request, dataset))
        paginator = self.pagination()
        queryset = self.ordered(request, queryset, paginator)
        if isinstance(request.accepted_renderer, FastJSONRenderer):
            # Each record's JSON was written at ingest; the paginator reads only the ordering
            # keys and the page joins the stored texts.
            position = paginator.ordering[0].removeprefix("-")
            queryset = queryset.annotate(row_json=stored.row_json(self.model))
            page = paginator.paginate_queryset(
                queryset.values_list("id", position, "row_json"), request, view=self
            )
            rows = stored.page_fragment([row[2] for row in page])
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
        dataset = _dataset(request, Dataset.Kind.ELEMENT_SETS)
        since = _positive_int(request, "since")
        if since is None:
            raise ValidationError({"since": ["Give the last release number you have."]})
        release = release_latest(dataset)
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
