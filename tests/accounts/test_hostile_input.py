"""Sign-up, login and profile forms under malformed and hostile input: field errors, never a 500."""

import pytest
from django.urls import reverse

from apps.accounts.models import User

pytestmark = pytest.mark.django_db

SIGNUP = "/en/accounts/signup/"
LOGIN = "/en/accounts/login/"
PROFILE = "/en/accounts/profile/"
GOOD_PASSWORD = "correct horse battery 42"


def _signup_data(**overrides):
    data = {
        "email": "new@agency.example",
        "password1": GOOD_PASSWORD,
        "password2": GOOD_PASSWORD,
        "name": "Kofi Mensah",
        "country": "GH",
        "preferred_language": "en",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "<script>alert(1)</script>"),
        ("name", "Kofi\x00Mensah"),
        ("name", "Kofi\u202eMensah"),  # right-to-left override: spoofs how a certificate reads
        ("name", "x" * 100_000),
        ("name", "   "),
        ("name", "12345"),
        ("email", "<script>@x.org"),
        ("email", "a" * 10_000 + "@agency.example"),
        ("email", "not-an-email"),
        ("country", "XX"),
        ("country", "<script>"),
        ("preferred_language", "klingon"),
        ("password2", "something else entirely"),
        ("password1", "short"),
    ],
)
def test_signup_rejects_with_a_field_error(client, field, value):
    response = client.post(SIGNUP, _signup_data(**{field: value}))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors, f"{field}={value[:40]!r} was accepted"
    assert not User.objects.filter(email="new@agency.example").exists()
    assert b"<script>alert(1)</script>" not in response.content


def test_signup_with_invalid_utf8_bytes(client):
    body = (
        b"email=new%40agency.example&password1=correct+horse+battery+42"
        b"&password2=correct+horse+battery+42&country=GH&preferred_language=en&name=%FF%FE%FD"
    )
    response = client.post(SIGNUP, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert not User.objects.filter(email="new@agency.example").exists()


def test_ten_megabyte_field_is_refused_with_a_clear_page(client):
    response = client.post(SIGNUP, _signup_data(name="x" * 10_000_000))
    assert response.status_code == 400
    assert "too large" in response.content.decode()
    assert not User.objects.exists() or not User.objects.filter(email="new@agency.example").exists()


@pytest.mark.parametrize(
    "login",
    ["<script>alert(1)</script>", "x" * 50_000, "\x00", "'; DROP TABLE accounts_user; --"],
)
def test_login_with_hostile_identifier(client, learner, login):
    response = client.post(LOGIN, {"login": login, "password": "whatever"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_login_with_invalid_utf8(client, learner):
    response = client.post(
        LOGIN, b"login=%FF%FE&password=%C3%28", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert response.context["form"].errors


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "<b>bold</b>"),
        ("name", "y" * 151),
        ("name", "Ana\x07"),
        ("country", "ZZ"),
        ("preferred_language", "../../etc/passwd"),
    ],
)
def test_profile_rejects_with_a_field_error(client, learner, field, value):
    client.force_login(learner)
    data = {"name": "Ana Learner", "country": "KE", "preferred_language": "en", field: value}
    response = client.post(PROFILE, data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    learner.refresh_from_db()
    assert (learner.name, learner.preferred_language) == ("Ana Learner", "en")


def test_names_in_any_script_are_welcome(client, learner):
    client.force_login(learner)
    for name in ["أمينة الحداد", "Иван Петров", "王小明", "N'Golo Kanté-Diallo", "José Ñúñez"]:
        response = client.post(PROFILE, {"name": name, "country": "", "preferred_language": "en"})
        assert response.status_code == 302, name
        learner.refresh_from_db()
        assert learner.name == name


def test_post_without_csrf_token_is_refused(learner):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    response = client.post(PROFILE, {"name": "Changed", "preferred_language": "en"})
    assert response.status_code == 403
    assert "nothing was saved" in response.content.decode()
    learner.refresh_from_db()
    assert learner.name == "Ana Learner"


def test_logout_link_requires_post(client, learner):
    client.force_login(learner)
    client.get(reverse("account_logout"))
    assert "_auth_user_id" in client.session
