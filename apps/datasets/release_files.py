"""Per-release download files (gzip, with SHA-256), built by Celery after each publish."""

import gzip
import hashlib
import os
import tempfile

from django.core.files import File
from django.db import transaction

from apps.datasets.models import Dataset, Release, ReleaseFile

ELEMENT_FORMATS = ("csv", "json", "xml", "tle")
OBJECT_FORMATS = ("csv", "json")


def release_formats(dataset: Dataset) -> tuple[str, ...]:
    return ELEMENT_FORMATS if dataset.kind == Dataset.Kind.ELEMENT_SETS else OBJECT_FORMATS


def _release_rows(dataset: Dataset, release: Release):
    from apps.api.export import release_rows

    return release_rows(dataset, release)


def _chunks(dataset: Dataset, release: Release, format_name: str):
    """The release's bytes in `format_name`, produced row by row (flat memory)."""
    from apps.api.export import release_csv, release_json
    from apps.api.renderers import OMMXMLRenderer, TLERenderer
    from apps.datasets.representations import tle_fits, tle_lines

    if format_name == "csv":
        yield from release_csv(dataset, release)
        return
    if format_name == "json":
        yield from release_json(dataset, release)
        return
    rows = _release_rows(dataset, release)
    if format_name == "xml":
        renderer = OMMXMLRenderer()
        yield b'<?xml version="1.0" encoding="UTF-8"?>\n<ndm>\n'
        for row in rows:
            body = renderer.render([row])
            # Each rendered row carries its own <?xml?><ndm> wrapper; keep only the <omm> part.
            yield body.split(b"<ndm>\n", 1)[1].rsplit(b"</ndm>", 1)[0]
        yield b"</ndm>\n"
    elif format_name == "tle":
        for row in rows:
            if tle_fits(row["norad_cat_id"]):
                row["tle"] = tle_lines(row)
                yield TLERenderer().render_record(row).encode()


def release_files_build(release_id: int) -> list[ReleaseFile]:
    """Write every format of a release as .gz with its checksum; safe to run again."""
    release = Release.objects.select_related("dataset").get(pk=release_id)
    built = []
    for format_name in release_formats(release.dataset):
        if ReleaseFile.objects.filter(release=release, format=format_name).exists():
            continue
        digest = hashlib.sha256()
        handle, path = tempfile.mkstemp(suffix=".gz")
        os.close(handle)
        try:
            with gzip.open(path, "wb") as out:
                for chunk in _chunks(release.dataset, release, format_name):
                    digest.update(chunk)
                    out.write(chunk)
            name = f"{release.dataset.slug}-release-{release.number}.{format_name}.gz"
            with open(path, "rb") as stream, transaction.atomic():
                record = ReleaseFile(
                    release=release,
                    format=format_name,
                    size=os.path.getsize(path),
                    sha256=digest.hexdigest(),
                )
                record.file.save(name, File(stream), save=True)
            built.append(record)
        finally:
            os.unlink(path)
    return built
