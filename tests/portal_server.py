"""A real portal process on embedded defaults (SQLite file, filesystem broker), for boot and
browser tests: `manage.py migrate`, `load_demo`, then `run_portal` (web, worker and beat)."""

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
# Variables that would point the portal at servers; embedded defaults must work without them.
SERVER_VARIABLES = ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE")


@dataclass
class PortalServer:
    url: str
    var_dir: Path
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def embedded_env(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SERVER_VARIABLES}
    env.update({"PORTAL_VAR_DIR": str(var_dir), "DJANGO_SETTINGS_MODULE": "portal.settings.dev"})
    # The demo partner endpoint gets its own port per portal (load_demo writes it into the
    # demo source's address, run_portal serves it), so test portals never collide.
    port_file = var_dir / "partner-port"
    if not port_file.exists():
        port_file.write_text(str(_free_port()))
    env["DEMO_PARTNER_PORT"] = port_file.read_text()
    return env


def manage(var_dir: Path, *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=embedded_env(var_dir),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )


def portal_start(var_dir: Path, *, timeout: float = 90) -> PortalServer:
    manage(var_dir, "compile_catalogs")
    manage(var_dir, "migrate", "--noinput")
    # The browser tests seed their own small course; importing content/ is tested on its own.
    manage(var_dir, "load_demo", "--skip-courses")
    port = _free_port()
    log_path = var_dir / "portal.log"
    log = log_path.open("w")
    process = subprocess.Popen(
        [sys.executable, "manage.py", "run_portal", "--port", str(port)],
        cwd=ROOT,
        env=embedded_env(var_dir),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    server = PortalServer(f"http://127.0.0.1:{port}", var_dir, process, log_path)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"portal exited early:\n{server.log()}")
        try:
            if httpx.get(f"{server.url}/health/", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    portal_stop(server)
    raise RuntimeError(f"portal did not answer within {timeout}s:\n{server.log()}")


def portal_stop(server: PortalServer) -> None:
    try:
        os.killpg(server.process.pid, signal.SIGTERM)
        server.process.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(server.process.pid, signal.SIGKILL)
