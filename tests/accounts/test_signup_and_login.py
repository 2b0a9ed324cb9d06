import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from apps.accounts import roles
from apps.accounts.models import User

pytestmark = pytest.mark.django_db

SIGNUP = "/en/accounts/signup/"
LOGIN = "/en/accounts/login/"


def _signup(client, **overrides):
    data = {
        "email": "nadia@agency.example",
        "password1": "correct horse battery 42",
        "password2": "correct horse battery 42",
        "name": "Nadia Haddad",
        "country": "JO",
        "preferred_language": "en",
    }
    data.update(overrides)
    return client.post(SIGNUP, data)


def _confirmation_link(message) -> str:
    return re.search(r"http://testserver(/\S+/confirm-email/\S+/)", message.body).group(1)


def test_signup_sends_verification_and_confirming_signs_in(client):
    response = _signup(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="nadia@agency.example")
    assert (user.name, user.country.code, user.preferred_language) == ("Nadia Haddad", "JO", "en")
    assert user.groups.filter(name=roles.LEARNER).exists()
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1

    response = client.post(_confirmation_link(mail.outbox[0]))
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert client.get("/en/accounts/profile/").status_code == 200


def test_login_before_verification_is_refused(client):
    _signup(client)
    client.logout()
    response = client.post(
        LOGIN, {"login": "nadia@agency.example", "password": "correct horse battery 42"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def test_verification_email_is_in_the_chosen_language(client):
    _signup(client, preferred_language="fr", email="claire@agency.example")
    assert mail.outbox[0].subject == "[Orbital Commons] Confirmez votre adresse e-mail"


def test_verification_email_in_arabic(client):
    _signup(client, preferred_language="ar", email="omar@agency.example")
    assert re.search(r"[\u0600-\u06FF]", mail.outbox[0].subject)


def test_signup_with_a_taken_email_creates_nobody_and_reveals_nothing(client, learner):
    # allauth prevents account enumeration: the page looks the same, the owner gets an email.
    response = _signup(client, email="ANA@agency.example")
    assert response.status_code == 302
    assert User.objects.filter(email__iexact="ana@agency.example").count() == 1
    assert mail.outbox[0].to == ["ana@agency.example"]


def test_login_logout_and_language_cookie(client, learner, password):
    learner.preferred_language = "ru"
    learner.save()
    response = client.post(LOGIN, {"login": "Ana@Agency.example", "password": password})
    assert response.status_code == 302
    assert response["Location"] == "/ru/accounts/profile/"
    assert response.cookies["portal_language"].value == "ru"
    assert client.get("/").headers["Location"] == "/ru/"
    response = client.post("/ru/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_wrong_password_gives_a_form_error(client, learner):
    response = client.post(LOGIN, {"login": learner.email, "password": "not it"})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_password_reset_flow(client, learner):
    response = client.post("/en/accounts/password/reset/", {"email": learner.email})
    assert response.status_code == 302
    link = re.search(r"http://testserver(/\S+/password/reset/key/\S+/)", mail.outbox[0].body).group(
        1
    )
    response = client.get(link)
    assert response.status_code == 302  # allauth moves the key into the session
    response = client.post(
        response["Location"],
        {"password1": "a whole new orbit 77", "password2": "a whole new orbit 77"},
    )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.check_password("a whole new orbit 77")


def test_password_reset_email_in_users_language(client, learner):
    learner.preferred_language = "es"
    learner.save()
    client.post("/en/accounts/password/reset/", {"email": learner.email})
    assert "contraseña" in mail.outbox[0].subject.lower()


def test_password_change(client, learner, password):
    client.force_login(learner)
    response = client.post(
        "/en/accounts/password/change/",
        {
            "oldpassword": password,
            "password1": "stars over nairobi 9",
            "password2": "stars over nairobi 9",
        },
    )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.check_password("stars over nairobi 9")


def test_profile_update(client, learner):
    client.force_login(learner)
    response = client.post(
        "/en/accounts/profile/", {"name": "Ana María", "country": "CL", "preferred_language": "es"}
    )
    assert response.status_code == 302
    assert response.cookies["portal_language"].value == "es"
    learner.refresh_from_db()
    assert (learner.name, learner.country.code, learner.preferred_language) == (
        "Ana María",
        "CL",
        "es",
    )


def test_profile_requires_login(client):
    response = client.get("/en/accounts/profile/")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")


def test_failed_logins_are_rate_limited(client, learner, password):
    for attempt in range(6):
        client.post(LOGIN, {"login": learner.email, "password": f"wrong {attempt}"})
    response = client.post(LOGIN, {"login": learner.email, "password": password})
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_language_choices_name_each_language_in_itself(client):
    html = client.get("/en/accounts/signup/").content.decode()
    for native in ["العربيّة", "français", "español", "Русский", "简体中文"]:
        assert f">{native}</option>" in html
