"""The Redis cache keeps its clients and counts atomically; the embedded cache counts too."""

import os
import threading

import pytest
from django.core.cache import caches
from django.test import override_settings

from apps.core.cache import RedisCache, counter_incr


@pytest.fixture
def redis_cache():
    """A database of the real Redis (the suite's own when it runs on Redis)."""
    return os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/14"


def test_clients_are_kept_and_counters_are_atomic_under_concurrency(redis_cache):
    backend = RedisCache(redis_cache, {"KEY_PREFIX": "cache-test"})
    backend.clear()
    assert backend._cache.get_client(write=True) is backend._cache.get_client(write=True)
    counts = []

    def hits():
        for _ in range(50):
            counts.append(backend.counter_incr("hits", 60))

    threads = [threading.Thread(target=hits) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(counts) == list(range(1, 401))  # every count given once: nothing lost
    assert backend.get("hits") == 400  # a plain integer, as the cache API reads it
    assert 0 < backend._cache.get_client().ttl(backend.make_and_validate_key("hits")) <= 60
    backend.clear()


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}})
def test_counters_without_redis():
    caches["default"].clear()
    assert [counter_incr("n", 60) for _ in range(3)] == [1, 2, 3]
