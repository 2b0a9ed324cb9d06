from django.core.management.base import BaseCommand
from django.db import transaction
from tqdm import tqdm

from apps.datasets.ingest.write import stored_texts_fill
from apps.datasets.models import ElementSet, SpaceObject


class Command(BaseCommand):
    help = (
        "Write again the JSON and CSV stored with every space object and element set version "
        "(what API pages and exports serve). Needed only after an upgrade that changes how "
        "records are shown; new versions get theirs when they are loaded."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--missing", action="store_true", help="only versions that have none yet"
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, missing, no_progress, **options):
        for model in (SpaceObject, ElementSet):
            total = model.objects.count()
            with (
                tqdm(
                    total=total,
                    desc=model._meta.verbose_name_plural,
                    unit=" versions",
                    disable=no_progress,
                    file=self.stderr._out,
                ) as bar,
                transaction.atomic(),
            ):
                count = stored_texts_fill(model, everything=not missing, progress=bar.update)
            self.stdout.write(f"{model._meta.verbose_name_plural}: {count} versions written")
