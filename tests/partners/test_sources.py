"""Sync sources: load_sources (YAML, idempotent, all or nothing), their beat schedules, their
checks and their secrets."""

import io
import json
import textwrap

import pytest
from django.core.management import CommandError, call_command
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from apps.accounts.models import Organisation
from apps.datasets.demo import demo_datasets_ensure
from apps.partners.models import SyncSource
from apps.partners.schedules import TASK
from apps.partners.secrets import secret_decrypt, secret_encrypt, secret_hint
from apps.partners.services import source_save
from tests.accounts.factories import UserFactory

TOKEN = "Bearer yaml-token-0123456789wxyz"
ENV = "PARTNER_TEST_TOKEN"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def world(monkeypatch):
    catalogue, elements = demo_datasets_ensure()
    partner = Organisation.objects.get_or_create(
        slug="partner-agency", defaults={"name": "Partner Agency", "is_partner": True}
    )[0]
    contact = UserFactory(email="contact@partner.example")
    monkeypatch.setenv(ENV, TOKEN)
    return {"elements": elements, "catalogue": catalogue, "partner": partner, "contact": contact}


def _entry(**overrides) -> dict:
    entry = {
        "slug": "noaa-gp",
        "name": "NOAA GP elements",
        "organisation": "partner-agency",
        "dataset": "element-sets",
        "url": "https://partner.example/gp/noaa.json",
        "format": "omm_json",
        "mode": "incremental",
        "every_minutes": 30,
        "min_interval_minutes": 10,
        "secret_header": "Authorization",
        "secret_env": ENV,
        "read_timeout": 30,
        "max_bytes": 5_000_000,
        "contacts": ["contact@partner.example"],
    }
    entry.update(overrides)
    return {key: value for key, value in entry.items() if value is not None}


def _load(tmp_path, document) -> str:
    """Run load_sources on `document` (a list of entries, or raw YAML text); its output."""
    path = tmp_path / "sources.yaml"
    if isinstance(document, str):
        path.write_text(document)
    else:
        path.write_text(json.dumps({"sources": document}))  # JSON is YAML
    out = io.StringIO()
    call_command("load_sources", str(path), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def _failing(tmp_path, document) -> str:
    path = tmp_path / "sources.yaml"
    path.write_text(document if isinstance(document, str) else json.dumps({"sources": document}))
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("load_sources", str(path), stdout=io.StringIO(), stderr=err)
    return err.getvalue()


def _state() -> list[tuple]:
    sources = SyncSource.objects.order_by("slug").values_list(
        "slug", "name", "url", "every_minutes", "crontab", "secret_header_value", "periodic_task"
    )
    tasks = PeriodicTask.objects.filter(task=TASK).values_list("pk", "interval", "crontab")
    return [*sources, *tasks]


class TestLoadSources:
    def test_creates_a_source_with_its_schedule_and_encrypted_secret(self, tmp_path, world):
        output = _load(tmp_path, [_entry()])

        assert "1 created, 0 updated, 0 unchanged" in output
        source = SyncSource.objects.get(slug="noaa-gp")
        assert (source.organisation, source.dataset) == (world["partner"], world["elements"])
        assert (source.adapter, source.mode) == ("omm_json", SyncSource.Mode.INCREMENTAL)
        assert (source.min_interval_minutes, source.read_timeout) == (10, 30)
        assert source.max_bytes == 5_000_000
        assert list(source.contacts.all()) == [world["contact"]]
        assert TOKEN not in source.secret_header_value
        assert secret_decrypt(source.secret_header_value) == TOKEN
        assert source.secret_hint == "…wxyz"
        task = source.periodic_task
        assert task.task == TASK and task.enabled
        assert json.loads(task.kwargs) == {"source_id": source.pk}
        assert (task.interval.every, task.interval.period) == (30, IntervalSchedule.MINUTES)
        assert task.crontab is None

    def test_second_load_is_unchanged(self, tmp_path):
        _load(tmp_path, [_entry()])
        before = _state()

        output = _load(tmp_path, [_entry()])

        assert "0 created, 0 updated, 1 unchanged" in output
        assert _state() == before  # the secret was not even re-encrypted

    def test_updates_on_change_and_follows_the_schedule(self, tmp_path):
        _load(tmp_path, [_entry()])
        source = SyncSource.objects.get()
        task_pk = source.periodic_task_id

        output = _load(
            tmp_path, [_entry(name="NOAA (renamed)", every_minutes=None, crontab="15 */6 * * 1-5")]
        )

        assert "0 created, 1 updated, 0 unchanged" in output
        source.refresh_from_db()
        assert source.name == "NOAA (renamed)"
        task = PeriodicTask.objects.get(pk=task_pk)  # the same beat entry, rescheduled
        assert task.interval is None
        crontab = task.crontab
        assert (crontab.minute, crontab.hour, crontab.day_of_month) == ("15", "*/6", "*")
        assert (crontab.month_of_year, crontab.day_of_week) == ("*", "1-5")
        assert str(crontab.timezone) == "UTC"
        assert json.loads(task.kwargs) == {"source_id": source.pk}

        _load(tmp_path, [_entry(every_minutes=None, enabled=False)])

        source.refresh_from_db()
        assert source.periodic_task is None and not source.enabled
        assert not PeriodicTask.objects.filter(task=TASK).exists()

    def test_disabled_source_keeps_a_disabled_beat_entry(self, tmp_path):
        _load(tmp_path, [_entry(enabled=False)])

        assert not SyncSource.objects.get().periodic_task.enabled

    def test_changed_secret_and_contacts_update(self, tmp_path, world, monkeypatch):
        _load(tmp_path, [_entry()])
        monkeypatch.setenv(ENV, "Bearer rotated-token-00009876")
        other = UserFactory(email="other@partner.example")

        assert "1 updated" in _load(tmp_path, [_entry(contacts=["Other@partner.example"])])

        source = SyncSource.objects.get()
        assert secret_decrypt(source.secret_header_value) == "Bearer rotated-token-00009876"
        assert source.secret_hint == "…9876"
        assert list(source.contacts.all()) == [other]

    def test_missing_environment_variable_changes_nothing(self, tmp_path, monkeypatch):
        _load(tmp_path, [_entry()])
        before = _state()
        monkeypatch.delenv(ENV)

        errors = _failing(tmp_path, [_entry(name="Changed")])

        assert f"environment variable {ENV} is not set" in errors
        assert _state() == before

    @pytest.mark.parametrize(
        ("bad", "message"),
        [
            pytest.param({"format": "omm_kvn"}, "unknown format 'omm_kvn'", id="format"),
            pytest.param({"dataset": "nope"}, "no dataset 'nope'", id="dataset"),
            pytest.param({"organisation": "nope"}, "no organisation 'nope'", id="organisation"),
            pytest.param(
                {"contacts": ["ghost@partner.example"]},
                "no user with email ghost@partner.example",
                id="contact",
            ),
            pytest.param({"token": "inline-secret"}, "token: Extra inputs", id="inline-key"),
            pytest.param(
                {"every_minutes": None, "crontab": "61 * * * *"},
                "Not a valid crontab line",
                id="crontab",
            ),
            pytest.param({"crontab": "0 * * * *"}, "not both", id="interval-and-crontab"),
            pytest.param({"slug": "noaa-gp"}, "appears more than once", id="duplicate-slug"),
            pytest.param(
                {"every_minutes": None, "crontab": "15 6 * *"}, "five fields", id="crontab-fields"
            ),
            pytest.param({"dataset": "space-objects"}, "feeds element_sets", id="kind"),
            pytest.param({"rejected_threshold": 150}, "rejected_threshold", id="threshold"),
        ],
    )
    def test_an_error_anywhere_changes_nothing(self, tmp_path, bad, message):
        _load(tmp_path, [_entry()])
        before = _state()
        changed_ok = _entry(name="Changed but not saved")
        new_bad = _entry(**{"slug": "second-source", **bad})

        errors = _failing(tmp_path, [changed_ok, new_bad])

        assert message in errors, errors
        assert "sources[2]" in errors
        assert _state() == before

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("sources: [unclosed", "not valid YAML"),
            ("- slug: a-list-not-a-mapping", "expected a mapping with a 'sources' list"),
            ("", "expected a mapping with a 'sources' list"),
        ],
    )
    def test_bad_yaml_changes_nothing(self, tmp_path, text, message):
        _load(tmp_path, [_entry()])
        before = _state()

        assert message in _failing(tmp_path, text)
        assert _state() == before

    def test_real_yaml_file(self, tmp_path):
        text = textwrap.dedent(
            f"""\
            sources:
              - slug: stations-tle
                name: Stations (TLE)
                organisation: partner-agency
                dataset: element-sets
                url: https://partner.example/tle/stations.txt
                format: tle
                crontab: "0 3 * * *"
                secret_env: {ENV}
              - slug: satcat
                name: SATCAT
                organisation: partner-agency
                dataset: space-objects
                url: https://partner.example/satcat.csv
                format: satcat_csv
            """
        )

        assert "2 created" in _load(tmp_path, text)

        stations = SyncSource.objects.get(slug="stations-tle")
        assert stations.periodic_task.crontab.hour == "3"
        assert SyncSource.objects.get(slug="satcat").periodic_task is None
        assert "0 created, 0 updated, 2 unchanged" in _load(tmp_path, text)

    def test_source_deleted_then_loaded_again(self, tmp_path):
        _load(tmp_path, [_entry()])
        SyncSource.objects.get().delete()

        assert "1 created" in _load(tmp_path, [_entry()])

        source = SyncSource.objects.get()
        task = PeriodicTask.objects.get(task=TASK)
        assert source.periodic_task == task
        assert json.loads(task.kwargs) == {"source_id": source.pk}

    def test_unreadable_file(self, tmp_path):
        with pytest.raises(CommandError, match="cannot read"):
            call_command("load_sources", str(tmp_path / "missing.yaml"))


class TestSourceSave:
    def test_format_must_feed_the_dataset_kind(self, world):
        source = SyncSource(
            slug="wrong",
            name="Wrong",
            organisation=world["partner"],
            dataset=world["catalogue"],
            url="https://partner.example/x.tle",
            adapter="tle",
        )
        with pytest.raises(ValueError, match="feeds element_sets datasets"):
            source_save(source)
        assert not SyncSource.objects.exists()

    def test_interval_and_crontab_together_are_refused(self, world):
        source = SyncSource(
            slug="both",
            name="Both",
            organisation=world["partner"],
            dataset=world["elements"],
            url="https://partner.example/x.json",
            adapter="omm_json",
            every_minutes=5,
            crontab="0 * * * *",
        )
        with pytest.raises(ValueError, match="not both"):
            source_save(source)
        assert not PeriodicTask.objects.filter(task=TASK).exists()


class TestSecrets:
    def test_round_trip_and_hint(self):
        stored = secret_encrypt(TOKEN)
        assert TOKEN not in stored and secret_decrypt(stored) == TOKEN
        assert secret_encrypt(TOKEN) != stored  # Fernet: a fresh IV each time
        assert secret_hint(TOKEN) == "…wxyz"
        assert secret_hint("short") == "…"  # too short to show any of it

    def test_changed_key_reads_as_no_secret(self, settings):
        stored = secret_encrypt(TOKEN)
        settings.SYNC_SECRETS_KEY = "another key altogether"
        assert secret_decrypt(stored) == ""
