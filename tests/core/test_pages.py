import gzip
import re

import pytest
from django.test import RequestFactory
from django.utils import translation
from django.views.defaults import server_error

from apps.core.languages import LANGUAGE_CODES

pytestmark = pytest.mark.django_db

NOT_FOUND = {
    "en": "Page not found",
    "fr": "Page introuvable",
    "ar": "الصفحة غير موجودة",
}


@pytest.mark.parametrize("code", LANGUAGE_CODES)
def test_404_page_in_every_language(client, code):
    response = client.get(f"/{code}/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert f'lang="{code}"' in html
    if code in NOT_FOUND:
        assert NOT_FOUND[code] in html


@pytest.mark.parametrize("code", LANGUAGE_CODES)
def test_500_page_in_every_language(code):
    request = RequestFactory().get(f"/{code}/")
    with translation.override(code):
        response = server_error(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert f'lang="{code}"' in html
    if code != "en":
        assert "Something went wrong" not in html


def test_security_headers_on_pages(client):
    response = client.get("/en/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "object-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_accessibility_basics_on_home(client):
    html = client.get("/en/").content.decode()
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    for img in re.findall(r"<img [^>]*>", html):
        assert "alt=" in img, img
    assert 'name="viewport"' in html


def test_home_page_weighs_under_60_kb_compressed(client):
    """Everything the home page loads, gzipped as the server would send it."""
    response = client.get("/en/", HTTP_ACCEPT_ENCODING="gzip")
    html_bytes = response.content
    total = (
        len(html_bytes)
        if response.get("Content-Encoding") == "gzip"
        else len(gzip.compress(html_bytes))
    )
    html = (
        gzip.decompress(html_bytes).decode()
        if response.get("Content-Encoding") == "gzip"
        else html_bytes.decode()
    )
    assets = set(re.findall(r'(?:href|src)="(/static/[^"]+)"', html))
    assert assets, "expected the stylesheet and icon"
    for url in assets:
        asset = client.get(url)
        assert asset.status_code == 200, url
        body = b"".join(asset.streaming_content) if asset.streaming else asset.content
        total += len(gzip.compress(body))
    assert total < 60 * 1024, f"home page transfers {total} bytes compressed"
