"""Services for API keys: create (shown once), revoke, authenticate, rate-limit, count."""

import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from rest_framework import authentication, exceptions, throttling

from apps.api.models import ApiKey, ApiKeyUsage, key_generate, key_hash
from apps.core.cache import counter_incr, redis_counts, window_count

HEADER_SCHEME = "api-key"


@dataclass(frozen=True)
class NewKey:
    key: ApiKey
    secret: str  # the full key: shown to its creator once, never stored


@transaction.atomic
def api_key_create(
    *,
    organisation,
    name: str,
    created_by,
    datasets=(),
    expires_at: datetime | None = None,
    rate_per_minute: int = 600,
) -> NewKey:
    full, prefix, hashed = key_generate()
    key = ApiKey.objects.create(
        organisation=organisation,
        name=name,
        prefix=prefix,
        hashed_secret=hashed,
        created_by=created_by,
        expires_at=expires_at,
        rate_per_minute=rate_per_minute,
    )
    key.datasets.set(datasets)
    return NewKey(key, full)


def api_key_revoke(*, key: ApiKey) -> ApiKey:
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
    return key


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """`Authorization: Api-Key oc_<prefix>_<secret>`."""

    def authenticate(self, request):
        header = request.headers.get("Authorization", "")
        scheme, _, value = header.partition(" ")
        if scheme.lower() != HEADER_SCHEME:
            return None
        parts = value.strip().split("_", 2)  # the secret itself may contain "_"
        if len(parts) != 3 or parts[0] != "oc" or len(value) > 200:
            raise exceptions.AuthenticationFailed("Malformed API key.")
        _, prefix, secret = parts
        key = ApiKey.objects.select_related("organisation").filter(prefix=prefix).first()
        if key is None or not hmac.compare_digest(key.hashed_secret, key_hash(secret)):
            raise exceptions.AuthenticationFailed("Unknown API key.")
        if key.revoked_at is not None:
            raise exceptions.AuthenticationFailed("This API key has been revoked.")
        if not key.is_active:
            raise exceptions.AuthenticationFailed("This API key has expired.")
        usage_count(key)
        return (AnonymousUser(), key)

    def authenticate_header(self, request):
        return 'Api-Key realm="api"'


class ApiKeyRateThrottle(throttling.BaseThrottle):
    """Per-key fixed one-minute windows counted atomically in the cache (Redis in production)."""

    def allow_request(self, request, view):
        key = request.auth if isinstance(request.auth, ApiKey) else None
        if key is None:
            return True
        count, self._retry_after = window_count(f"api:rate:{key.pk}", 60)
        return count <= key.rate_per_minute

    def wait(self):
        return self._retry_after


def _usage_counter(key_id: int, day) -> str:
    return f"api:usage:{key_id}:{day.isoformat()}"


def usage_count(key: ApiKey) -> None:
    """Count one request. With Redis, an atomic INCR (flushed to the database every minute by
    Celery beat); without it (one process, the embedded default) a single UPDATE."""
    today = timezone.now().date()
    if redis_counts():
        counter_incr(_usage_counter(key.pk, today), 3 * 24 * 3600)
        return
    updated = ApiKeyUsage.objects.filter(key=key, day=today).update(requests=F("requests") + 1)
    if not updated:
        ApiKeyUsage.objects.get_or_create(key=key, day=today, defaults={"requests": 1})
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())


def usage_flush() -> int:
    """Move buffered counters into ApiKeyUsage. Returns the number of requests flushed."""
    if not redis_counts():
        return 0
    today = timezone.now().date()
    days = (today, today - timedelta(days=1))
    flushed = 0
    for key_id in ApiKey.objects.values_list("pk", flat=True):
        for day in days:
            counter = _usage_counter(key_id, day)
            count = cache.get(counter) or 0
            if not count:
                continue
            cache.decr(counter, count)  # atomic: requests counted meanwhile wait for next time
            updated = ApiKeyUsage.objects.filter(key_id=key_id, day=day).update(
                requests=F("requests") + count
            )
            if not updated:
                ApiKeyUsage.objects.create(key_id=key_id, day=day, requests=count)
            ApiKey.objects.filter(pk=key_id).update(last_used_at=timezone.now())
            flushed += count
    return flushed


class _WindowRateThrottle(throttling.SimpleRateThrottle):
    """DRF's rates and cache keys, counted in fixed windows by one atomic increment. DRF's
    own keeps the time of every request in the window in one list, read and written whole on
    each request: not atomic under concurrent requests, and slower as the rate grows."""

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        count, self._retry_after = window_count(self.key, self.duration)
        return count <= self.num_requests

    def wait(self):
        return self._retry_after


class AnonymousRateThrottle(_WindowRateThrottle, throttling.AnonRateThrottle):
    """The low anonymous rate, for requests without a key or a session."""

    def allow_request(self, request, view):
        if isinstance(request.auth, ApiKey):
            return True
        return super().allow_request(request, view)


class SignedInRateThrottle(_WindowRateThrottle, throttling.UserRateThrottle):
    """The higher rate for signed-in people; API keys have their own per-key limit."""

    def allow_request(self, request, view):
        if (
            isinstance(request.auth, ApiKey)
            or not request.user
            or not request.user.is_authenticated
        ):
            return True
        return super().allow_request(request, view)
