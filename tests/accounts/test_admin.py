import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from tests.accounts.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    TOTP.activate(admin, generate_totp_secret())
    client.force_login(admin)
    return client


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/users/",
        "/admin/users/new/",
        "/admin/snippets/accounts/organisation/",
        "/admin/snippets/accounts/organisation/add/",
        "/admin/locales/",
        "/django-admin/accounts/user/",
        "/django-admin/accounts/user/add/",
        "/django-admin/accounts/organisation/",
        "/django-admin/django_celery_beat/periodictask/",
    ],
)
def test_admin_pages_open(admin_client, path):
    assert admin_client.get(path).status_code == 200


def test_wagtail_user_edit_page(admin_client):
    user = UserFactory(organisation=OrganisationFactory())
    assert admin_client.get(f"/admin/users/edit/{user.pk}/").status_code == 200
    assert admin_client.get(f"/django-admin/accounts/user/{user.pk}/change/").status_code == 200
