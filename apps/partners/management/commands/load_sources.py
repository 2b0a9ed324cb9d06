from django.core.management.base import BaseCommand, CommandError

from apps.partners.services import sources_load


class Command(BaseCommand):
    help = (
        "Create or update partner sync sources from a YAML file (secrets by environment "
        "variable name). Idempotent; a file with any error changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="YAML file with a 'sources' list")

    def handle(self, *args, file, **options):
        try:
            with open(file, encoding="utf-8") as stream:
                report = sources_load(stream)
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"cannot read {file}: {error}") from None
        if report.errors:
            for error in report.errors:
                self.stderr.write(f"  {error}")
            raise CommandError(f"{len(report.errors)} problem(s); nothing was changed.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Sources: {len(report.created)} created, {len(report.updated)} updated, "
                f"{len(report.unchanged)} unchanged."
            )
        )
