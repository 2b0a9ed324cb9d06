from django.core.management.base import BaseCommand

from apps.accounts.demo import DEMO_LOGINS, DEMO_PASSWORD, demo_users_load
from apps.core.demo import demo_home_pages_load
from apps.core.schedules import schedules_sync
from apps.courses.catalogue import catalogue_pages_ensure
from apps.courses.content.demo import demo_courses_load
from apps.courses.editorial import course_workflow_sync
from apps.datasets.demo import demo_datasets_load, demo_table_load
from apps.partners.demo import demo_source_ensure


class Command(BaseCommand):
    help = "Load the demo content, data and users. Idempotent: a second run changes nothing."

    def add_arguments(self, parser):
        parser.add_argument(
            "--skip-courses", action="store_true", help="do not import the courses in content/"
        )

    def handle(self, *args, skip_courses=False, **options):
        steps = [
            ("schedules", schedules_sync),
            ("home pages", demo_home_pages_load),
            ("demo users", demo_users_load),
            ("course catalogue", catalogue_pages_ensure),
            *([] if skip_courses else [("courses from content/", demo_courses_load)]),
            ("editorial workflow", course_workflow_sync),
            ("datasets from the real data", demo_datasets_load),
            ("a curated table", demo_table_load),
            ("a demo partner sync source", demo_source_ensure),
        ]
        for label, step in steps:
            self.stdout.write(f"Loading {label}…")
            result = step()
            for failure in getattr(result, "failed", []):
                self.stderr.write(f"  skipped {failure}")
        self.stdout.write(self.style.SUCCESS("Demo content loaded."))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for login in DEMO_LOGINS:
            note = "  (sets up two-factor authentication on first sign-in)" if login.mfa else ""
            self.stdout.write(f"  {login.role:<20} {login.email}{note}")
