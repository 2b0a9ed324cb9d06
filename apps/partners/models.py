"""Partner sources, their sync runs and the records a run rejected."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_celery_beat.models import PeriodicTask

from apps.accounts.models import Organisation
from apps.datasets.models import Dataset, Release


class SyncSource(models.Model):
    """Where a partner publishes data, and how and how often to pull it into a dataset."""

    class Mode(models.TextChoices):
        SNAPSHOT = "snapshot", _("Full snapshot (records missing from it are withdrawn)")
        INCREMENTAL = "incremental", _("Incremental (adds and changes, never withdraws)")

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("partner organisation"), on_delete=models.PROTECT
    )
    dataset = models.ForeignKey(
        Dataset, verbose_name=_("target dataset"), on_delete=models.PROTECT, related_name="+"
    )
    url = models.URLField(_("address"), max_length=1000)
    adapter = models.CharField(_("format"), max_length=30)
    mode = models.CharField(_("mode"), max_length=12, choices=Mode.choices, default=Mode.SNAPSHOT)
    enabled = models.BooleanField(_("enabled"), default=True)
    # Schedule: every N minutes, or a crontab line; kept in django-celery-beat's tables.
    every_minutes = models.PositiveIntegerField(
        _("every (minutes)"),
        null=True,
        blank=True,
        help_text=_("Run every this many minutes; or leave empty and give a crontab line."),
    )
    crontab = models.CharField(
        _("crontab"),
        max_length=100,
        blank=True,
        help_text=_("minute hour day-of-month month day-of-week, in UTC, e.g. “15 */6 * * *”."),
    )
    periodic_task = models.OneToOneField(
        PeriodicTask, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    min_interval_minutes = models.PositiveIntegerField(
        _("minimum interval (minutes)"),
        default=0,
        help_text=_("The partner's stated minimum time between two downloads."),
    )
    # Request headers: the name is plain; the value (a token) is encrypted at rest.
    secret_header_name = models.CharField(
        _("secret header name"), max_length=100, blank=True, default="Authorization"
    )
    secret_header_value = models.TextField(_("secret header value (encrypted)"), blank=True)
    secret_hint = models.CharField(max_length=12, blank=True)
    connect_timeout = models.FloatField(_("connect timeout (s)"), default=10)
    read_timeout = models.FloatField(_("read timeout (s)"), default=60)
    max_bytes = models.PositiveBigIntegerField(
        _("maximum download size (bytes)"), default=200 * 1024 * 1024
    )
    rejected_threshold = models.FloatField(
        _("rejected share that stops publishing (%)"),
        default=5.0,
        help_text=_("A run rejecting more than this share of records publishes nothing."),
    )
    failure_alert_after = models.PositiveIntegerField(
        _("alert after this many failed runs in a row"), default=3
    )
    contacts = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("contacts"), blank=True, related_name="+"
    )
    # Conditional-request validators of the last downloaded payload.
    etag = models.CharField(max_length=200, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    # A lease instead of a lock held on a connection: works on every database, and a worker
    # killed mid-run loses it when it expires or when the reaper ends the stale run.
    lease_run = models.ForeignKey(
        "SyncRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lease_until = models.DateTimeField(null=True, blank=True)
    alerting = models.BooleanField(default=False)  # failure alert sent, recovery not yet
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("sync source")
        verbose_name_plural = _("sync sources")
        permissions = [("run_syncsource", "Can start a sync now")]

    def __str__(self) -> str:
        return self.name


# What an operator sets on a source besides its identity (slug, organisation, dataset): the
# admin form and the YAML loader both work from this list.
SOURCE_SETTINGS = (
    "name",
    "url",
    "adapter",
    "mode",
    "enabled",
    "every_minutes",
    "crontab",
    "min_interval_minutes",
    "secret_header_name",
    "connect_timeout",
    "read_timeout",
    "max_bytes",
    "rejected_threshold",
    "failure_alert_after",
)


class SyncRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        PARTIAL = "partial", _("Partial (some records rejected)")
        NOT_MODIFIED = "not_modified", _("Not modified")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("Schedule")
        MANUAL = "manual", _("Sync now")
        COMMAND = "command", _("Command line")

    FINISHED = (
        Status.SUCCEEDED,
        Status.PARTIAL,
        Status.NOT_MODIFIED,
        Status.FAILED,
        Status.SKIPPED,
    )

    source = models.ForeignKey(SyncSource, related_name="runs", on_delete=models.CASCADE)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    queued_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Seconds per stage: {"fetch": 0.4, "parse_validate_apply": 2.1}
    timings = models.JSONField(default=dict, blank=True)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    bytes = models.PositiveBigIntegerField(default=0)
    received = models.PositiveIntegerField(default=0)
    valid = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    added = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    withdrawn = models.PositiveIntegerField(default=0)
    release = models.ForeignKey(
        Release, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    error = models.TextField(blank=True)
    # Valid records were there, but too large a share was rejected: published nothing, alerts.
    threshold_exceeded = models.BooleanField(default=False)

    class Meta:
        ordering = ["-queued_at", "-pk"]
        indexes = [models.Index(fields=["source", "-queued_at"], name="partners_run_recent")]

    def __str__(self) -> str:
        return f"{self.source.slug} #{self.pk} {self.status}"


class RejectedRecord(models.Model):
    run = models.ForeignKey(SyncRun, related_name="rejections", on_delete=models.CASCADE)
    position = models.PositiveIntegerField()
    field = models.CharField(max_length=60)
    reason = models.CharField(max_length=300)
    raw = models.TextField()  # truncated to 500 characters

    class Meta:
        ordering = ["run", "position"]

    def __str__(self) -> str:
        return f"{self.position}: {self.field} {self.reason}"
