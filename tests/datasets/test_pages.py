import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(db):
    from apps.datasets.demo import demo_datasets_load

    demo_datasets_load()


def test_dataset_list_and_detail_pages(client, loaded):
    html = client.get("/en/datasets/").content.decode()
    from apps.datasets.models import Release

    latest = Release.objects.filter(dataset__slug="space-objects").order_by("-number").first()
    assert "Space object catalogue" in html
    assert f"Release {latest.number} · {latest.record_count} records" in html
    objects = client.get("/en/datasets/space-objects/").content.decode()
    assert "Objects by type" in objects and "Objects by launch year" in objects
    assert "SPUTNIK 1" in objects  # the preview table
    elements = client.get("/en/datasets/element-sets/").content.decode()
    assert "Gabbard diagram of the COSMOS 2251 cloud" in elements
    assert elements.count("<circle") > 1000
    assert "?format=tle" in elements


def test_dataset_page_in_arabic_is_rtl_and_translated_title(client, loaded):
    html = client.get("/ar/datasets/space-objects/").content.decode()
    assert 'dir="rtl"' in html and "فهرس الأجسام الفضائية" in html


def test_restricted_dataset_page_is_a_404(client, loaded):
    from apps.datasets.models import Dataset

    Dataset.objects.filter(slug="space-objects").update(access=Dataset.Access.NAMED)
    assert client.get("/en/datasets/space-objects/").status_code == 404
    assert client.get("/en/datasets/" + "x" * 500 + "/").status_code == 404


def test_detail_queries_are_constant(client, loaded):
    from apps.datasets.demo import demo_datasets_ensure
    from tests.api.test_api_v1 import _new_release

    with CaptureQueriesContext(connection) as before:
        client.get("/en/datasets/element-sets/")
    _new_release(demo_datasets_ensure()[1])
    with CaptureQueriesContext(connection) as after:
        client.get("/en/datasets/element-sets/")
    assert len(after.captured_queries) == len(before.captured_queries)
