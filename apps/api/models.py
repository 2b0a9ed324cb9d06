"""API keys for partner agencies: shown once, stored hashed, found by their prefix."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Organisation
from apps.datasets.models import Dataset

KEY_PREFIX_LENGTH = 8


def key_hash(secret: str) -> str:
    # The secret is 32 random bytes: a fast hash is enough (nothing to brute-force).
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiKey(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        related_name="api_keys",
        on_delete=models.CASCADE,
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=KEY_PREFIX_LENGTH, unique=True)
    hashed_secret = models.CharField(max_length=64)
    datasets = models.ManyToManyField(
        Dataset,
        blank=True,
        verbose_name=_("datasets"),
        related_name="api_keys",
        help_text=_("Leave empty to reach every dataset the organisation may read."),
    )
    rate_per_minute = models.PositiveIntegerField(_("requests per minute"), default=600)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.name} (oc_{self.prefix}…)"

    @property
    def is_active(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class ApiKeyUsage(models.Model):
    """Requests per key per day; counted in the cache and flushed here by Celery beat."""

    key = models.ForeignKey(ApiKey, related_name="usage", on_delete=models.CASCADE)
    day = models.DateField()
    requests = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "day"], name="api_usage_key_day")]

    def __str__(self) -> str:
        return f"{self.key_id} {self.day}: {self.requests}"


def key_generate() -> tuple[str, str, str]:
    """(full key shown once, prefix, hashed secret)."""
    prefix = secrets.token_hex(KEY_PREFIX_LENGTH // 2)
    secret = secrets.token_urlsafe(32)
    return f"oc_{prefix}_{secret}", prefix, key_hash(secret)
