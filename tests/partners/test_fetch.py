"""The fetch stage against a real HTTP server on 127.0.0.1 serving the real partner files."""

import gzip
import logging
import socket
from pathlib import Path

import httpx
import pytest

from apps.partners.fetch import FetchError, FetchPolicy, fetch
from tests.partners.conftest import REAL_DATA

JSON_FILE = "gp_json/celestrak_gp_stations_2025-05-25.json"
BIG_JSON_FILE = "gp_json/celestrak_gp_starlink_2025-05-25.json"
TLE_FILE = "tle/celestrak_stations_2026-05-30T2250Z.tle"
CSV_FILE = "satcat/celestrak_satcat_extract_2026-07-03.csv"
IDENTITY = {"Accept-Encoding": "identity"}
SECRET = "Bearer s3cr3t-partner-token-7f1c"


@pytest.fixture
def download_dir(tmp_path: Path) -> Path:
    """Where fetch() writes; every test checks that nothing but a returned file is left."""
    directory = tmp_path / "downloads"
    directory.mkdir()
    return directory


@pytest.fixture
def waits() -> list[float]:
    return []


def _fetch(url: str, policy: FetchPolicy, download_dir: Path, waits: list[float], **kwargs):
    return fetch(url, policy, sleep=waits.append, tmp_dir=download_dir, **kwargs)


def _leftovers(directory: Path) -> list[Path]:
    return sorted(directory.iterdir())


class TestSuccess:
    @pytest.mark.parametrize(
        ("relpath", "media_type"),
        [
            (JSON_FILE, "application/json"),
            (TLE_FILE, "text/plain"),
            (CSV_FILE, "text/csv"),
            ("cdm/ccsds508_cdm_example.xml", "application/xml"),
        ],
    )
    def test_identity_body_is_the_file(
        self, partner_server, download_dir, waits, relpath, media_type
    ):
        seen: list[int] = []
        policy = FetchPolicy(accept_types=(media_type,), headers=IDENTITY)

        fetched = _fetch(
            partner_server.url(f"/files/{relpath}"),
            policy,
            download_dir,
            waits,
            progress=seen.append,
        )

        expected = (REAL_DATA / relpath).read_bytes()
        assert fetched.path is not None
        assert fetched.path.read_bytes() == expected
        assert (fetched.not_modified, fetched.http_status, fetched.attempts) == (False, 200, 1)
        assert fetched.size == len(expected) == fetched.transferred
        assert fetched.content_type == media_type
        assert fetched.content_encoding == ""
        assert fetched.etag.startswith('"') and fetched.last_modified.endswith("GMT")
        assert seen == sorted(seen) and seen[-1] == len(expected)
        assert _leftovers(download_dir) == [fetched.path]
        assert waits == []

    def test_gzip_transfer_is_decoded(self, partner_server, download_dir, waits):
        fetched = _fetch(
            partner_server.url(f"/files/{BIG_JSON_FILE}"), FetchPolicy(), download_dir, waits
        )

        expected = (REAL_DATA / BIG_JSON_FILE).read_bytes()
        [(_, _, headers)] = partner_server.request_log
        assert headers["Accept-Encoding"] == "gzip"
        assert fetched.content_encoding == "gzip"
        assert fetched.transferred < fetched.size / 4
        assert fetched.path.read_bytes() == expected
        assert fetched.size == len(expected)

    def test_chunked_body_without_length(self, partner_server, download_dir, waits):
        fetched = _fetch(
            partner_server.url(f"/chunked/files/{TLE_FILE}"),
            FetchPolicy(headers=IDENTITY),
            download_dir,
            waits,
        )

        assert fetched.path.read_bytes() == (REAL_DATA / TLE_FILE).read_bytes()

    def test_follows_redirects_up_to_five(self, partner_server, download_dir, waits):
        fetched = _fetch(
            partner_server.url(f"/redirect/5/files/{JSON_FILE}"), FetchPolicy(), download_dir, waits
        )

        assert fetched.path.read_bytes() == (REAL_DATA / JSON_FILE).read_bytes()
        assert len(partner_server.request_log) == 6

    def test_too_many_redirects_fail_without_retry(self, partner_server, download_dir, waits):
        with pytest.raises(FetchError) as caught:
            _fetch(
                partner_server.url(f"/redirect/6/files/{JSON_FILE}"),
                FetchPolicy(),
                download_dir,
                waits,
            )

        assert not caught.value.retryable and caught.value.attempts == 1
        assert "redirected" in caught.value.reason
        assert waits == [] and _leftovers(download_dir) == []

    def test_uses_a_client_passed_in(self, partner_server, download_dir, waits):
        with httpx.Client() as client:
            fetched = _fetch(
                partner_server.url(f"/files/{JSON_FILE}"),
                FetchPolicy(),
                download_dir,
                waits,
                client=client,
            )
            assert not client.is_closed

        assert fetched.path.read_bytes() == (REAL_DATA / JSON_FILE).read_bytes()


class TestConditional:
    def test_304_with_etag(self, partner_server, download_dir, waits):
        url = partner_server.url(f"/files/{JSON_FILE}")
        first = _fetch(url, FetchPolicy(), download_dir, waits)
        first.path.unlink()

        again = _fetch(url, FetchPolicy(), download_dir, waits, etag=first.etag)

        assert again.not_modified and again.http_status == 304
        assert again.path is None and again.size == 0 and again.attempts == 1
        assert again.etag == first.etag
        assert partner_server.request_log[-1][2]["If-None-Match"] == first.etag
        assert _leftovers(download_dir) == []

    def test_304_with_last_modified(self, partner_server, download_dir, waits):
        url = partner_server.url(f"/files/{TLE_FILE}")
        first = _fetch(url, FetchPolicy(), download_dir, waits)
        first.path.unlink()

        again = _fetch(url, FetchPolicy(), download_dir, waits, last_modified=first.last_modified)

        assert again.not_modified and again.path is None
        assert again.last_modified == first.last_modified
        headers = partner_server.request_log[-1][2]
        assert headers["If-Modified-Since"] == first.last_modified
        assert "If-None-Match" not in headers
        assert _leftovers(download_dir) == []

    def test_changed_etag_downloads_again(self, partner_server, download_dir, waits):
        fetched = _fetch(
            partner_server.url(f"/files/{JSON_FILE}"),
            FetchPolicy(),
            download_dir,
            waits,
            etag='"an-older-version"',
        )

        assert not fetched.not_modified
        assert fetched.path.read_bytes() == (REAL_DATA / JSON_FILE).read_bytes()


class TestRetries:
    def test_500s_then_success(self, partner_server, download_dir, waits):
        policy = FetchPolicy(max_attempts=4, backoff_base=2.0, backoff_max=120.0)

        fetched = _fetch(
            partner_server.url(f"/fail/2/flaky/files/{JSON_FILE}"), policy, download_dir, waits
        )

        assert fetched.attempts == 3
        assert fetched.path.read_bytes() == (REAL_DATA / JSON_FILE).read_bytes()
        assert len(waits) == 2
        assert 0.0 <= waits[0] <= 2.0 and 0.0 <= waits[1] <= 4.0
        assert len(partner_server.request_log) == 3
        assert _leftovers(download_dir) == [fetched.path]

    def test_backoff_grows_exponentially_up_to_the_cap(self, partner_server, download_dir, waits):
        bounds: list[tuple[float, float]] = []

        def highest(low: float, high: float) -> float:
            bounds.append((low, high))
            return high

        policy = FetchPolicy(max_attempts=6, backoff_base=2.0, backoff_max=10.0)
        with pytest.raises(FetchError):
            _fetch(
                partner_server.url(f"/fail/99/grow/files/{JSON_FILE}"),
                policy,
                download_dir,
                waits,
                jitter=highest,
            )

        assert waits == [2.0, 4.0, 8.0, 10.0, 10.0]
        assert bounds == [(0.0, 2.0), (0.0, 4.0), (0.0, 8.0), (0.0, 10.0), (0.0, 10.0)]

    def test_backoff_is_jittered(self, partner_server, download_dir, waits):
        policy = FetchPolicy(max_attempts=12, backoff_base=1.0, backoff_max=3.0)
        with pytest.raises(FetchError):
            _fetch(
                partner_server.url(f"/fail/99/jitter/files/{JSON_FILE}"),
                policy,
                download_dir,
                waits,
            )

        caps = [min(3.0, 2.0**n) for n in range(11)]
        assert all(0.0 <= wait <= cap for wait, cap in zip(waits, caps, strict=True))
        assert len(set(waits)) > 1  # full jitter, not a fixed schedule

    def test_all_attempts_500(self, partner_server, download_dir, waits):
        policy = FetchPolicy(max_attempts=3)

        with pytest.raises(FetchError) as caught:
            _fetch(
                partner_server.url(f"/fail/99/down/files/{JSON_FILE}"), policy, download_dir, waits
            )

        error = caught.value
        assert error.retryable and error.attempts == 3 and error.http_status == 500
        assert "500" in error.reason
        assert len(partner_server.request_log) == 3 and len(waits) == 2
        assert _leftovers(download_dir) == []

    def test_read_timeout_is_retried_then_fails(self, partner_server, download_dir, waits):
        policy = FetchPolicy(read_timeout=0.2, max_attempts=2)

        with pytest.raises(FetchError) as caught:
            _fetch(partner_server.url(f"/slow/1/files/{JSON_FILE}"), policy, download_dir, waits)

        error = caught.value
        assert error.retryable and error.attempts == 2 and error.http_status is None
        assert "in time" in error.reason
        assert len(partner_server.request_log) == 2 and len(waits) == 1
        assert _leftovers(download_dir) == []

    def test_slow_within_timeout_succeeds(self, partner_server, download_dir, waits):
        policy = FetchPolicy(read_timeout=2.0)

        fetched = _fetch(
            partner_server.url(f"/slow/0.1/files/{JSON_FILE}"), policy, download_dir, waits
        )

        assert fetched.attempts == 1

    def test_connection_refused_is_retried(self, download_dir, waits):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        policy = FetchPolicy(connect_timeout=1.0, max_attempts=3)

        with pytest.raises(FetchError) as caught:
            _fetch(f"http://127.0.0.1:{port}/files/{JSON_FILE}", policy, download_dir, waits)

        assert caught.value.retryable and caught.value.attempts == 3
        assert "connection failed" in caught.value.reason
        assert len(waits) == 2

    @pytest.mark.parametrize("headers", [IDENTITY, {}], ids=["identity", "gzip"])
    @pytest.mark.parametrize("framing", ["", "chunked/"])
    def test_cut_body_is_never_a_success(
        self, partner_server, download_dir, waits, headers, framing
    ):
        seen: list[int] = []
        policy = FetchPolicy(max_attempts=3, headers=headers)

        with pytest.raises(FetchError) as caught:
            _fetch(
                partner_server.url(f"/{framing}cut/files/{BIG_JSON_FILE}"),
                policy,
                download_dir,
                waits,
                progress=seen.append,
            )

        assert caught.value.retryable and caught.value.attempts == 3
        assert len(partner_server.request_log) == 3 and len(waits) == 2
        assert seen, "part of the body was written before the cut"
        assert _leftovers(download_dir) == []

    @pytest.mark.parametrize("status", [400, 401, 403, 404, 410])
    def test_client_errors_are_not_retried(self, partner_server, download_dir, waits, status):
        with pytest.raises(FetchError) as caught:
            _fetch(partner_server.url(f"/status/{status}/"), FetchPolicy(), download_dir, waits)

        error = caught.value
        assert not error.retryable and error.attempts == 1 and error.http_status == status
        assert str(status) in error.reason
        assert len(partner_server.request_log) == 1 and waits == []

    def test_429_without_retry_after_backs_off(self, partner_server, download_dir, waits):
        fetched = _fetch(
            partner_server.url(f"/retry-after/none/1/plain429/files/{JSON_FILE}"),
            FetchPolicy(backoff_base=1.0),
            download_dir,
            waits,
        )

        assert fetched.attempts == 2 and len(waits) == 1 and 0.0 <= waits[0] <= 1.0


class TestRetryAfter:
    @pytest.mark.parametrize("fault", ["retry-after", "unavailable"])
    def test_waits_exactly_what_the_partner_asks(self, partner_server, download_dir, waits, fault):
        fetched = _fetch(
            partner_server.url(f"/{fault}/1/1/{fault}/files/{JSON_FILE}"),
            FetchPolicy(),
            download_dir,
            waits,
        )

        assert waits == [1.0]
        assert fetched.attempts == 2
        assert fetched.path.read_bytes() == (REAL_DATA / JSON_FILE).read_bytes()

    def test_retry_after_counts_as_an_attempt(self, partner_server, download_dir, waits):
        with pytest.raises(FetchError) as caught:
            _fetch(
                partner_server.url(f"/retry-after/3/9/busy/files/{JSON_FILE}"),
                FetchPolicy(max_attempts=3),
                download_dir,
                waits,
            )

        assert caught.value.attempts == 3 and caught.value.http_status == 429
        assert waits == [3.0, 3.0]

    def test_http_date_in_the_past_retries_at_once(self, partner_server, download_dir, waits):
        fetched = _fetch(
            partner_server.url(f"/retry-after/date-60/1/past/files/{JSON_FILE}"),
            FetchPolicy(),
            download_dir,
            waits,
        )

        assert fetched.attempts == 2 and waits == [0.0]

    @pytest.mark.parametrize("value", ["900", "date+7200"])
    def test_too_long_fails_the_run(self, partner_server, download_dir, waits, value):
        with pytest.raises(FetchError) as caught:
            _fetch(
                partner_server.url(f"/retry-after/{value}/1/long/files/{JSON_FILE}"),
                FetchPolicy(max_retry_after=600),
                download_dir,
                waits,
            )

        error = caught.value
        assert error.http_status == 429 and error.attempts == 1
        assert "retry after" in error.reason and "600 s" in error.reason
        assert error.retry_after > 600
        assert waits == [] and len(partner_server.request_log) == 1


class TestLimits:
    def test_content_length_over_cap_fails_before_reading(
        self, partner_server, download_dir, waits
    ):
        seen: list[int] = []
        policy = FetchPolicy(max_bytes=10_000, headers=IDENTITY)

        with pytest.raises(FetchError) as caught:
            _fetch(
                partner_server.url(f"/files/{BIG_JSON_FILE}"),
                policy,
                download_dir,
                waits,
                progress=seen.append,
            )

        assert not caught.value.retryable and caught.value.attempts == 1
        assert "10000" in caught.value.reason
        assert seen == [] and waits == []
        assert len(partner_server.request_log) == 1
        assert _leftovers(download_dir) == []

    @pytest.mark.parametrize(
        ("prefix", "headers"),
        [("chunked/", IDENTITY), ("", {})],
        ids=["chunked-without-length", "gzip"],
    )
    def test_streamed_body_over_cap(self, partner_server, download_dir, waits, prefix, headers):
        seen: list[int] = []
        policy = FetchPolicy(max_bytes=100_000, headers=headers)

        with pytest.raises(FetchError) as caught:
            _fetch(
                partner_server.url(f"/{prefix}files/{BIG_JSON_FILE}"),
                policy,
                download_dir,
                waits,
                progress=seen.append,
            )

        assert not caught.value.retryable and caught.value.attempts == 1
        assert "100000" in caught.value.reason
        assert max(seen, default=0) <= 100_000
        assert len(partner_server.request_log) == 1 and waits == []
        assert _leftovers(download_dir) == []

    def test_gzip_bomb_is_stopped_by_the_decoded_cap(self, partner_server, download_dir, waits):
        bomb = gzip.compress(b"[" + b" " * (16 * 1024 * 1024) + b"]", compresslevel=9)
        assert len(bomb) < 50_000
        partner_server.bodies["bomb"] = (bomb, "application/json", "gzip")
        seen: list[int] = []

        with pytest.raises(FetchError) as caught:
            _fetch(
                partner_server.url("/body/bomb"),
                FetchPolicy(max_bytes=1_000_000),
                download_dir,
                waits,
                progress=seen.append,
            )

        assert not caught.value.retryable and "1000000" in caught.value.reason
        assert max(seen, default=0) <= 1_000_000
        assert _leftovers(download_dir) == []

    def test_wrong_content_type_names_it(self, partner_server, download_dir, waits):
        with pytest.raises(FetchError) as caught:
            _fetch(
                partner_server.url(f"/ctype/text~html/files/{JSON_FILE}"),
                FetchPolicy(accept_types=("application/json",)),
                download_dir,
                waits,
            )

        assert not caught.value.retryable and caught.value.attempts == 1
        assert "text/html" in caught.value.reason
        assert len(partner_server.request_log) == 1 and waits == []
        assert _leftovers(download_dir) == []

    def test_content_type_parameters_and_case_are_ignored(
        self, partner_server, download_dir, waits
    ):
        fetched = _fetch(
            partner_server.url(f"/ctype/Application~JSON; charset=utf-8/files/{JSON_FILE}"),
            FetchPolicy(accept_types=("application/json", "text/plain")),
            download_dir,
            waits,
        )

        assert fetched.content_type == "Application/JSON; charset=utf-8"
        assert partner_server.request_log[0][2]["Accept"] == "application/json, text/plain"

    def test_canned_invalid_body_is_still_a_download(self, partner_server, download_dir, waits):
        # Judging the content is the parse stage's job; fetch only moves bytes.
        partner_server.bodies["broken"] = (b'[{"OBJECT_NAME": ', "application/json")

        fetched = _fetch(
            partner_server.url("/body/broken"),
            FetchPolicy(accept_types=("application/json",)),
            download_dir,
            waits,
        )

        assert fetched.path.read_bytes() == b'[{"OBJECT_NAME": '

    def test_policy_rejects_nonsense(self):
        with pytest.raises(ValueError):
            FetchPolicy(max_attempts=0)
        with pytest.raises(ValueError):
            FetchPolicy(max_bytes=0)


class TestSecrets:
    @pytest.mark.parametrize(
        "path",
        [
            f"/fail/99/secret/files/{JSON_FILE}",
            f"/cut/files/{JSON_FILE}",
            f"/slow/1/files/{JSON_FILE}",
            "/status/401/",
            f"/ctype/text~html/files/{JSON_FILE}",
            f"/retry-after/900/1/secret-ra/files/{JSON_FILE}",
        ],
    )
    def test_secret_header_is_sent_but_never_logged(
        self, partner_server, download_dir, waits, caplog, path
    ):
        caplog.set_level(logging.DEBUG)
        policy = FetchPolicy(
            read_timeout=0.2,
            max_attempts=2,
            accept_types=("application/json",),
            headers={"Authorization": SECRET},
        )

        with pytest.raises(FetchError) as caught:
            _fetch(partner_server.url(path), policy, download_dir, waits)

        assert partner_server.request_log
        assert all(h["Authorization"] == SECRET for _, _, h in partner_server.request_log)
        error = caught.value
        for text in (str(error), repr(error), error.reason, repr(error.args)):
            assert "s3cr3t" not in text
        for record in caplog.records:
            assert "s3cr3t" not in record.getMessage()
            assert "s3cr3t" not in repr(record.args)
        assert "s3cr3t" not in caplog.text
        assert _leftovers(download_dir) == []

    def test_retries_are_logged_without_query_string(
        self, partner_server, download_dir, waits, caplog
    ):
        caplog.set_level(logging.WARNING, logger="apps.partners.fetch")

        with pytest.raises(FetchError):
            _fetch(
                partner_server.url(f"/fail/99/q/files/{JSON_FILE}") + "?token=s3cr3t",
                FetchPolicy(max_attempts=2),
                download_dir,
                waits,
            )

        assert len(caplog.records) == 1
        assert "/fail/99/q/files/" in caplog.text and "s3cr3t" not in caplog.text
