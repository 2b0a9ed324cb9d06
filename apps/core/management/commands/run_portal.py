import os
import sys

from django.conf import settings
from django.core.management.base import BaseCommand
from honcho.manager import Manager

from apps.accounts.demo import DEMO_LOGINS, DEMO_PASSWORD


class Command(BaseCommand):
    help = "Run the whole portal in the foreground: web (gunicorn), Celery worker and Celery beat."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, host: str, port: int, **options):
        python = sys.executable
        settings_module = settings.SETTINGS_MODULE
        # honcho gives each process exactly this environment, so start from ours.
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings_module, "PYTHONUNBUFFERED": "1"}
        manager = Manager()
        manager.add_process(
            "web",
            f"{python} -m gunicorn portal.wsgi --bind {host}:{port} --workers 2 --threads 4 "
            "--access-logfile - --graceful-timeout 5",
            env=env,
        )
        # The filesystem broker has no broadcast exchange, so mingle/gossip are off everywhere;
        # they only matter for many-worker deployments, which use Redis.
        manager.add_process(
            "worker",
            f"{python} -m celery -A portal worker --loglevel INFO --concurrency 2 "
            "--without-mingle --without-gossip",
            env=env,
        )
        manager.add_process("beat", f"{python} -m celery -A portal beat --loglevel INFO", env=env)
        # A local partner serving the real fixture files: the demo source syncs from it.
        manager.add_process(
            "partner",
            f"{python} manage.py demo_partner --port {settings.DEMO_PARTNER_PORT}",
            env=env,
        )

        url = f"http://{host}:{port}/"
        self.stdout.write(self.style.SUCCESS(f"\nOrbital Commons is starting at {url}"))
        self.stdout.write(f"Admin: {url}admin/   Health: {url}health/")
        self.stdout.write(f"Demo logins (password: {DEMO_PASSWORD}):")
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login.role:<20} {login.email}")
        self.stdout.write("Press Ctrl+C to stop.\n")
        manager.loop()
        sys.exit(manager.returncode)
