import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value

from apps.accounts import roles
from apps.accounts.models import User
from apps.accounts.selectors import user_requires_mfa
from apps.accounts.services import user_add_to_group, user_set_organisation
from tests.accounts.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.mark.parametrize("group", [roles.EDITOR, roles.REVIEWER, roles.COORDINATOR, roles.ADMIN])
def test_privileged_groups_require_mfa(group):
    user = UserFactory()
    user_add_to_group(user=user, group_name=group)
    assert user_requires_mfa(user=user)


def test_learners_do_not_require_mfa(learner):
    user_add_to_group(user=learner, group_name=roles.LEARNER)
    assert not user_requires_mfa(user=learner)


def test_coordinator_role_requires_mfa_and_joins_group():
    user = UserFactory()
    user_set_organisation(
        user=user, organisation=OrganisationFactory(), role=User.OrganisationRole.COORDINATOR
    )
    assert user_requires_mfa(user=user)
    assert user.groups.filter(name=roles.COORDINATOR).exists()
    user_set_organisation(user=user, organisation=None)
    assert not user.groups.filter(name=roles.COORDINATOR).exists()


def test_staff_without_totp_are_sent_to_set_it_up(client):
    editor = UserFactory(is_staff=True)
    client.force_login(editor)
    for path in ["/en/", "/admin/", "/en/accounts/profile/", "/django-admin/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == "/en/accounts/2fa/totp/activate/", path


def test_activating_totp_opens_the_admin(client, password):
    editor = UserFactory(is_staff=True)
    user_add_to_group(user=editor, group_name=roles.EDITOR)
    response = client.post("/en/accounts/login/", {"login": editor.email, "password": password})
    assert client.get(response["Location"])["Location"] == "/en/accounts/2fa/totp/activate/"
    # allauth asks for the password once more before a second factor can be added.
    response = client.get("/en/accounts/2fa/totp/activate/")
    assert response["Location"].startswith("/en/accounts/reauthenticate/")
    client.post(response["Location"], {"password": password})
    assert client.get("/en/accounts/2fa/totp/activate/").status_code == 200
    secret = client.session["mfa.totp.secret"]
    response = client.post("/en/accounts/2fa/totp/activate/", {"code": _code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=editor, type=Authenticator.Type.TOTP).exists()
    assert client.get("/admin/").status_code == 200


def test_wrong_totp_code_is_a_form_error(client, password):
    editor = UserFactory(is_staff=True)
    client.post("/en/accounts/login/", {"login": editor.email, "password": password})
    client.post("/en/accounts/reauthenticate/", {"password": password})
    assert client.get("/en/accounts/2fa/totp/activate/").status_code == 200
    response = client.post("/en/accounts/2fa/totp/activate/", {"code": "000000x"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Authenticator.objects.filter(user=editor).exists()


def test_login_with_totp_asks_for_the_code(client, password):
    editor = UserFactory(is_staff=True)
    secret = generate_totp_secret()
    TOTP.activate(editor, secret)
    response = client.post("/en/accounts/login/", {"login": editor.email, "password": password})
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    response = client.post("/en/accounts/2fa/authenticate/", {"code": "123456"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    response = client.post("/en/accounts/2fa/authenticate/", {"code": _code(secret)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(editor.pk)


def test_admin_logins_go_through_allauth(client):
    response = client.get("/admin/login/?next=/admin/pages/")
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/login/?next=%2Fadmin%2Fpages%2F"
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")
    response = client.get("/django-admin/login/")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")
    # Wagtail's own password reset form is switched off.
    assert client.get("/admin/password_reset/").status_code in (302, 404)


def test_recovery_codes_are_issued_and_sign_in(client, password):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    editor = UserFactory(is_staff=True)
    TOTP.activate(editor, generate_totp_secret())
    codes = RecoveryCodes.activate(editor).get_unused_codes()
    assert len(codes) >= 10
    client.post("/en/accounts/login/", {"login": editor.email, "password": password})
    response = client.post("/en/accounts/2fa/authenticate/", {"code": codes[0]})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(editor.pk)
    # A recovery code works once.
    client.logout()
    client.post("/en/accounts/login/", {"login": editor.email, "password": password})
    client.post("/en/accounts/2fa/authenticate/", {"code": codes[0]})
    assert "_auth_user_id" not in client.session
