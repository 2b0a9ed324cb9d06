"""A learner signs up, enrols, takes the pre-assessment, completes the lessons, passes the
post-assessment and verifies the certificate: once in English, once in Arabic."""

import re
import time
import uuid

import pytest
from playwright.sync_api import expect

from tests.portal_server import manage

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def seeded(portal_server):
    manage(
        portal_server.var_dir, "shell", "--verbosity=0", "-c", "import tests.browser.seed_course"
    )
    return portal_server


def _confirmation_link(server, email: str) -> str:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        log = server.log()
        # The console email backend prints the message; the link follows the recipient.
        position = log.rfind(f"To: {email}")
        if position != -1:
            match = re.search(r"http://\S+/confirm-email/[^\s/]+/", log[position:])
            if match:
                return match.group(0)
        time.sleep(0.3)
    raise AssertionError("no confirmation email in the portal log")


def _journey(page, server, language: str, artifacts):
    email = f"learner-{uuid.uuid4().hex[:8]}@agency.example"
    page.goto(f"/{language}/accounts/signup/")
    page.fill("#id_email", email)
    page.fill("#id_name", "Leila Haddad" if language == "ar" else "Grace Mwangi")
    page.select_option("#id_country", "JO" if language == "ar" else "KE")
    page.select_option("#id_preferred_language", language)
    page.fill("#id_password1", "a long orbital passphrase 7")
    page.fill("#id_password2", "a long orbital passphrase 7")
    page.locator("main form button[type=submit]").click()
    page.goto(_confirmation_link(server, email).replace("http://testserver", server.url))
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/{language}/accounts/profile/")

    page.goto(f"/{language}/courses/")
    page.locator(".cards a").first.click()
    page.locator("form button[type=submit].button").first.click()  # enrol
    assert page.locator("progress").count() >= 1

    page.locator("a[href$='/pre/']").first.click()
    page.locator("form button[type=submit].button").click()  # start
    page.get_by_label("Apollo 11").check()
    page.get_by_label("None").check()
    page.get_by_label(re.compile("number|رقم|nombre|число|数字", re.I)).fill("1")
    page.locator("form.assessment button[type=submit]").click()
    expect(page.locator("#results")).to_be_visible()

    page.goto(page.url.rsplit("/pre/", 1)[0] + "/")
    page.locator(".outline ol a").first.click()
    for _ in range(2):
        page.get_by_label("25 years").check()
        page.locator(".check form button[type=submit]").first.click()
        expect(page.locator(".feedback.is-correct")).to_be_visible()
        page.locator("#lesson-status button[type=submit]").click()
        expect(page.locator("#lesson-status .message.success")).to_be_visible()
        page.locator("a[rel=next]").click()

    assert "/post/" in page.url
    page.locator("form button[type=submit].button").click()  # start
    page.get_by_label("Fengyun-1C test, 2007").check()
    page.get_by_label("IADC guidelines").check()
    page.get_by_label("UN COPUOS guidelines").check()
    page.get_by_label(re.compile("number|رقم|nombre|число|数字", re.I)).fill("5")
    page.locator("form.assessment button[type=submit]").click()
    expect(page.locator("#results")).to_be_visible()

    page.goto(f"/{language}/learning/")
    code = page.locator("a[href*='/certificates/']").first.inner_text().strip()
    page.goto(f"/{language}/certificates/verify/")
    page.fill("#code", code)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".message.success")).to_be_visible()
    page.screenshot(path=artifacts / f"certificate-verified-{language}.png", full_page=True)
    return page


def test_learner_journey_in_english(page, seeded, artifacts):
    _journey(page, seeded, "en", artifacts)


def test_learner_journey_in_arabic_is_right_to_left(page, seeded, artifacts):
    _journey(page, seeded, "ar", artifacts)
    page.goto("/ar/learning/")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    page.screenshot(path=artifacts / "dashboard-ar.png", full_page=True)
    # Screenshot check: the page heading starts at the right edge in Arabic.
    box = page.locator("main h1").bounding_box()
    assert box["x"] + box["width"] > page.viewport_size["width"] * 0.6
