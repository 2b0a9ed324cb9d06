"""A real HTTP server on 127.0.0.1 that serves partner files and misbehaves on request.

Faults are chosen by URL prefix and can be stacked before the final target:

    /files/<relpath>                        the file (ETag, Last-Modified, 304s, gzip)
    /body/<name>                            a canned body from ``server.bodies[name]``
    /status/<code>/                         that status with a short text body
    /fail/<n>/<key>/...                     500 for the first n requests counted under key
    /retry-after/<value>/<n>/<key>/...      429 + Retry-After for the first n requests
    /unavailable/<value>/<n>/<key>/...      503 + Retry-After for the first n requests
    /slow/<seconds>/...                     sleep before sending the headers
    /cut/...                                full Content-Length, half the body, then close
    /chunked/...                            chunked transfer, no Content-Length
    /ctype/<type>/...                       that Content-Type ("/" written as "~")
    /redirect/<n>/...                       n chained 302 redirects, then the rest

Retry-After values are seconds, or ``date<+|-><seconds>`` for an HTTP-date relative to now.
Stdlib only and free of pytest, so fixtures live in conftest.py.
"""

from __future__ import annotations

import gzip
import hashlib
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

CONTENT_TYPES = {
    ".json": "application/json",
    ".csv": "text/csv",
    ".xml": "application/xml",
    ".tle": "text/plain",
    ".txt": "text/plain",
    ".kvn": "text/plain",
}
CHUNK = 64 * 1024


@dataclass
class _Plan:
    """Faults collected from the URL prefixes, applied when the target is sent."""

    delay: float = 0.0
    cut: bool = False
    chunked: bool = False
    content_type: str | None = None


@dataclass(frozen=True)
class _Representation:
    data: bytes
    content_type: str
    encoding: str = ""
    etag: str = ""
    last_modified: str = ""


class FaultServer(ThreadingHTTPServer):
    """Serves ``root`` with URL-selected faults; start() runs it in a daemon thread."""

    daemon_threads = True

    def __init__(self, root: Path, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__((host, port), _FaultHandler)
        self.root = Path(root).resolve()
        # name -> (body, content_type) or (body, content_type, content_encoding)
        self.bodies: dict[str, tuple[bytes, str] | tuple[bytes, str, str]] = {}
        self.request_log: list[tuple[str, str, dict[str, str]]] = []
        self._counters: dict[str, int] = {}
        self._gzip_cache: dict[Path, bytes] = {}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        """Absolute URL for a path on this server, e.g. url("/files/tle/x.tle")."""
        return self.base_url + "/" + quote(path.lstrip("/"))

    def start(self) -> FaultServer:
        self._thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.05}, name="fault-server"
        )
        self._thread.daemon = True
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def reset(self) -> None:
        """Forget counters, the request log and canned bodies (between tests)."""
        with self._lock:
            self._counters.clear()
            self.request_log.clear()
            self.bodies.clear()

    def requests_to(self, path_prefix: str) -> list[tuple[str, str, dict[str, str]]]:
        """Logged requests whose path starts with ``path_prefix``."""
        with self._lock:
            return [entry for entry in self.request_log if entry[1].startswith(path_prefix)]

    def count(self, key: str) -> int:
        """Count one more request under ``key`` and return the new total."""
        with self._lock:
            self._counters[key] = self._counters.get(key, 0) + 1
            return self._counters[key]

    def log_request_seen(self, method: str, path: str, headers: dict[str, str]) -> None:
        with self._lock:
            self.request_log.append((method, path, headers))

    def gzipped(self, path: Path, data: bytes) -> bytes:
        with self._lock:
            cached = self._gzip_cache.get(path)
        if cached is None:
            cached = gzip.compress(data, compresslevel=6, mtime=0)
            with self._lock:
                self._gzip_cache[path] = cached
        return cached

    def handle_error(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        # Clients that time out or hang up mid-body are part of the tests, not server bugs.
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)


class _FaultHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive and Content-Length framing, like real partners
    server: FaultServer

    def log_message(self, format: str, *args: object) -> None:
        pass  # the request log is the record; stderr noise would drown test output

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        self.server.log_request_seen("GET", path, dict(self.headers.items()))
        segments = [unquote(segment) for segment in path.split("/")[1:]]
        try:
            self._route(segments, _Plan())
        except (ValueError, IndexError):
            self._send_status(400, "bad fault URL")

    def _route(self, rest: list[str], plan: _Plan) -> None:
        while rest:
            head = rest[0]
            if head == "files":
                return self._send_file("/".join(rest[1:]), plan)
            if head == "body":
                return self._send_body(rest[1], plan)
            if head == "status":
                return self._send_status(int(rest[1]), f"status {rest[1]}")
            if head == "fail":
                if self.server.count(rest[2]) <= int(rest[1]):
                    return self._send_status(500, "injected failure")
                rest = rest[3:]
            elif head in ("retry-after", "unavailable"):
                value, limit, key = rest[1], int(rest[2]), rest[3]
                if self.server.count(key) <= limit:
                    status = 429 if head == "retry-after" else 503
                    return self._send_status(status, "slow down", retry_after=value)
                rest = rest[4:]
            elif head == "slow":
                plan.delay += float(rest[1])
                rest = rest[2:]
            elif head == "cut":
                plan.cut = True
                rest = rest[1:]
            elif head == "chunked":
                plan.chunked = True
                rest = rest[1:]
            elif head == "ctype":
                plan.content_type = rest[1].replace("~", "/")
                rest = rest[2:]
            elif head == "redirect":
                remaining = int(rest[1]) - 1
                tail = rest[2:] if remaining <= 0 else ["redirect", str(remaining), *rest[2:]]
                return self._send_redirect("/" + "/".join(quote(part) for part in tail))
            else:
                break
        return self._send_status(404, "no such route")

    def _send_file(self, relpath: str, plan: _Plan) -> None:
        path = (self.server.root / relpath).resolve()
        if not path.is_file() or not path.is_relative_to(self.server.root):
            return self._send_status(404, "no such file")
        data = path.read_bytes()
        etag = '"' + hashlib.sha256(data).hexdigest() + '"'
        mtime = int(path.stat().st_mtime)
        if self._not_modified(etag, mtime):
            return self._send_not_modified(etag, formatdate(mtime, usegmt=True), plan)
        encoding = ""
        if self._accepts_gzip():
            data, encoding = self.server.gzipped(path, data), "gzip"
        content_type = CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")
        representation = _Representation(
            data, content_type, encoding, etag, formatdate(mtime, usegmt=True)
        )
        return self._send(representation, plan)

    def _send_body(self, name: str, plan: _Plan) -> None:
        if name not in self.server.bodies:
            return self._send_status(404, "no such body")
        data, content_type, *encoding = self.server.bodies[name]
        representation = _Representation(data, content_type, encoding[0] if encoding else "")
        return self._send(representation, plan)

    def _not_modified(self, etag: str, mtime: int) -> bool:
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            # Weak comparison (RFC 9110 13.1.2): a gzip copy keeps the same validator.
            tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
            return "*" in tags or etag in tags
        if_modified_since = self.headers.get("If-Modified-Since")
        if if_modified_since:
            try:
                since = parsedate_to_datetime(if_modified_since).timestamp()
            except (TypeError, ValueError):
                return False
            return mtime <= since
        return False

    def _accepts_gzip(self) -> bool:
        for item in self.headers.get("Accept-Encoding", "").split(","):
            coding, _, params = item.strip().partition(";")
            if coding.strip().lower() in ("gzip", "*"):
                return params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
        return False

    def _send(self, rep: _Representation, plan: _Plan) -> None:
        if plan.delay:
            time.sleep(plan.delay)
        self.send_response(200)
        self.send_header("Content-Type", plan.content_type or rep.content_type)
        if rep.encoding:
            self.send_header("Content-Encoding", rep.encoding)
        self.send_header("Vary", "Accept-Encoding")
        if rep.etag:
            self.send_header("ETag", rep.etag)
        if rep.last_modified:
            self.send_header("Last-Modified", rep.last_modified)
        data = rep.data[: len(rep.data) // 2] if plan.cut else rep.data
        if plan.chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(len(rep.data)))
        if plan.cut:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if plan.chunked:
            for piece in _pieces(data):
                self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            if not plan.cut:
                self.wfile.write(b"0\r\n\r\n")
        else:
            self.wfile.write(data)
        self.wfile.flush()

    def _send_not_modified(self, etag: str, last_modified: str, plan: _Plan) -> None:
        if plan.delay:
            time.sleep(plan.delay)
        self.send_response(304)
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", last_modified)
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()

    def _send_status(self, status: int, text: str, *, retry_after: str | None = None) -> None:
        body = (text + "\n").encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        if retry_after is not None:
            self.send_header("Retry-After", _retry_after_header(retry_after))
        if status == 401:
            self.send_header("WWW-Authenticate", 'Bearer realm="partner"')
        self.end_headers()
        self.wfile.write(body)

    def _send_redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()


def _pieces(data: bytes) -> Iterator[bytes]:
    for start in range(0, len(data), CHUNK):
        yield data[start : start + CHUNK]


def _retry_after_header(value: str) -> str:
    if value.startswith("date"):
        return formatdate(time.time() + float(value[4:]), usegmt=True)
    return value
