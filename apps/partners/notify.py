"""Telling people when a source keeps failing, and when it works again, in their language."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import translation

from apps.accounts import roles
from apps.accounts.models import User
from apps.partners.models import SyncRun, SyncSource

logger = logging.getLogger(__name__)
GOOD = (SyncRun.Status.SUCCEEDED, SyncRun.Status.PARTIAL, SyncRun.Status.NOT_MODIFIED)


def failure_streak(source: SyncSource) -> int:
    """Failed runs in a row, newest first; skipped runs neither break nor extend a streak."""
    streak = 0
    statuses = (
        SyncRun.objects.filter(source=source)
        .exclude(status__in=[SyncRun.Status.SKIPPED, SyncRun.Status.QUEUED, SyncRun.Status.RUNNING])
        .order_by("-pk")
        .values_list("status", flat=True)[:100]
    )
    for status in statuses:
        if status != SyncRun.Status.FAILED:
            break
        streak += 1
    return streak


def recipients(source: SyncSource) -> list[User]:
    staff = User.objects.filter(is_active=True).filter(
        Q(is_superuser=True) | Q(groups__name=roles.ADMIN)
    )
    people = {user.pk: user for user in staff}
    people.update({user.pk: user for user in source.contacts.filter(is_active=True)})
    return sorted(people.values(), key=lambda user: user.pk)


def _send(source: SyncSource, run: SyncRun, template: str, streak: int) -> None:
    site = settings.SITE_URL.rstrip("/")
    for user in recipients(source):
        with translation.override(user.preferred_language):
            context = {
                "source": source,
                "run": run,
                "streak": streak,
                "user": user,
                "admin_url": f"{site}/admin/partners/sources/{source.pk}/",
                "run_url": f"{site}/admin/partners/runs/{run.pk}/",
            }
            subject = render_to_string(f"partners/email/{template}_subject.txt", context)
            body = render_to_string(f"partners/email/{template}_body.txt", context)
        send_mail(" ".join(subject.split()), body, None, [user.email], fail_silently=False)


def run_notify(run: SyncRun) -> None:
    """After each finished run: alert when a payload was refused for its rejected share, alert
    once a failure streak reaches the source's limit, and report the recovery once a good run
    ends an alerted streak."""
    source = SyncSource.objects.get(pk=run.source_id)
    try:
        if run.threshold_exceeded:  # the payload itself is suspect: say so at once
            _send(source, run, "threshold", 0)
        if run.status == SyncRun.Status.FAILED and not source.alerting:
            streak = failure_streak(source)
            if streak >= source.failure_alert_after:
                _send(source, run, "failure", streak)
                SyncSource.objects.filter(pk=source.pk).update(alerting=True)
        elif run.status in GOOD and source.alerting:
            _send(source, run, "recovery", 0)
            SyncSource.objects.filter(pk=source.pk).update(alerting=False)
    except Exception:  # mail trouble must not turn a finished run into a crash
        logger.exception("could not send the sync notification for run %s", run.pk)
