"""Readiness checks for the operator: database, cache and Celery broker."""

import time
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    milliseconds: float
    error: str = ""


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache() -> None:
    cache.set("health:probe", "ok", timeout=10)
    if cache.get("health:probe") != "ok":
        raise RuntimeError("cache did not return what was stored")


def _check_broker() -> None:
    from portal.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)


CHECKS: dict[str, Callable[[], None]] = {
    "database": _check_database,
    "cache": _check_cache,
    "broker": _check_broker,
}


def worker_heartbeat_age() -> float | None:
    """Seconds since a Celery worker last ran the scheduled heartbeat; None if it never has."""
    from django.utils import timezone

    from apps.core.models import Heartbeat

    beat = Heartbeat.objects.filter(name="worker").first()
    return None if beat is None else (timezone.now() - beat.beat_at).total_seconds()


def health_run() -> list[CheckResult]:
    """Run every check; a failing check is reported by its exception type, never its details."""
    results = []
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            check()
        except Exception as exc:
            results.append(
                CheckResult(name, False, (time.perf_counter() - started) * 1000, type(exc).__name__)
            )
        else:
            results.append(CheckResult(name, True, (time.perf_counter() - started) * 1000))
    return results
