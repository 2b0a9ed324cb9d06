"""Creating and changing sync sources (from the admin or a YAML file), and starting runs."""

import os
from dataclasses import dataclass, field
from typing import IO

import yaml
from django.db import transaction
from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError, field_validator

from apps.accounts.models import Organisation, User
from apps.datasets.models import Dataset
from apps.partners.adapters import ADAPTERS, adapter_get
from apps.partners.models import SOURCE_SETTINGS, SyncRun, SyncSource
from apps.partners.schedules import crontab_parts, source_schedule_sync
from apps.partners.secrets import secret_encrypt, secret_hint


def source_secret_set(source: SyncSource, value: str) -> None:
    source.secret_header_value = secret_encrypt(value) if value else ""
    source.secret_hint = secret_hint(value) if value else ""


def source_check(source: SyncSource) -> list[str]:
    """What makes a source unusable (empty when it is fine)."""
    problems = []
    if source.adapter not in ADAPTERS:
        problems.append(_("Unknown format “%(format)s”.") % {"format": source.adapter})
    elif adapter_get(source.adapter).kind != source.dataset.kind:
        problems.append(
            _("The format %(format)s feeds %(kind)s datasets, not the %(other)s dataset %(slug)s.")
            % {
                "format": source.adapter,
                "kind": adapter_get(source.adapter).kind,
                "other": source.dataset.kind,
                "slug": source.dataset.slug,
            }
        )
    if source.every_minutes and source.crontab:
        problems.append(_("Give either an interval or a crontab line, not both."))
    if source.crontab:
        try:
            crontab_parts(source.crontab)
        except ValueError as error:
            problems.append(str(error))
    if not 0 <= source.rejected_threshold <= 100:
        problems.append(_("The rejected share is a percentage from 0 to 100."))
    return problems


@transaction.atomic
def source_save(source: SyncSource, contacts: list[User] | None = None) -> SyncSource:
    problems = source_check(source)
    if problems:
        raise ValueError(" ".join(problems))
    source.save()
    if contacts is not None:
        source.contacts.set(contacts)
    source_schedule_sync(source)
    return source


def sync_now(source: SyncSource, trigger: str = SyncRun.Trigger.MANUAL) -> SyncRun:
    """Queue a run on the workers; it is recorded at once (and skipped if one is running)."""
    from apps.partners.tasks import sync_source

    run = SyncRun.objects.create(source=source, trigger=trigger)
    transaction.on_commit(lambda: sync_source.delay(source.pk, run.pk))
    return run


# ----------------------------------------------------------------------------- YAML sources


class SourceSpec(BaseModel):
    """One source in a sources file. Secrets are named by environment variable, never inline."""

    model_config = ConfigDict(extra="forbid")

    slug: str = Field(pattern=r"^[a-z0-9-]{1,80}$")
    name: str = Field(min_length=1, max_length=200)
    organisation: str  # organisation slug
    dataset: str  # dataset slug
    url: HttpUrl
    format: str
    mode: SyncSource.Mode = SyncSource.Mode.SNAPSHOT
    enabled: bool = True
    every_minutes: int | None = Field(default=None, ge=1, le=525_600)
    crontab: str = ""
    min_interval_minutes: int = Field(default=0, ge=0)
    secret_header: str = "Authorization"  # noqa: S105 - a header name, not a secret
    secret_env: str = ""  # the NAME of the environment variable holding the header's value
    connect_timeout: float = Field(default=10, gt=0, le=300)
    read_timeout: float = Field(default=60, gt=0, le=3600)
    max_bytes: int = Field(default=200 * 1024 * 1024, ge=1)
    rejected_threshold: float = Field(default=5.0, ge=0, le=100)
    failure_alert_after: int = Field(default=3, ge=1)
    contacts: list[str] = []  # emails of existing users

    @field_validator("format")
    @classmethod
    def _known_format(cls, value: str) -> str:
        adapter_get(value)
        return value


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _fields_of(spec: SourceSpec) -> dict:
    """The source's settings (SOURCE_SETTINGS, in that order) from a YAML entry."""
    return {
        "name": spec.name,
        "url": str(spec.url),
        "adapter": spec.format,
        "mode": spec.mode,
        "enabled": spec.enabled,
        "every_minutes": spec.every_minutes,
        "crontab": spec.crontab,
        "min_interval_minutes": spec.min_interval_minutes,
        "secret_header_name": spec.secret_header,
        "connect_timeout": spec.connect_timeout,
        "read_timeout": spec.read_timeout,
        "max_bytes": spec.max_bytes,
        "rejected_threshold": spec.rejected_threshold,
        "failure_alert_after": spec.failure_alert_after,
    }


def sources_load(stream: IO[str], environ: dict | None = None) -> LoadReport:
    """Create or update the sources a YAML file lists. All or nothing: one bad entry and the
    file changes nothing, with every problem reported."""
    environ = os.environ if environ is None else environ
    report = LoadReport()
    try:
        document = yaml.safe_load(stream)
    except yaml.YAMLError as error:
        report.errors.append(f"not valid YAML: {error}")
        return report
    entries = document.get("sources") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        report.errors.append("expected a mapping with a 'sources' list")
        return report
    plans = []
    slugs: set[str] = set()
    for index, entry in enumerate(entries, start=1):
        where = f"sources[{index}]"
        try:
            spec = SourceSpec.model_validate(entry)
        except ValidationError as error:
            for problem in error.errors():
                location = ".".join(str(p) for p in problem["loc"])
                report.errors.append(f"{where}.{location}: {problem['msg']}")
            continue
        where = f"{where} ({spec.slug})"
        if spec.slug in slugs:  # the later entry would silently win over the earlier one
            report.errors.append(f"{where}: the slug appears more than once in the file")
            continue
        slugs.add(spec.slug)
        organisation = Organisation.objects.filter(slug=spec.organisation).first()
        dataset = Dataset.objects.filter(slug=spec.dataset).first()
        contacts = list(User.objects.filter(email__in=[e.lower() for e in spec.contacts]))
        if organisation is None:
            report.errors.append(f"{where}: no organisation {spec.organisation!r}")
        if dataset is None:
            report.errors.append(f"{where}: no dataset {spec.dataset!r}")
        if len(contacts) != len(set(spec.contacts)):
            known = {user.email for user in contacts}
            missing = [e for e in spec.contacts if e.lower() not in known]
            report.errors.append(f"{where}: no user with email {', '.join(missing)}")
        secret = ""
        if spec.secret_env:
            if spec.secret_env not in environ:
                report.errors.append(f"{where}: environment variable {spec.secret_env} is not set")
            secret = environ.get(spec.secret_env, "")
        if organisation is None or dataset is None:
            continue
        source = SyncSource.objects.filter(slug=spec.slug).first() or SyncSource(slug=spec.slug)
        before = _snapshot(source) if source.pk else None
        for name, value in _fields_of(spec).items():
            setattr(source, name, value)
        source.organisation, source.dataset = organisation, dataset
        from apps.partners.secrets import secret_decrypt

        if secret_decrypt(source.secret_header_value) != secret:
            source_secret_set(source, secret)
        problems = source_check(source)
        report.errors.extend(f"{where}: {problem}" for problem in problems)
        plans.append((source, contacts, before))
    if report.errors:
        return report
    with transaction.atomic():
        for source, contacts, before in plans:
            changed = (
                before is None
                or before != _snapshot(source)
                or set(source.contacts.values_list("pk", flat=True) if source.pk else [])
                != {user.pk for user in contacts}
            )
            if not changed:
                report.unchanged.append(source.slug)
                continue
            (report.created if before is None else report.updated).append(source.slug)
            source_save(source, contacts)
    return report


def _snapshot(source: SyncSource) -> dict:
    fields = [*SOURCE_SETTINGS, "organisation_id", "dataset_id", "secret_header_value"]
    return {name: getattr(source, name) for name in fields}
