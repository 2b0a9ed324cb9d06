"""Finished record pages are cached (releases are immutable); the cache must never change who
may read what, what is counted and throttled, or which release a page shows."""

import gzip

import pytest
from django.core.cache import cache

from apps.api.keys import api_key_create, usage_flush
from apps.api.models import ApiKeyUsage
from apps.datasets.models import Dataset
from tests.accounts.factories import OrganisationFactory
from tests.api.test_api_v1 import _new_release

pytestmark = pytest.mark.django_db

PAGE = {"page_size": 50, "norad_cat_id": ",".join(str(n) for n in range(25000, 26000))}


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def _auth(secret):
    return {"HTTP_AUTHORIZATION": f"Api-Key {secret}"}


def test_a_repeated_page_is_served_from_the_cache_with_the_same_bytes(
    api, loaded, django_assert_max_num_queries
):
    cold = api.get("/api/v1/elements/", PAGE)
    assert cold.status_code == 200 and len(cold.json()["results"]) > 1
    with django_assert_max_num_queries(3):  # dataset, latest release, throttle: no record query
        warm = api.get("/api/v1/elements/", PAGE)
    assert warm.content == cold.content
    for header in ("Content-Type", "ETag", "Last-Modified", "Cache-Control"):
        assert warm[header] == cold[header]


def test_gzip_pages_are_cached_compressed_and_stay_consistent(api, loaded):
    plain = api.get("/api/v1/elements/", PAGE).content
    cold = api.get("/api/v1/elements/", PAGE, HTTP_ACCEPT_ENCODING="gzip")
    warm = api.get("/api/v1/elements/", PAGE, HTTP_ACCEPT_ENCODING="gzip")
    for response in (cold, warm):
        assert response["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in response["Vary"]
        assert response["ETag"].startswith('W/"')
        assert gzip.decompress(response.content) == plain
    assert api.get("/api/v1/elements/", PAGE).content == plain  # identity stays identity


def test_other_queries_formats_and_cursors_are_other_pages(api, loaded):
    first = api.get("/api/v1/elements/", {"page_size": 5}).json()
    second = api.get(first["next"]).json()
    assert first["results"] != second["results"]
    assert api.get("/api/v1/elements/", {"page_size": 6}).json()["results"][:5] == first["results"]
    csv = api.get("/api/v1/elements/", {"page_size": 5, "format": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    assert api.get("/api/v1/elements/", {"page_size": 5}).json() == first


def test_a_new_release_changes_the_page_and_as_of_reads_the_old_one(api, loaded):
    query = {"norad_cat_id": 25544}
    before = api.get("/api/v1/elements/", query).json()["results"][0]
    assert before["release"] == 1
    _new_release(loaded[1])
    now = api.get("/api/v1/elements/", query).json()["results"][0]
    assert now["release"] == 2 and now["epoch"] != before["epoch"]
    for _ in range(2):  # cold, then cached: both the release as it was
        old = api.get("/api/v1/elements/", {**query, "as_of": 1}).json()["results"][0]
        assert old == {**before, "superseded_in_release": 2}
    history = api.get("/api/v1/elements/", {**query, "history": "true"}).json()["results"]
    assert sorted(h["release"] for h in history) == [1, 2]


def test_access_is_checked_before_the_cache(api, loaded):
    partner = OrganisationFactory(slug="partner", is_partner=True)
    other = OrganisationFactory(slug="not-partner", is_partner=False)
    Dataset.objects.filter(slug="element-sets").update(access=Dataset.Access.PARTNERS)
    allowed = api_key_create(organisation=partner, name="k", created_by=None)
    refused = api_key_create(organisation=other, name="k", created_by=None)
    scoped = api_key_create(
        organisation=partner,
        name="k",
        created_by=None,
        datasets=[Dataset.objects.get(slug="space-objects")],
    )
    for _ in range(2):  # the second time the page is in the cache
        assert api.get("/api/v1/elements/", PAGE, **_auth(allowed.secret)).status_code == 200
    assert api.get("/api/v1/elements/", PAGE).status_code == 404
    assert api.get("/api/v1/elements/", PAGE, **_auth(refused.secret)).status_code == 404
    assert api.get("/api/v1/elements/", PAGE, **_auth(scoped.secret)).status_code == 404


def test_cached_hits_are_counted_and_throttled(api, loaded):
    partner = OrganisationFactory(slug="partner", is_partner=True)
    new = api_key_create(organisation=partner, name="k", created_by=None, rate_per_minute=3)
    statuses = [
        api.get("/api/v1/elements/", PAGE, **_auth(new.secret)).status_code for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    usage_flush()
    assert ApiKeyUsage.objects.get(key=new.key).requests == 4
