"""The sync admin: sources with a write-only token, schedule, "sync now", history, rejections."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django_celery_beat.models import PeriodicTask

from apps.accounts import roles
from apps.accounts.models import Organisation
from apps.accounts.services import user_add_to_group
from apps.datasets.demo import demo_datasets_ensure
from apps.partners.models import RejectedRecord, SyncRun, SyncSource
from apps.partners.secrets import secret_decrypt
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db
TOKEN = "s3cret-partner-token-0042"


@pytest.fixture
def admin_client(client):
    admin = UserFactory(is_staff=True)
    user_add_to_group(user=admin, group_name=roles.ADMIN)
    TOTP.activate(admin, generate_totp_secret())
    client.force_login(admin)
    return client


@pytest.fixture
def form_values():
    _, elements = demo_datasets_ensure()
    partner = Organisation.objects.create(name="Partner", slug="partner", is_partner=True)
    return {
        "slug": "partner-gp",
        "name": "Partner GP",
        "organisation": partner.pk,
        "dataset": elements.pk,
        "url": "https://partner.example/gp.json",
        "adapter": "omm_json",
        "mode": SyncSource.Mode.SNAPSHOT,
        "enabled": "on",
        "every_minutes": "30",
        "crontab": "",
        "min_interval_minutes": "10",
        "secret_header_name": "Authorization",
        "secret": TOKEN,
        "connect_timeout": "10",
        "read_timeout": "60",
        "max_bytes": "1000000",
        "rejected_threshold": "5",
        "failure_alert_after": "3",
    }


def test_admin_adds_a_source_the_token_is_encrypted_and_never_shown(admin_client, form_values):
    response = admin_client.post("/admin/partners/sources/new/", form_values)
    assert response.status_code == 302, response.content.decode()[:2000]
    source = SyncSource.objects.get(slug="partner-gp")
    assert TOKEN not in source.secret_header_value
    assert secret_decrypt(source.secret_header_value) == TOKEN
    task = PeriodicTask.objects.get(pk=source.periodic_task_id)
    assert task.interval.every == 30 and task.task == "partners.sync_source"
    for url in (
        f"/admin/partners/sources/{source.pk}/",
        f"/admin/partners/sources/{source.pk}/edit/",
    ):
        page = admin_client.get(url).content.decode()
        assert TOKEN not in page
        assert "…0042" in page
    # Saving the form again without a token keeps the stored one.
    form_values.pop("secret")
    form_values["every_minutes"] = ""
    form_values["crontab"] = "15 */6 * * *"
    admin_client.post(f"/admin/partners/sources/{source.pk}/edit/", form_values)
    source.refresh_from_db()
    assert secret_decrypt(source.secret_header_value) == TOKEN
    task.refresh_from_db()
    assert task.interval is None and task.crontab.hour == "*/6"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"crontab": "every day"}, "five fields"),
        ({"crontab": "99 * * * *"}, "crontab"),
        ({"adapter": "satcat_csv"}, "feeds"),
        ({"url": "not a url"}, "Enter a valid URL"),
        ({"rejected_threshold": "150"}, "percentage"),
        ({"read_timeout": "0"}, "3600"),
    ],
)
def test_the_source_form_refuses_bad_values(admin_client, form_values, changes, message):
    form_values.update(changes)
    response = admin_client.post("/admin/partners/sources/new/", form_values)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SyncSource.objects.exists()


def test_sync_now_records_a_run_and_the_pages_show_history_and_rejections(
    admin_client, form_values, django_capture_on_commit_callbacks
):
    admin_client.post("/admin/partners/sources/new/", form_values)
    source = SyncSource.objects.get()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = admin_client.post(f"/admin/partners/sources/{source.pk}/sync/")
    assert response.status_code == 302
    run = SyncRun.objects.get(source=source)
    assert run.trigger == SyncRun.Trigger.MANUAL and run.status == SyncRun.Status.QUEUED
    assert len(callbacks) == 1  # the task is queued once the run is committed
    run.status, run.received, run.rejected, run.valid = SyncRun.Status.PARTIAL, 3, 1, 2
    run.save()
    RejectedRecord.objects.create(
        run=run, position=2, field="eccentricity", reason="above 0.9999999", raw='{"x": 1}'
    )
    page = admin_client.get(f"/admin/partners/sources/{source.pk}/").content.decode()
    assert "Partial" in page
    detail = admin_client.get(f"/admin/partners/runs/{run.pk}/").content.decode()
    assert "above 0.9999999" in detail and "eccentricity" in detail
    assert "Partner GP" in admin_client.get("/admin/partners/sources/").content.decode()


def test_people_without_the_permission_cannot_reach_the_sync_admin(client, learner, form_values):
    client.force_login(learner)
    for url in ("/admin/partners/sources/", "/admin/partners/sources/new/"):
        assert client.get(url).status_code in (302, 403)
    assert client.post("/admin/partners/sources/new/", form_values).status_code in (302, 403)
    assert not SyncSource.objects.exists()


def test_deleting_a_source_removes_its_beat_entry(admin_client, form_values):
    admin_client.post("/admin/partners/sources/new/", form_values)
    source = SyncSource.objects.get()
    task_id = source.periodic_task_id
    source.delete()
    assert not PeriodicTask.objects.filter(pk=task_id).exists()
