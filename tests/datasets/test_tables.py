"""Curated tables: schema checks, CSV uploads with row-level reports, releases, admin, API."""

import io
import json

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from apps.accounts import roles
from apps.accounts.services import user_add_to_group
from apps.datasets.demo import DEMO_TABLE, TABLES, demo_table_load
from apps.datasets.ingest.tables import table_schema_errors, table_upload
from apps.datasets.models import Dataset, Release, TableRow, TableUpload
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

HEADER = "event_id,event_name,event_date,event_kind,state,norad_cat_id,object_name\n"
GOOD = (TABLES / f"{DEMO_TABLE}.csv").read_bytes()


@pytest.fixture
def table():
    upload = demo_table_load()
    assert upload.status == TableUpload.Status.PUBLISHED
    return upload.dataset


def upload(table, data: bytes, name: str = "events.csv") -> TableUpload:
    return table_upload(table, io.BytesIO(data), filename=name, user=None)


def assert_nothing_published(table, result: TableUpload) -> None:
    assert result.status == TableUpload.Status.REJECTED
    assert result.release is None
    assert Release.objects.filter(dataset=table).count() == 1
    assert TableRow.objects.filter(dataset=table, superseded_in__isnull=True).count() == 6


# ----------------------------------------------------------------------------- schema checks


def test_the_demo_schema_is_accepted():
    schema = json.loads((TABLES / f"{DEMO_TABLE}.schema.json").read_text())
    assert table_schema_errors(schema) == []


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ([], "JSON object"),
        ({"fields": []}, "no fields"),
        ({"fields": [{"name": "a", "type": "integer"}]}, "primaryKey"),
        ({"fields": [{"name": "a", "type": "nonsense"}], "primaryKey": ["a"]}, "type"),
        ({"fields": [{"name": "a"}], "primaryKey": ["b"]}, "primary key"),
        ({"fields": [{"name": "a"}, {"name": "a"}], "primaryKey": ["a"]}, "unique"),
        ({"fields": [{"name": "format"}], "primaryKey": ["format"]}, "reserved"),
    ],
)
def test_unusable_schemas_are_refused_with_a_reason(schema, expected):
    problems = table_schema_errors(schema)
    assert problems
    assert expected.lower() in " ".join(problems).lower()


# ----------------------------------------------------------------------------- uploads


def test_upload_publishes_a_release_and_the_same_file_publishes_nothing(table):
    release = Release.objects.get(dataset=table)
    assert (release.number, release.record_count, release.added) == (1, 6, 6)
    assert release.source == Release.Source.UPLOAD
    again = upload(table, GOOD)
    assert again.status == TableUpload.Status.UNCHANGED
    assert Release.objects.filter(dataset=table).count() == 1


def test_changed_and_missing_rows_make_a_release_with_their_counts(table):
    lines = GOOD.decode().splitlines()
    changed = [
        line.replace("USA-193 intercept", "USA-193 intercept (Burnt Frost)") for line in lines
    ]
    result = upload(table, ("\n".join(changed[:-1]) + "\n").encode())  # last row dropped
    assert result.status == TableUpload.Status.PUBLISHED
    release = result.release
    assert (release.number, release.added, release.changed, release.withdrawn) == (2, 0, 1, 1)
    assert release.record_count == 5
    current = TableRow.objects.filter(dataset=table, superseded_in__isnull=True)
    assert current.count() == 5
    names = {row.data["event_name"] for row in current}
    assert "USA-193 intercept (Burnt Frost)" in names


def test_columns_in_another_order_are_read_by_name(table):
    reordered = "object_name,norad_cat_id,event_id,event_name,event_date,event_kind,state\n"
    reordered += "COSMOS 1408,13552,cosmos-1408-2021,Cosmos 1408 anti-satellite test,2021-11-15,"
    reordered += "destructive anti-satellite test,RU\n"
    result = upload(table, reordered.encode())
    assert result.status == TableUpload.Status.PUBLISHED, result.errors
    assert result.release.withdrawn == 5


ROW = "x-2020,Name,2020-01-01,accidental collision,,{norad},OBJ\n"


@pytest.mark.parametrize(
    ("body", "row", "field", "words"),
    [
        (HEADER + ROW.format(norad="abc"), 2, "norad_cat_id", "not a valid integer"),
        (HEADER + ROW.format(norad="0"), 2, "norad_cat_id", "minimum"),
        (HEADER + "x,Name,2020-02-30,accidental collision,,1,OBJ\n", 2, "event_date", "date"),
        (HEADER + "x,Name,2020-01-01,meteor shower,,1,OBJ\n", 2, "event_kind", "enum"),
        (HEADER + "X Y,Name,2020-01-01,accidental collision,,1,OBJ\n", 2, "event_id", "pattern"),
        (HEADER + ROW.format(norad=1) + ROW.format(norad=1), 3, "", "primary key"),
        (HEADER + "x,Name,2020-01-01\n", 2, "", "fewer cells"),
        (HEADER + ROW.format(norad="1,extra"), 2, "", "more cells"),
    ],
)
def test_bad_rows_are_reported_by_row_and_column_and_nothing_is_published(
    table, body, row, field, words
):
    result = upload(table, body.encode())
    assert_nothing_published(table, result)
    assert any(
        error["row"] == row
        and (not field or error["field"] == field)
        and words in error["message"].lower()
        for error in result.errors
    ), result.errors


@pytest.mark.parametrize(
    "cell",
    ['=HYPERLINK("http://evil.example","x")', "+cmd|' /C calc'!A0", "@SUM(A1:A9)", "-2+3+cmd"],
)
def test_spreadsheet_formulas_are_refused(table, cell):
    body = (
        HEADER + f'x,"{cell.replace(chr(34), chr(34) * 2)}",2020-01-01,accidental collision,,1,O\n'
    )
    result = upload(table, body.encode())
    assert_nothing_published(table, result)
    assert result.errors[0]["field"] == "event_name"
    assert "formula" in result.errors[0]["message"]


def test_a_negative_number_in_a_text_column_is_not_a_formula(table):
    body = HEADER + "x,-273.15,2020-01-01,accidental collision,,1,-\n"
    assert upload(table, body.encode()).status == TableUpload.Status.PUBLISHED


def test_wrong_encoding_names_the_row(table):
    body = (HEADER + "x,Événement,2020-01-01,accidental collision,,1,OBJ\n").encode("latin-1")
    result = upload(table, body)
    assert_nothing_published(table, result)
    assert result.errors[0]["row"] == 2
    assert "UTF-8" in result.errors[0]["message"]


def test_a_byte_order_mark_is_fine(table):
    assert upload(table, b"\xef\xbb\xbf" + GOOD).status == TableUpload.Status.UNCHANGED


@pytest.mark.parametrize(
    ("header", "field", "words"),
    [
        (
            "event_id,event_name,event_date,event_kind,state,object_name\n",
            "norad_cat_id",
            "missing",
        ),
        (HEADER.strip() + ",secret\n", "secret", "unknown"),
        (HEADER.strip() + ",state\n", "state", "twice"),
    ],
)
def test_header_problems_are_reported_on_row_one(table, header, field, words):
    result = upload(table, (header + "x\n").encode())
    assert_nothing_published(table, result)
    assert any(
        e["row"] == 1 and e["field"] == field and words in e["message"].lower()
        for e in result.errors
    )


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b"", "Missing column"),
        (HEADER.encode(), "no rows"),
        (HEADER.encode() + b"x,a\x00b,2020-01-01,accidental collision,,1,O\n", "NUL"),
        (
            HEADER.encode() + b'x,"' + b"a" * 200_000 + b'",2020-01-01,accidental collision,,1,O\n',
            "200,000 characters",
        ),
    ],
)
def test_empty_binary_and_unreadable_files_are_refused(table, body, words):
    result = upload(table, body)
    assert_nothing_published(table, result)
    assert any(words in error["message"] for error in result.errors), result.errors


def test_a_million_rows_are_refused_quickly_with_the_limit(table):
    body = HEADER + "".join(
        f"e{i},n,2020-01-01,accidental collision,,{i + 1},o\n" for i in range(1_000_000)
    )
    data = body.encode()
    with override_settings(TABLE_UPLOAD_MAX_BYTES=len(data) + 1):  # the row limit decides here
        result = upload(table, data)
    assert_nothing_published(table, result)
    assert "more than 200,000 rows" in result.errors[0]["message"]


@override_settings(TABLE_UPLOAD_MAX_BYTES=1000)
def test_a_file_over_the_size_limit_is_refused_with_its_size(table):
    result = upload(table, GOOD + b"x" * 2000)
    assert_nothing_published(table, result)
    assert result.size == len(GOOD) + 2000
    assert "limit is 1,000" in result.errors[0]["message"]


def test_many_errors_are_counted_and_the_first_kept(table):
    body = HEADER + "".join(ROW.format(norad="bad") for _ in range(500))
    result = upload(table, body.encode())
    assert_nothing_published(table, result)
    assert result.error_count >= 500
    assert len(result.errors) == 200


# ----------------------------------------------------------------------------- the admin


@pytest.fixture
def editor_client(client):
    editor = UserFactory(is_staff=True)
    user_add_to_group(user=editor, group_name=roles.EDITOR)
    TOTP.activate(editor, generate_totp_secret())
    client.force_login(editor)
    return client


SCHEMA = {
    "fields": [
        {"name": "code", "type": "string", "constraints": {"required": True}},
        {"name": "count", "type": "integer", "constraints": {"minimum": 0}},
    ],
    "primaryKey": ["code"],
}


def _table_form(**changes) -> dict:
    from apps.accounts.models import Organisation

    organisation = Organisation.objects.get_or_create(name="Data desk", slug="desk")[0]
    values = {
        "slug": "launch-counts",
        "title": "Launch counts",
        "description": "Launches per site.",
        "publisher": organisation.pk,
        "licence_name": "CC BY 4.0",
        "licence_url": "",
        "access": Dataset.Access.PUBLIC,
        "update_frequency": Dataset.Frequency.IRREGULAR,
        "keywords": "launches, sites",
        "table_schema": json.dumps(SCHEMA),
    }
    values.update(changes)
    return values


def test_editor_defines_a_table_uploads_csv_and_reads_the_report(editor_client):
    response = editor_client.post("/admin/tables/new/", _table_form())
    assert response.status_code == 302
    table = Dataset.objects.get(slug="launch-counts")
    assert table.kind == Dataset.Kind.CURATED_TABLE
    assert table.keywords == ["launches", "sites"]

    bad = io.BytesIO(b"code,count\nKSC,-4\n=1+1,2\n")
    bad.name = "counts.csv"
    response = editor_client.post("/admin/tables/launch-counts/", {"file": bad})
    assert response.status_code == 302
    report = editor_client.get(response["Location"])
    text = report.content.decode()
    assert "2 problems" in text
    assert "minimum" in text and "formula" in text
    assert not Release.objects.filter(dataset=table).exists()

    good = io.BytesIO(b"code,count\nKSC,4\nBKN,2\n")
    good.name = "counts.csv"
    response = editor_client.post("/admin/tables/launch-counts/", {"file": good})
    page = editor_client.get(response["Location"]).content.decode()
    assert "Published as a new release" in page
    assert Release.objects.get(dataset=table).record_count == 2
    listing = editor_client.get("/admin/tables/").content.decode()
    assert "Launch counts" in listing


def test_the_table_form_refuses_a_broken_schema(editor_client):
    response = editor_client.post("/admin/tables/new/", _table_form(table_schema="{not json"))
    assert response.status_code == 200
    assert "not valid JSON" in response.content.decode()
    response = editor_client.post(
        "/admin/tables/new/", _table_form(table_schema=json.dumps({"fields": [{"name": "a"}]}))
    )
    assert "primaryKey" in response.content.decode()
    assert not Dataset.objects.filter(slug="launch-counts").exists()


def test_learners_cannot_reach_the_table_admin(client, learner, table):
    client.force_login(learner)
    for url in ("/admin/tables/", f"/admin/tables/{table.slug}/", "/admin/tables/new/"):
        assert client.get(url).status_code in (302, 403)
    response = client.post(f"/admin/tables/{table.slug}/", {"file": io.BytesIO(GOOD)})
    assert response.status_code in (302, 403)
    assert TableUpload.objects.count() == 1


# ----------------------------------------------------------------------------- the API and page


def test_api_lists_tables_with_schema_and_serves_rows(client, table):
    listing = client.get("/api/v1/tables/").json()["results"]
    assert listing[0]["slug"] == DEMO_TABLE
    assert listing[0]["schema"]["primaryKey"] == ["event_id", "norad_cat_id"]
    rows = client.get(f"/api/v1/tables/{DEMO_TABLE}/rows/").json()["results"]
    assert len(rows) == 6
    assert rows[0]["event_id"] == "cosmos-1408-2021"
    collision = client.get(f"/api/v1/tables/{DEMO_TABLE}/rows/?event_kind=accidental collision")
    assert {r["norad_cat_id"] for r in collision.json()["results"]} == {22675, 24946}
    by_norad = client.get(f"/api/v1/tables/{DEMO_TABLE}/rows/?norad_cat_id=25730").json()
    assert by_norad["results"][0]["state"] == "CN"
    csv_body = client.get(f"/api/v1/tables/{DEMO_TABLE}/rows/?format=csv").content.decode()
    assert csv_body.startswith("event_id,event_name,event_date")


def test_api_reads_an_earlier_release(client, table):
    upload(table, HEADER.encode() + ROW.format(norad=7).encode())
    now = client.get(f"/api/v1/tables/{DEMO_TABLE}/rows/").json()["results"]
    before = client.get(f"/api/v1/tables/{DEMO_TABLE}/rows/?as_of=1").json()["results"]
    assert [r["event_id"] for r in now] == ["x-2020"]
    assert len(before) == 6


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("?norad_cat_id=abc", 400),
        ("?event_date=yesterday", 400),
        ("?bogus=1", 400),
        ("?page_size=0", 400),
        ("?page_size=100000", 400),
        ("?cursor=garbage", 400),
        ("?as_of=-1", 400),
        ("?as_of=99", 404),
        ("?format=tle", 406),
        ("?state=" + "A" * 600, 400),
    ],
)
def test_api_bad_table_queries_are_clear_4xx(client, table, query, status):
    response = client.get(f"/api/v1/tables/{DEMO_TABLE}/rows/{query}")
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"


def test_restricted_tables_are_invisible_without_rights(client, table):
    table.access = Dataset.Access.PARTNERS
    table.save()
    assert client.get("/api/v1/tables/").json()["results"] == []
    assert client.get(f"/api/v1/tables/{DEMO_TABLE}/rows/").status_code == 404
    assert client.get(f"/en/datasets/{DEMO_TABLE}/").status_code == 404


def test_rows_have_an_etag_and_a_repeat_pull_costs_nothing(client, table):
    first = client.get(f"/api/v1/tables/{DEMO_TABLE}/rows/")
    again = client.get(f"/api/v1/tables/{DEMO_TABLE}/rows/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_row_page_queries_do_not_grow_with_page_size(client, table):
    body = HEADER + "".join(ROW.format(norad=i).replace("x-2020", f"e{i}") for i in range(1, 301))
    upload(table, body.encode())
    counts = []
    for size in (10, 300):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/api/v1/tables/{DEMO_TABLE}/rows/?page_size={size}")
        assert len(response.json()["results"]) == size
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_table_page_shows_preview_chart_and_api_link(client, table):
    page = client.get(f"/en/datasets/{DEMO_TABLE}/").content.decode()
    assert "FENGYUN 1C" in page
    assert f"/api/v1/tables/{DEMO_TABLE}/rows/" in page
    assert "<svg" in page and "Rows by Kind" in page


def test_a_table_release_exports_and_downloads_as_csv_and_json(client, table):
    from apps.datasets.release_files import release_files_build

    csv_body = b"".join(
        chunk if isinstance(chunk, bytes) else chunk.encode()
        for chunk in client.get(f"/api/v1/datasets/{DEMO_TABLE}/releases/1/export.csv")
    ).decode()
    assert csv_body.splitlines()[0] == HEADER.strip() + ",release"
    assert len(csv_body.splitlines()) == 7
    rows = json.loads(b"".join(client.get(f"/api/v1/datasets/{DEMO_TABLE}/releases/1/export.json")))
    assert {row["norad_cat_id"] for row in rows} >= {22675, 24946}
    release = Release.objects.get(dataset=table, number=1)
    assert sorted(f.format for f in release_files_build(release.pk)) == ["csv", "json"]
