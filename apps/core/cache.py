"""The Redis cache backend: Django's, with its redis-py clients kept, and atomic counters.

Django's backend makes a new redis-py client for every operation, and redis-py fills a table
of some 160 reply handlers for each one: a tenth of a millisecond, several times per API
request. Clients share the connection pool and are safe to share between threads."""

import time

from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class _KeptClients(RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(
                connection_pool=self._get_connection_pool(write)
            )
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = _KeptClients

    def counter_incr(self, name: str, timeout: int) -> int:
        """Add one to the counter `name` (made with `timeout` seconds to live if missing) and
        return its count, atomically, in one round trip."""
        key = self.make_and_validate_key(name)
        pipe = self._cache.get_client(key, write=True).pipeline(transaction=False)
        pipe.set(key, 0, ex=timeout, nx=True)
        pipe.incr(key)
        return pipe.execute()[1]


def redis_counts() -> bool:
    """Whether counters live in Redis (shared by every process) rather than in one process."""
    return isinstance(caches["default"], RedisCache)


def counter_incr(name: str, timeout: int) -> int:
    """Count one in `name` and return the count: in one atomic round trip on Redis; with the
    cache's add and incr elsewhere (the embedded default, one process)."""
    if redis_counts():
        return caches["default"].counter_incr(name, timeout)
    cache.add(name, 0, timeout=timeout)
    try:
        return cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.add(name, 1, timeout=timeout)
        return 1


def window_count(name: str, seconds: int) -> tuple[int, int]:
    """Count one hit of `name` in the current fixed window of `seconds`: the hits so far in
    the window, and the seconds until it ends (what a 429's Retry-After says)."""
    now = time.time()
    count = counter_incr(f"{name}:{int(now // seconds)}", 2 * seconds)
    return count, seconds - int(now) % seconds
