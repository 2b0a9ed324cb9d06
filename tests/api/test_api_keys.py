import re
from datetime import timedelta

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.services import user_set_organisation
from apps.api.keys import api_key_create, api_key_revoke, usage_flush
from apps.api.models import ApiKey, ApiKeyUsage
from apps.datasets.models import Dataset
from tests.accounts.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner(loaded):
    return OrganisationFactory(name="Agência Parceira", slug="partner", is_partner=True)


@pytest.fixture
def restricted(loaded):
    Dataset.objects.filter(slug="element-sets").update(access=Dataset.Access.PARTNERS)
    return Dataset.objects.get(slug="element-sets")


def _auth(secret):
    return {"HTTP_AUTHORIZATION": f"Api-Key {secret}"}


def test_a_key_opens_partner_datasets(api, partner, restricted):
    assert api.get("/api/v1/elements/").status_code == 404
    new = api_key_create(organisation=partner, name="mirror", created_by=None)
    assert new.secret.startswith(f"oc_{new.key.prefix}_")
    assert new.secret.split("_", 2)[2] not in new.key.hashed_secret  # stored hashed only
    response = api.get("/api/v1/elements/", {"page_size": 2}, **_auth(new.secret))
    assert response.status_code == 200 and len(response.json()["results"]) == 2
    api.get("/api/v1/datasets/", **_auth(new.secret))
    usage_flush()  # with Redis, counts wait in the cache until beat flushes them
    assert ApiKeyUsage.objects.get(key=new.key).requests == 2
    usage_flush()
    assert ApiKeyUsage.objects.get(key=new.key).requests == 2  # nothing counted twice


def test_non_partner_organisation_keys_do_not_reach_partner_data(api, restricted):
    other = OrganisationFactory(slug="not-partner", is_partner=False)
    new = api_key_create(organisation=other, name="k", created_by=None)
    assert api.get("/api/v1/elements/", **_auth(new.secret)).status_code == 404


def test_scoped_key_sees_only_its_datasets(api, partner, loaded):
    objects = Dataset.objects.get(slug="space-objects")
    new = api_key_create(organisation=partner, name="k", created_by=None, datasets=[objects])
    slugs = [d["slug"] for d in api.get("/api/v1/datasets/", **_auth(new.secret)).json()["results"]]
    assert slugs == ["space-objects"]
    assert api.get("/api/v1/elements/", **_auth(new.secret)).status_code == 404


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("Api-Key nonsense", "Malformed API key."),
        ("Api-Key oc_deadbeef_wrongsecret", "Unknown API key."),
        ("Api-Key " + "x" * 5000, "Malformed API key."),
    ],
)
def test_bad_keys_are_401_problems(api, loaded, header, message):
    response = api.get("/api/v1/objects/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == message
    assert "Api-Key" in response["WWW-Authenticate"]


def test_wrong_secret_for_a_real_prefix(api, partner):
    new = api_key_create(organisation=partner, name="k", created_by=None)
    forged = f"oc_{new.key.prefix}_{'A' * 43}"
    assert api.get("/api/v1/objects/", **_auth(forged)).json()["detail"] == "Unknown API key."


def test_revoked_and_expired_keys(api, partner):
    revoked = api_key_create(organisation=partner, name="r", created_by=None)
    api_key_revoke(key=revoked.key)
    assert api.get("/api/v1/objects/", **_auth(revoked.secret)).json()["detail"] == (
        "This API key has been revoked."
    )
    expired = api_key_create(
        organisation=partner,
        name="e",
        created_by=None,
        expires_at=timezone.now() - timedelta(minutes=1),
    )
    assert api.get("/api/v1/objects/", **_auth(expired.secret)).json()["detail"] == (
        "This API key has expired."
    )


def test_per_key_rate_limit_gives_429_with_retry_after(api, partner):
    new = api_key_create(organisation=partner, name="k", created_by=None, rate_per_minute=3)
    statuses = [api.get("/api/v1/datasets/", **_auth(new.secret)).status_code for _ in range(5)]
    assert statuses[:3] == [200, 200, 200] and statuses[3] == 429
    limited = api.get("/api/v1/datasets/", **_auth(new.secret))
    assert 0 < int(limited["Retry-After"]) <= 60
    assert limited["Content-Type"] == "application/problem+json"


def _coordinator(partner):
    user = UserFactory()
    user_set_organisation(user=user, organisation=partner, role=User.OrganisationRole.COORDINATOR)
    TOTP.activate(user, generate_totp_secret())
    return user


def test_coordinator_creates_sees_once_and_revokes_keys(client, api, partner):
    client.force_login(_coordinator(partner))
    response = client.post("/en/partner/keys/", {"name": "nightly mirror", "expires_in_days": 90})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    secret = re.search(r"oc_[0-9a-f]{8}_[\w-]+", response.content.decode()).group(0)
    key = ApiKey.objects.get(name="nightly mirror")
    assert key.expires_at > timezone.now() + timedelta(days=89)
    assert secret not in client.get("/en/partner/keys/").content.decode()  # never shown again
    api.get("/api/v1/datasets/", **_auth(secret))
    page = client.get("/en/partner/keys/").content.decode()
    assert "Requests per day" in page and "<svg" in page
    client.post(f"/en/partner/keys/{key.pk}/revoke/")
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert api.get("/api/v1/datasets/", **_auth(secret)).status_code == 401


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "expires_in_days": 90},
        {"name": "x" * 500, "expires_in_days": 90},
        {"name": "k", "expires_in_days": 7},
        {"name": "k", "expires_in_days": 90, "datasets": [999999]},
    ],
)
def test_key_form_rejects_bad_input(client, partner, data):
    client.force_login(_coordinator(partner))
    response = client.post("/en/partner/keys/", data)
    assert response.status_code == 200 and response.context["form"].errors
    assert not ApiKey.objects.exists()


def test_other_people_cannot_manage_keys(client, partner, learner):
    client.force_login(learner)
    assert client.get("/en/partner/keys/").status_code == 403
    other_partner = OrganisationFactory(slug="other-partner", is_partner=True)
    theirs = api_key_create(organisation=other_partner, name="theirs", created_by=None)
    client.force_login(_coordinator(partner))
    assert client.post(f"/en/partner/keys/{theirs.key.pk}/revoke/").status_code == 404
    theirs.key.refresh_from_db()
    assert theirs.key.revoked_at is None


def test_api_guide_page(client, loaded):
    html = client.get("/en/api-guide/").content.decode()
    assert "API guide" in html and "/api/v1/elements/?norad_cat_id=25544&amp;format=tle" in html
    assert "Retry-After" in html
    assert client.get("/ar/api-guide/").status_code == 200


def test_api_answers_are_gzipped(api, loaded):
    response = api.get("/api/v1/elements/", {"page_size": 200}, HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"


def test_anonymous_and_signed_in_rates_give_429_with_retry_after(
    api, monkeypatch, django_user_model
):
    """Both count in fixed windows with one atomic increment per request (see
    tests/core/test_cache.py for the counter under concurrency)."""
    from apps.api.keys import AnonymousRateThrottle, SignedInRateThrottle

    monkeypatch.setattr(AnonymousRateThrottle, "rate", "3/min", raising=False)
    statuses = [api.get("/api/v1/datasets/").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    limited = api.get("/api/v1/datasets/")
    assert 0 < int(limited["Retry-After"]) <= 60
    assert limited["Content-Type"] == "application/problem+json"
    # A signed-in person has their own, higher rate, not the anonymous one.
    monkeypatch.setattr(SignedInRateThrottle, "rate", "4/min", raising=False)
    api.force_authenticate(django_user_model.objects.create_user(email="r@x.example"))
    statuses = [api.get("/api/v1/datasets/").status_code for _ in range(6)]
    assert statuses == [200, 200, 200, 200, 429, 429]
