from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from apps.datasets.ingest.apply import file_load
from apps.datasets.ingest.parse import PARSERS, format_guess
from apps.datasets.models import Dataset


class Command(BaseCommand):
    help = (
        "Load a file (SATCAT CSV, OMM JSON/CSV, TLE/3LE) into a dataset as a new release. "
        "Unchanged data writes nothing; invalid records are listed and skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("dataset", help="dataset slug")
        parser.add_argument("files", nargs="+")
        parser.add_argument("--format", choices=sorted(PARSERS))
        parser.add_argument(
            "--incremental",
            action="store_true",
            help="records missing from the file are kept (default: withdrawn)",
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, dataset, files, format, incremental, no_progress, **options):
        target = Dataset.objects.filter(slug=dataset).first()
        if target is None:
            raise CommandError(f"no dataset {dataset!r}")
        sources = []
        for name in files:
            path = Path(name)
            if not path.is_file():
                raise CommandError(f"{name}: no such file")
            try:
                sources.append((path, format or format_guess(path.name)))
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        # All files together are one snapshot, published as one release.
        streams = [(path.open("rb"), format_name) for path, format_name in sources]
        try:
            result = file_load(
                target,
                streams,
                source_detail=", ".join(p.name for p, _ in sources),
                full_snapshot=not incremental,
                progress=lambda records: tqdm(
                    records,
                    desc=dataset,
                    unit=" records",
                    disable=no_progress,
                    file=self.stderr._out,
                ),
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            for stream, _ in streams:
                stream.close()
        release = f"release {result.release.number}" if result.release else "no change"
        self.stdout.write(
            f"{dataset}: received {result.received}, valid {result.valid}, rejected "
            f"{result.rejected_count}; added {result.added}, changed {result.changed}, "
            f"unchanged {result.unchanged}, withdrawn {result.withdrawn} → {release}"
        )
        for rejection in result.rejected[:20]:
            self.stdout.write(
                f"  rejected record {rejection.position}: {rejection.field}: {rejection.reason}"
            )
