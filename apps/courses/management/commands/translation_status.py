from django.core.management.base import BaseCommand

from apps.courses.translation_status import translation_gaps


class Command(BaseCommand):
    help = "List course pages that are untranslated or changed in English since translation."

    def add_arguments(self, parser):
        parser.add_argument("languages", nargs="*", help="language codes (default: all)")

    def handle(self, *args, languages, **options):
        gaps = translation_gaps(languages or None)
        by_language: dict[str, list] = {}
        for gap in gaps:
            by_language.setdefault(gap.language, []).append(gap)
        for language, items in sorted(by_language.items()):
            missing = sum(1 for g in items if g.status == "missing")
            self.stdout.write(
                f"{language}: {missing} untranslated, {len(items) - missing} outdated"
            )
            for gap in items:
                self.stdout.write(f"  {gap.status:<9} {gap.source.url_path}  {gap.source.title}")
        if not gaps:
            self.stdout.write("Every course page is translated and up to date.")
