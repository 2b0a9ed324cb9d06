import pytest
from django.urls import reverse

from apps.core.languages import LANGUAGE_CODES

pytestmark = pytest.mark.django_db

SWITCH = "/i18n/switch/"


def test_root_redirects_by_accept_language(client):
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="ar,en;q=0.5")["Location"] == "/ar/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")["Location"] == "/zh-hans/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="de")["Location"] == "/en/"


@pytest.mark.parametrize("code", LANGUAGE_CODES)
def test_home_page_in_every_language(client, code):
    response = client.get(f"/{code}/")
    assert response.status_code == 200
    html = response.content.decode()
    direction = "rtl" if code == "ar" else "ltr"
    assert f'<html lang="{code}" dir="{direction}">' in html


def test_home_pages_are_translated(client):
    english = client.get("/en/").context["page"].title
    titles = {code: client.get(f"/{code}/").context["page"].title for code in LANGUAGE_CODES}
    for code, title in titles.items():
        if code != "en":
            assert title != english, f"{code} home page title is not translated"


def test_arabic_navigation_and_forms_are_right_to_left(client):
    html = client.get("/ar/accounts/login/").content.decode()
    assert 'dir="rtl"' in html
    assert "تسجيل الدخول" in html


def test_switcher_keeps_the_same_view(client):
    response = client.post(SWITCH, {"language": "fr", "next": "/en/accounts/login/?next=/en/"})
    assert response.status_code == 302
    assert response["Location"] == "/fr/accounts/login/?next=/en/"
    assert response.cookies["portal_language"].value == "fr"


def test_switcher_finds_the_translated_wagtail_page(client):
    response = client.post(SWITCH, {"language": "zh-hans", "next": "/ar/"})
    assert response["Location"] == "/zh-hans/"


def test_switcher_refuses_foreign_redirects(client):
    response = client.post(SWITCH, {"language": "es", "next": "https://evil.example/"})
    assert response["Location"] == "/es/"
    response = client.post(SWITCH, {"language": "es", "next": "//evil.example/x"})
    assert response["Location"] == "/es/"


@pytest.mark.parametrize("language", ["xx", "", "<script>", "e" * 5000])
def test_switcher_rejects_unknown_languages(client, language):
    response = client.post(SWITCH, {"language": language, "next": "/en/"})
    assert response.status_code == 400
    assert "portal_language" not in response.cookies


def test_switcher_unknown_page_goes_to_home(client):
    assert (
        client.post(SWITCH, {"language": "ru", "next": "/en/no/such/page/"})["Location"] == "/ru/"
    )


def test_switcher_remembers_a_signed_in_users_choice(client, learner):
    client.force_login(learner)
    client.post(SWITCH, {"language": "ar", "next": reverse("accounts:profile")})
    learner.refresh_from_db()
    assert learner.preferred_language == "ar"


def test_switcher_requires_post(client):
    assert client.get(SWITCH).status_code == 405
