import csv
import io

import orjson
import pytest

from tests.api.test_api_v1 import _new_release

pytestmark = pytest.mark.django_db


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_release_export_csv_and_json(api, loaded):
    response = api.get("/api/v1/datasets/space-objects/releases/1/export.csv")
    assert response.status_code == 200 and response.streaming
    assert response["X-Release-Checksum"].startswith("sha256:")
    rows = list(csv.DictReader(io.StringIO(_body(response).decode())))
    assert len(rows) == 507 and rows[0]["norad_cat_id"] == "1"
    data = orjson.loads(_body(api.get("/api/v1/datasets/element-sets/releases/1/export.json")))
    assert len(data) == 2916 and {"regime", "epoch", "mean_motion"} <= set(data[0])


def test_export_of_an_earlier_release_is_as_it_was(api, loaded):
    _new_release(loaded[1])
    old = orjson.loads(_body(api.get("/api/v1/datasets/element-sets/releases/1/export.json")))
    new = orjson.loads(_body(api.get("/api/v1/datasets/element-sets/releases/2/export.json")))
    iss_old = next(r for r in old if r["norad_cat_id"] == 25544)
    iss_new = next(r for r in new if r["norad_cat_id"] == 25544)
    assert iss_old["epoch"] != iss_new["epoch"] and iss_new["release"] == 2


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/datasets/space-objects/releases/9/export.csv",
        "/api/v1/datasets/space-objects/releases/1/export.exe",
        "/api/v1/datasets/nope/releases/1/export.csv",
    ],
)
def test_bad_exports_are_404_problems(api, loaded, url):
    response = api.get(url)
    assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"


def test_dcat_catalogue(api, loaded):
    response = api.get("/api/v1/catalog.jsonld")
    assert response["Content-Type"].startswith("application/ld+json")
    body = response.json()
    assert body["@type"] == "dcat:Catalog"
    datasets = {d["dct:identifier"]: d for d in body["dcat:dataset"]}
    catalogue = datasets["space-objects"]
    assert {"@language": "fr", "@value": "Catalogue des objets spatiaux"} in catalogue["dct:title"]
    downloads = [
        d["dcat:downloadURL"]["@id"]
        for d in catalogue["dcat:distribution"]
        if "dcat:downloadURL" in d
    ]
    assert any(u.endswith("/releases/2/export.csv") for u in downloads)
    assert catalogue["dct:accrualPeriodicity"]["@id"].endswith("/DAILY")
