import gzip
import re

import pytest

pytestmark = pytest.mark.django_db


def test_lesson_page_transfers_under_100_kb_compressed(client, enrolled, tree):
    """Everything a lesson without video loads (HTML, CSS, images, scripts), gzipped."""
    response = client.get(tree.lessons[0].url, HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    total = len(response.content)
    html = gzip.decompress(response.content).decode()
    assert "<script" not in html  # JavaScript only improves; nothing here needs it
    for url in set(re.findall(r'(?:href|src)="(/(?:static|media)/[^"]+)"', html)):
        asset = client.get(url)
        body = b"".join(asset.streaming_content) if asset.streaming else asset.content
        total += len(gzip.compress(body))
    assert total < 100 * 1024, f"lesson transfers {total} bytes"
