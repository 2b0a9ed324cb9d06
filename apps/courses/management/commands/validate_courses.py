from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.courses.content.reader import ContentInvalid, read_course


class Command(BaseCommand):
    help = "Check course sources against the schema (content/README.md). Touches no database."

    def add_arguments(self, parser):
        parser.add_argument("folders", nargs="*", help="course folders (default: every course)")

    def handle(self, *args, folders, **options):
        root = Path(settings.BASE_DIR) / "content"
        paths = [Path(f) for f in folders] or sorted(p for p in root.iterdir() if p.is_dir())
        problems = 0
        for path in paths:
            try:
                course = read_course(path)
            except ContentInvalid as exc:
                problems += len(exc.errors)
                for error in exc.errors:
                    self.stderr.write(str(error))
                continue
            files = sum(len(language.pages) for language in course.languages.values())
            self.stdout.write(
                f"{path.name}: {files} files in {', '.join(sorted(course.languages))} — valid"
            )
        if problems:
            raise CommandError(f"{problems} problem(s) found")
