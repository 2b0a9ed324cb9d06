"""Fetch stage of a partner sync: download one URL to a temporary file, safely.

Partner endpoints are outside our control, so every download is bounded (timeouts, a cap on the
decoded size), retried only when a later try can succeed, and never leaves a partial file behind.
"""

from __future__ import annotations

import functools
import logging
import math
import random
import ssl
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx

logger = logging.getLogger(__name__)

MAX_REDIRECTS = 5
_RETRY_AFTER_STATUSES = frozenset({429, 503})


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """httpx's default certificate checks, built once per process: building them (loading the
    CA bundle) took 15-30 ms, more than a small partner download."""
    return httpx.create_ssl_context()


@dataclass(frozen=True)
class FetchPolicy:
    """Limits and retry rules for one partner source."""

    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    # Applies to the decoded body: a small gzip body may inflate enormously.
    max_bytes: int = 200 * 1024 * 1024
    max_attempts: int = 4
    backoff_base: float = 2.0
    backoff_max: float = 120.0
    # A partner asking for a longer pause fails the run; the next scheduled run tries again.
    max_retry_after: float = 600.0
    # Media types ("application/json") compared without parameters; empty accepts any.
    accept_types: tuple[str, ...] = ()
    # May carry secrets (Authorization), so header values are never logged or put in errors.
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.max_bytes < 1:
            raise ValueError("max_bytes must be positive")


@dataclass
class Fetched:
    """A finished download: a new body in a temporary file, or "not modified"."""

    not_modified: bool
    http_status: int
    path: Path | None  # the caller owns the file and deletes it; None when not_modified
    size: int  # decoded bytes written to path
    etag: str
    last_modified: str
    content_type: str
    attempts: int
    content_encoding: str = ""  # as sent by the partner, e.g. "gzip"
    transferred: int = 0  # bytes on the wire, before decoding


class FetchError(Exception):
    """A download that did not succeed within the policy.

    ``retryable`` says whether the failure looked transient (a later run may succeed); this
    function has already spent its own attempts by the time it raises.
    """

    def __init__(
        self,
        reason: str,
        *,
        http_status: int | None = None,
        retryable: bool = False,
        attempts: int = 0,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.http_status = http_status
        self.retryable = retryable
        self.attempts = attempts
        self.retry_after = retry_after

    def __str__(self) -> str:
        return self.reason


def fetch(
    url: str,
    policy: FetchPolicy,
    *,
    etag: str = "",
    last_modified: str = "",
    sleep: Callable[[float], None] = time.sleep,
    progress: Callable[[int], None] | None = None,
    client: httpx.Client | None = None,
    tmp_dir: Path | str | None = None,
    jitter: Callable[[float, float], float] = random.uniform,
) -> Fetched:
    """Download ``url`` into a temporary file under ``tmp_dir``, following ``policy``.

    ``etag``/``last_modified`` from the previous run make the request conditional; a 304 comes
    back as ``Fetched(not_modified=True, path=None)``. Every wait goes through ``sleep`` and
    every backoff through ``jitter(low, high)``, so tests can record them. Raises FetchError.
    """
    headers = _request_headers(policy, etag=etag, last_modified=last_modified)
    own_client = client is None
    if client is None:
        client = httpx.Client(
            timeout=_timeout(policy),
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            verify=_tls_context(),
        )
    try:
        for attempt in range(1, policy.max_attempts + 1):
            try:
                fetched = _attempt(client, url, policy, headers, progress=progress, tmp_dir=tmp_dir)
            except FetchError as error:
                error.attempts = attempt
                if not error.retryable or attempt == policy.max_attempts:
                    raise
                wait = _wait_before_retry(error, policy, attempt, jitter)
                logger.warning(
                    "Partner fetch of %s failed on attempt %d of %d (%s); retrying in %.1f s",
                    _url_for_log(url),
                    attempt,
                    policy.max_attempts,
                    error.reason,
                    wait,
                )
                sleep(wait)
                continue
            fetched.attempts = attempt
            if fetched.not_modified:
                fetched.etag = fetched.etag or etag
                fetched.last_modified = fetched.last_modified or last_modified
            return fetched
        raise AssertionError("unreachable: the last attempt returns or raises")
    finally:
        if own_client:
            client.close()


def _request_headers(policy: FetchPolicy, *, etag: str, last_modified: str) -> dict[str, str]:
    # httpx would also advertise br/zstd when those packages happen to be installed; gzip is
    # what partners serve and what the decoded-size cap has been tested against.
    headers = {"Accept-Encoding": "gzip"}
    if policy.accept_types:
        headers["Accept"] = ", ".join(policy.accept_types)
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    headers.update(policy.headers)
    return headers


def _timeout(policy: FetchPolicy) -> httpx.Timeout:
    return httpx.Timeout(policy.read_timeout, connect=policy.connect_timeout)


def _attempt(
    client: httpx.Client,
    url: str,
    policy: FetchPolicy,
    headers: dict[str, str],
    *,
    progress: Callable[[int], None] | None,
    tmp_dir: Path | str | None,
) -> Fetched:
    try:
        with client.stream(
            "GET", url, headers=headers, timeout=_timeout(policy), follow_redirects=True
        ) as response:
            return _handle_response(response, policy, progress=progress, tmp_dir=tmp_dir)
    except httpx.TimeoutException as exc:
        raise FetchError(
            f"The partner did not answer in time ({_name(exc)}).", retryable=True
        ) from exc
    except (httpx.NetworkError, httpx.RemoteProtocolError) as exc:
        # Refused or reset connections and bodies cut short are usually transient.
        raise FetchError(f"The connection failed ({_name(exc)}: {exc}).", retryable=True) from exc
    except httpx.TooManyRedirects:
        raise FetchError(f"The partner redirected more than {MAX_REDIRECTS} times.") from None
    except httpx.DecodingError:
        raise FetchError("The partner sent a body that could not be decompressed.") from None
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        # The message may quote the URL, which can hold a token; the class name is enough.
        raise FetchError(f"The request could not be made ({_name(exc)}).") from exc


def _handle_response(
    response: httpx.Response,
    policy: FetchPolicy,
    *,
    progress: Callable[[int], None] | None,
    tmp_dir: Path | str | None,
) -> Fetched:
    status = response.status_code
    if status == 304:
        return Fetched(
            not_modified=True,
            http_status=status,
            path=None,
            size=0,
            etag=response.headers.get("etag", ""),
            last_modified=response.headers.get("last-modified", ""),
            content_type=response.headers.get("content-type", ""),
            attempts=0,
        )
    if not response.is_success:
        raise _status_error(response, policy)

    content_type = response.headers.get("content-type", "")
    media_type = content_type.split(";", 1)[0].strip().lower()
    accepted = {accept.strip().lower() for accept in policy.accept_types}
    if accepted and media_type not in accepted:
        raise FetchError(
            f"The partner sent content of type {media_type or '(none)'!r}, "
            f"expected one of {', '.join(sorted(accepted))}.",
            http_status=status,
        )

    encoding = response.headers.get("content-encoding", "").strip().lower()
    declared = _content_length(response)
    if declared is not None and encoding in ("", "identity") and declared > policy.max_bytes:
        raise FetchError(
            f"The partner announced {declared} bytes, more than the {policy.max_bytes} allowed.",
            http_status=status,
        )

    path, size = _stream_to_file(response, policy.max_bytes, progress=progress, tmp_dir=tmp_dir)
    return Fetched(
        not_modified=False,
        http_status=status,
        path=path,
        size=size,
        etag=response.headers.get("etag", ""),
        last_modified=response.headers.get("last-modified", ""),
        content_type=content_type,
        attempts=0,
        content_encoding=encoding,
        transferred=response.num_bytes_downloaded,
    )


def _stream_to_file(
    response: httpx.Response,
    max_bytes: int,
    *,
    progress: Callable[[int], None] | None,
    tmp_dir: Path | str | None,
) -> tuple[Path, int]:
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - the caller owns the file
        mode="wb", prefix="partner-fetch-", suffix=".part", dir=tmp_dir, delete=False
    )
    path = Path(handle.name)
    size = 0
    try:
        with handle:
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(
                        f"The body is larger than the {max_bytes} bytes allowed once decoded.",
                        http_status=response.status_code,
                    )
                handle.write(chunk)
                if progress is not None:
                    progress(size)
        # h11 already rejects a body shorter than its Content-Length; this guards any other
        # transport, because a truncated file must never pass for a complete download.
        declared = _content_length(response)
        if declared is not None and response.num_bytes_downloaded < declared:
            received = response.num_bytes_downloaded
            raise FetchError(
                f"The connection closed after {received} of {declared} bytes.",
                http_status=response.status_code,
                retryable=True,
            )
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path, size


def _content_length(response: httpx.Response) -> int | None:
    try:
        return int(response.headers["content-length"])
    except (KeyError, ValueError):
        return None


def _status_error(response: httpx.Response, policy: FetchPolicy) -> FetchError:
    status = response.status_code
    phrase = response.reason_phrase or "error"
    if status in _RETRY_AFTER_STATUSES:
        retry_after = _retry_after_seconds(response.headers.get("retry-after", ""), time.time())
        return FetchError(
            f"The partner answered HTTP {status} {phrase}.",
            http_status=status,
            retryable=True,
            retry_after=retry_after,
        )
    if status >= 500:
        return FetchError(
            f"The partner answered HTTP {status} {phrase}.", http_status=status, retryable=True
        )
    return FetchError(f"The partner answered HTTP {status} {phrase}.", http_status=status)


def _retry_after_seconds(value: str, now: float) -> float | None:
    """Seconds to wait from a Retry-After header (delay-seconds or HTTP-date); None if unusable."""
    value = value.strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return seconds if math.isfinite(seconds) and seconds >= 0 else None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now)


def _wait_before_retry(
    error: FetchError,
    policy: FetchPolicy,
    attempt: int,
    jitter: Callable[[float, float], float],
) -> float:
    if error.retry_after is None:
        # Full jitter spreads the retries of many workers hitting the same partner.
        return jitter(0.0, min(policy.backoff_max, policy.backoff_base * 2 ** (attempt - 1)))
    if error.retry_after > policy.max_retry_after:
        raise FetchError(
            f"The partner answered HTTP {error.http_status} and asked to retry after "
            f"{error.retry_after:g} s, longer than the {policy.max_retry_after:g} s a run may "
            "wait.",
            http_status=error.http_status,
            retryable=True,
            attempts=error.attempts,
            retry_after=error.retry_after,
        )
    return error.retry_after


def _url_for_log(url: str) -> str:
    # Some partners take tokens in the query string or userinfo; logs get neither.
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


def _name(exc: BaseException) -> str:
    return type(exc).__name__
