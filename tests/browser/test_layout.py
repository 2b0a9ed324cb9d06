"""The site chrome in a real browser: right-to-left Arabic, keyboard use, a 360 px phone."""

import pytest

pytestmark = pytest.mark.browser


def _is_right_aligned(page, selector: str) -> bool:
    box = page.locator(selector).first.bounding_box()
    width = page.viewport_size["width"]
    return box["x"] + box["width"] > width / 2


def test_arabic_renders_right_to_left(page, artifacts):
    page.goto("/ar/")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    # The brand sits at the start of the header: on the right in Arabic, on the left in English.
    assert _is_right_aligned(page, ".brand")
    page.screenshot(path=artifacts / "home-ar.png", full_page=True)
    page.goto("/ar/accounts/login/")
    assert (
        page.evaluate("getComputedStyle(document.querySelector('form input')).direction") == "rtl"
    )
    page.goto("/en/")
    assert not _is_right_aligned(page, ".brand")


def test_skip_link_is_the_first_stop_and_visible(page):
    page.goto("/en/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    assert page.locator(".skip-link").bounding_box()["y"] >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_language_switcher_by_keyboard_keeps_the_page(page):
    page.goto("/en/accounts/login/")
    page.get_by_role("button", name="français").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/fr/accounts/login/")
    assert page.evaluate("document.documentElement.lang") == "fr"


def test_usable_on_a_360px_phone(browser, portal_server, artifacts):
    context = browser.new_context(
        base_url=portal_server.url, viewport={"width": 360, "height": 740}
    )
    page = context.new_page()
    for path in ["/en/", "/ar/", "/en/accounts/signup/"]:
        page.goto(path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
    page.goto("/ar/")
    page.screenshot(path=artifacts / "home-ar-phone.png", full_page=True)
    context.close()
