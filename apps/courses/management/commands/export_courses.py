from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from apps.courses.content.exporter import course_export
from apps.courses.models import CoursePage


class Command(BaseCommand):
    help = "Write the published course pages back to content/ (or --output) in source form."

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(Path(settings.BASE_DIR) / "content"))
        parser.add_argument("--course", help="only this course folder")

    def handle(self, *args, output, course, **options):
        root = Path(output)
        written = 0
        for page in CoursePage.objects.live().select_related("locale").order_by("path"):
            folder = page.source_name or page.slug
            if course and folder != course:
                continue
            written += len(course_export(page, root / folder))
        self.stdout.write(f"wrote {written} files under {root}")
