"""A small local "partner" for the demo: serves the real files of the project's fixtures with
ETag and Last-Modified (so repeated syncs end as "not modified"), as a partner would."""

import hashlib
import mimetypes
import threading
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "datasets" / "fixtures" / "real"
TYPES = {
    ".json": "application/json",
    ".csv": "text/csv",
    ".tle": "text/plain",
    ".txt": "text/plain",
}


class _Handler(BaseHTTPRequestHandler):
    server_version = "OrbitalCommonsDemoPartner/1"

    def do_GET(self):
        name = self.path.split("?", 1)[0].removeprefix("/files/")
        path = (FIXTURES / name).resolve()
        if "/" in name or not path.is_file() or path.parent != FIXTURES:
            self.send_error(404, "no such file")
            return
        body = path.read_bytes()
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        modified = formatdate(path.stat().st_mtime, usegmt=True)
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(200)
        kind = TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0]
        self.send_header("Content-Type", kind or "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", modified)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass  # the portal's worker logs each sync; one line per request here is noise


def demo_endpoint_serve(host: str, port: int) -> None:
    try:
        server = ThreadingHTTPServer((host, port), _Handler)
    except OSError as error:
        # Another program holds the port: the demo syncs fail and say so, but the portal
        # (which honcho would stop if this process ended) keeps running.
        print(f"Demo partner endpoint not started on {host}:{port}: {error}", flush=True)
        threading.Event().wait()
        return
    server.serve_forever()
