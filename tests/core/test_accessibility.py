"""Accessibility checks that need no browser: labels on every control, colour contrast."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

CSS = Path(__file__).resolve().parents[2] / "apps" / "core" / "static" / "core" / "site.css"


class _Controls(HTMLParser):
    def __init__(self):
        super().__init__()
        self.controls: list[dict] = []
        self.label_for: set[str] = set()
        self._open_labels = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "label":
            self._open_labels += 1
            if attrs.get("for"):
                self.label_for.add(attrs["for"])
        elif tag in {"input", "select", "textarea"} and attrs.get("type") not in {
            "hidden",
            "submit",
            "button",
        }:
            self.controls.append({**attrs, "_wrapped": self._open_labels > 0})

    def handle_endtag(self, tag):
        if tag == "label":
            self._open_labels -= 1


def _unlabelled(html: str) -> list[str]:
    parser = _Controls()
    parser.feed(html)
    return [
        c.get("name", "?")
        for c in parser.controls
        if not c["_wrapped"] and c.get("id") not in parser.label_for and not c.get("aria-label")
    ]


@pytest.mark.parametrize(
    "path",
    [
        "/en/accounts/signup/",
        "/en/accounts/login/",
        "/en/accounts/password/reset/",
        "/ar/accounts/signup/",
    ],
)
def test_every_form_control_has_a_label(client, path):
    html = client.get(path).content.decode()
    assert _unlabelled(html) == []


def test_signed_in_pages_label_every_control(client, learner):
    client.force_login(learner)
    for path in ["/en/accounts/profile/", "/en/accounts/password/change/", "/en/accounts/email/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert _unlabelled(response.content.decode()) == [], path


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    la, lb = sorted([_luminance(a), _luminance(b)], reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.mark.parametrize(
    ("text", "background"),
    [
        ("ink", "paper"),
        ("muted", "paper"),
        ("muted", "wash"),
        ("link", "paper"),
        ("brand-ink", "brand"),
        ("ok", "ok-wash"),
        ("bad", "bad-wash"),
        ("ink", "focus"),
    ],
)
def test_colour_pairs_meet_wcag_aa(text, background):
    palette = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})", CSS.read_text()))
    ratio = _contrast(palette[text], palette[background])
    assert ratio >= 4.5, f"{text} on {background}: {ratio:.2f}:1"
