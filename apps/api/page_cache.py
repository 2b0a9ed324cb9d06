"""The finished-page cache of the record listings, and the compression of large pages.

A finished page is fixed by its dataset, the dataset's latest release, its address, query and
format (releases are immutable), so it can be served again without the query, the JSON or the
gzip."""

import gzip
import hashlib
import secrets
from urllib.parse import urlencode

from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.gzip import GZipMiddleware, re_accepts_gzip
from django.utils.cache import patch_vary_headers
from isal import igzip
from rest_framework.response import Response

from apps.datasets.models import Dataset, Release

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
    return weak_if_encoded(response)


def page_remember(request, key: str, response: Response) -> None:
    """Once DRF has rendered the page, compress it as GZipMiddleware would (the middleware then
    leaves it alone) and keep the bytes that go on the wire."""

    def remember(rendered):
        rendered = page_compress(request, rendered)
        encoding = rendered.get("Content-Encoding")
        cache.set(key, (rendered.content, rendered["Content-Type"], encoding), PAGE_CACHE_SECONDS)
        return rendered

    response.add_post_render_callback(remember)


def weak_if_encoded(response):
    # As GZipMiddleware does for pages it compresses: the ETag names the uncompressed content.
    etag = response.get("ETag", "")
    if response.get("Content-Encoding") and etag.startswith('"'):
        response["ETag"] = "W/" + etag
    return response
