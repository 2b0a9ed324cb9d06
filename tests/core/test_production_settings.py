"""Production settings pass Django's deployment checks with the documented variables."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "portal.settings.production",
    "SECRET_KEY": "k" * 20 + "Zq8#vT2!mW9@pL4$nR7^xB1&cF6*hJ3(dG5)",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/portal",
    "REDIS_URL": "redis://127.0.0.1:6379/1",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/2",
    "ALLOWED_HOSTS": "portal.example.org",
    "SITE_URL": "https://portal.example.org",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.org:587",
}


def _run(*args: str, **env_overrides: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV}
    env.update(PRODUCTION_ENV)
    env.update(env_overrides)
    env["PORTAL_VAR_DIR"] = str(ROOT / "var" / "production-check")
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_passes_at_warning_level():
    result = _run("manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"DATABASE_URL": "sqlite:////tmp/x.sqlite3"}, "Production needs PostgreSQL"),
        ({"REDIS_URL": ""}, "Production needs Redis"),
        ({"CELERY_BROKER_URL": "filesystem://"}, "Production needs a real broker"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
    ],
)
def test_production_refuses_embedded_defaults(override, message):
    # As gunicorn and Celery start: django.setup() must refuse these settings loudly.
    result = _run("-c", "import django; django.setup()", **override)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_security_settings():
    result = _run(
        "manage.py",
        "shell",
        "--verbosity=0",
        "-c",
        "from django.conf import settings as s; print("
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS,"
        " s.SECURE_SSL_REDIRECT, s.DEBUG,"
        " s.STORAGES['staticfiles']['BACKEND'], s.CACHES['default']['BACKEND'])",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "True",
        "31536000",
        "True",
        "False",
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "apps.core.cache.RedisCache",  # Django's Redis cache, with its clients kept
    ]


def test_celery_configuration():
    from django.conf import settings

    from portal.celery import app

    assert app.conf.timezone == "UTC"
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.task_time_limit == settings.CELERY_TASK_TIME_LIMIT
    assert app.conf.task_soft_time_limit < app.conf.task_time_limit
    assert app.conf.beat_scheduler == "django_celery_beat.schedulers:DatabaseScheduler"


def test_worker_processes_leave_their_start_up_objects_out_of_garbage_collection():
    import gc

    from celery.signals import worker_init, worker_process_init

    from portal.celery import startup_objects_freeze

    assert startup_objects_freeze in [ref() for _, ref in worker_init.receivers]
    assert startup_objects_freeze in [ref() for _, ref in worker_process_init.receivers]
    gc.unfreeze()
    try:
        worker_process_init.send(sender=None)
        assert gc.get_freeze_count() > 10_000  # Django, the apps and their tasks
    finally:
        gc.unfreeze()
