from django.conf import settings
from django.core.management.base import BaseCommand

from apps.partners.demo_endpoint import demo_endpoint_serve


class Command(BaseCommand):
    help = "Serve the fixtures' real files as a demo partner endpoint (run_portal starts it)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=settings.DEMO_PARTNER_PORT)

    def handle(self, *args, host, port, **options):
        self.stdout.write(f"Demo partner endpoint at http://{host}:{port}/files/")
        demo_endpoint_serve(host, port)
