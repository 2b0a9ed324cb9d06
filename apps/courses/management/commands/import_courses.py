from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from apps.courses.content.importer import ImportSummary, course_import
from apps.courses.content.reader import ContentInvalid, read_course


class Command(BaseCommand):
    help = (
        "Load course sources from content/ into Wagtail. Idempotent: unchanged files change "
        "nothing; a changed file becomes a new revision of its page. A course with any invalid "
        "file is not imported at all, and what was published stays as it was."
    )

    def add_arguments(self, parser):
        parser.add_argument("folders", nargs="*", help="course folders (default: all in content/)")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, folders, no_progress, **options):
        root = Path(settings.BASE_DIR) / "content"
        paths = [Path(f) for f in folders] or sorted(p for p in root.iterdir() if p.is_dir())
        summary = ImportSummary()
        bar = tqdm(
            paths,
            desc="Importing courses",
            unit="course",
            disable=no_progress,
            file=self.stderr._out,
        )
        for path in bar:
            bar.set_postfix_str(path.name)
            try:
                course_import(read_course(path), summary)
            except ContentInvalid as exc:
                summary.failed.append(path.name)
                for error in exc.errors:
                    self.stderr.write(str(error))
        self.stdout.write(
            f"created {len(summary.created)}, updated {len(summary.updated)}, "
            f"unchanged {len(summary.unchanged)}, failed {len(summary.failed)}"
        )
        for label in summary.updated:
            self.stdout.write(f"  updated {label}")
        if summary.failed:
            raise CommandError(
                f"not imported (nothing changed for them): {', '.join(summary.failed)}"
            )
