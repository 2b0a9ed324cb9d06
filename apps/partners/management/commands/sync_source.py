from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from apps.partners.models import SyncRun, SyncSource
from apps.partners.sync import run_create, sync_run_execute


class Command(BaseCommand):
    help = "Run one partner source now, in the foreground, through the same pipeline as Celery."

    def add_arguments(self, parser):
        parser.add_argument("source", help="the source's slug")

    def handle(self, *args, source, **options):
        found = SyncSource.objects.filter(slug=source[:80]).first()
        if found is None:
            known = ", ".join(SyncSource.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f"no source {source!r} (known: {known})")
        run = run_create(found, SyncRun.Trigger.COMMAND)
        bars: dict[str, tqdm] = {}

        def progress(stage: str, amount: int) -> None:
            if stage not in bars:
                unit = "B" if stage == "bytes" else " records"
                bars[stage] = tqdm(
                    desc="download" if stage == "bytes" else "records",
                    unit=unit,
                    unit_scale=stage == "bytes",
                    file=self.stderr,
                    leave=True,
                )
            bar = bars[stage]
            if stage == "bytes":
                bar.update(amount - bar.n)  # the fetcher reports bytes so far
            else:
                bar.update(amount)

        run = sync_run_execute(run, progress=progress)
        for bar in bars.values():
            bar.close()
        self.stdout.write(
            f"Run {run.pk}: {run.get_status_display()} — HTTP {run.http_status or '-'}, "
            f"{run.bytes:,} bytes; received {run.received}, valid {run.valid}, rejected "
            f"{run.rejected}; added {run.added}, changed {run.changed}, unchanged "
            f"{run.unchanged}, withdrawn {run.withdrawn}"
            + (f"; release {run.release.number}" if run.release else "")
        )
        if run.timings:
            self.stdout.write(
                "Timings: " + ", ".join(f"{k} {v:.2f} s" for k, v in run.timings.items())
            )
        if run.error:
            self.stdout.write(f"Reason: {run.error}")
        if run.status == SyncRun.Status.FAILED:
            raise CommandError("the run failed")
