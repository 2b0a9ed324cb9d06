"""Loading the courses in content/ for `make run`."""

from pathlib import Path

from django.conf import settings

from apps.courses.content.importer import ImportSummary, course_import
from apps.courses.content.reader import ContentInvalid, read_course


def demo_courses_load() -> ImportSummary:
    """Import every valid course; an invalid one is reported and skipped, never half-loaded."""
    summary = ImportSummary()
    root = Path(settings.BASE_DIR) / "content"
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        try:
            course_import(read_course(folder), summary)
        except ContentInvalid as exc:
            summary.failed.append(f"{folder.name}: {exc.errors[0]}")
    return summary
