import gzip
import hashlib
import io

import pytest
from sgp4.api import Satrec

from apps.datasets.models import Release, ReleaseFile
from apps.datasets.release_files import release_files_build
from apps.datasets.tasks import sweep_release_files

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def loaded(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from apps.datasets.demo import demo_datasets_load

    demo_datasets_load()


def test_publishing_queues_the_release_files(db, django_capture_on_commit_callbacks):
    from apps.datasets.demo import demo_datasets_ensure
    from apps.datasets.ingest.apply import file_load
    from tests.api.test_api_v1 import FIXTURES

    _, elements = demo_datasets_ensure()
    data = (FIXTURES / "celestrak_stations_2026-05-30T2250Z.tle").read_bytes()
    with django_capture_on_commit_callbacks() as callbacks:
        file_load(elements, [(io.BytesIO(data), "tle")])
    assert callbacks  # the build is queued once the release is committed


def test_files_are_gzip_with_checksums_and_readable(loaded):
    release = Release.objects.get(dataset__slug="element-sets", number=1)
    built = release_files_build(release.pk)
    assert {f.format for f in built} == {"csv", "json", "xml", "tle"}
    for prepared in built:
        raw = gzip.decompress(prepared.file.read())
        assert hashlib.sha256(raw).hexdigest() == prepared.sha256
    tle = gzip.decompress(
        ReleaseFile.objects.get(release=release, format="tle").file.read()
    ).decode()
    lines = tle.splitlines()
    assert len(lines) == 2 * release.record_count
    assert Satrec.twoline2rv(lines[0], lines[1]).satnum > 0
    assert release_files_build(release.pk) == []  # built once


def test_sweep_builds_what_is_missing_and_api_serves_it(loaded, api):
    sweep_release_files()
    listing = api.get("/api/v1/datasets/space-objects/releases/").json()["results"]
    files = {f["format"]: f for f in listing[-1]["files"]}
    assert set(files) == {"csv", "json"}
    response = api.get(files["csv"]["url"].split("testserver")[1])
    assert response.status_code == 200
    body = gzip.decompress(b"".join(response.streaming_content))
    assert hashlib.sha256(body).hexdigest() == files["csv"]["sha256"]
    assert api.get("/api/v1/datasets/space-objects/releases/1/files/pdf.gz").status_code == 404


def test_a_file_missing_from_storage_is_a_404_problem(loaded, api):
    import os

    release = Release.objects.get(dataset__slug="space-objects", number=1)
    prepared = release_files_build(release.pk)[0]
    os.remove(prepared.file.path)
    response = api.get(f"/api/v1/datasets/space-objects/releases/1/files/{prepared.format}.gz")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
