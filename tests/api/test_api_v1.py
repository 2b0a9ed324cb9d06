import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from sgp4 import omm
from sgp4.api import Satrec, jday

from apps.api.filters import FORM_CLASSES_KEPT, ElementSetFilter
from apps.datasets.ingest.apply import file_load
from apps.datasets.models import ElementSet

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[2] / "apps" / "datasets" / "fixtures" / "real"


def _source_tles(name: str) -> dict[int, tuple[str, str]]:
    lines = [ln.rstrip() for ln in (FIXTURES / name).read_text().splitlines() if ln.strip()]
    out = {}
    for i in range(0, len(lines), 3):
        sat = Satrec.twoline2rv(lines[i + 1], lines[i + 2])
        out[sat.satnum] = (lines[i + 1], lines[i + 2])
    return out


def _position(sat: Satrec, when: datetime):
    jd, fr = jday(when.year, when.month, when.day, when.hour, when.minute, when.second)
    error, r, _ = sat.sgp4(jd, fr)
    assert error == 0
    return r


def test_datasets_list(api, loaded):
    body = api.get("/api/v1/datasets/").json()
    assert {d["slug"] for d in body["results"]} == {"space-objects", "element-sets"}
    objects = next(d for d in body["results"] if d["slug"] == "space-objects")
    # Release 1: the SATCAT extract; release 2 adds the objects known only from element sets.
    assert objects["current_release"] == 2 and objects["record_count"] > 507


def test_objects_with_filters(api, loaded):
    body = api.get("/api/v1/objects/", {"norad_cat_id": "1,2,3"}).json()
    assert [r["norad_cat_id"] for r in body["results"]] == [1, 2, 3]
    sputnik = body["results"][1]
    assert sputnik["object_name"] == "SPUTNIK 1" and sputnik["rcs"] is None
    assert sputnik["data_status_code"] is None  # unknown stays unknown
    debris = api.get(
        "/api/v1/objects/", {"object_name": "cosmos 2251 deb", "page_size": 1000}
    ).json()
    assert debris["results"] and all(
        "COSMOS 2251 DEB" in r["object_name"] for r in debris["results"]
    )
    decayed = api.get("/api/v1/objects/", {"decayed": "true", "page_size": 1000}).json()["results"]
    assert all(r["decay_date"] for r in decayed)


def test_elements_latest_per_object_and_regime_filter(api, loaded):
    geo = api.get("/api/v1/elements/", {"regime": "GEO", "page_size": 1000}).json()["results"]
    assert geo and all(r["regime"] == "GEO" for r in geo)
    assert len({r["norad_cat_id"] for r in geo}) == len(geo)
    leo = api.get(
        "/api/v1/elements/", {"in_leo_protected_region": "true", "perigee_max": 500}
    ).json()
    assert all(r["perigee_altitude"] <= 500 for r in leo["results"])


def test_filters_asked_together_in_any_order_give_what_each_gives(api, loaded):
    """A form is made of the filters a request names (apps/api/filters.py): every set of them,
    in any order, filters as each alone does, and the form classes kept stay bounded."""
    url = "/api/v1/elements/"

    def norads(params):
        found, page = set(), api.get(url, {**params, "page_size": 1000})
        while True:
            assert page.status_code == 200
            found |= {r["norad_cat_id"] for r in page.json()["results"]}
            if not page.json()["next"]:
                return found
            page = api.get(page.json()["next"])

    leo = norads({"regime": "LEO"})
    low = norads({"perigee_max": 600})
    recent = norads({"epoch_after": "2026-05-01T00:00:00Z"})
    assert leo and low and recent and leo != low
    assert norads({"regime": "LEO", "perigee_max": 600}) == leo & low
    assert norads({"perigee_max": 600, "regime": "LEO"}) == leo & low
    assert norads({"epoch_after": "2026-05-01T00:00:00Z", "regime": "LEO"}) == recent & leo
    assert norads({"regime": "LEO", "perigee_max": 600, "epoch_after": "2026-05-01T00:00:00Z"}) == (
        leo & low & recent
    )
    valid = {
        "norad_cat_id": "25544",
        "object_id": "1998-067A",
        "object_name": "ISS",
        "regime": "LEO",
        "in_leo_protected_region": "true",
        "in_geo_protected_region": "false",
        "epoch_after": "2026-05-01T00:00:00Z",
        "epoch_before": "2026-07-01T00:00:00Z",
        "perigee_min": "100",
        "perigee_max": "600",
    }
    names = list(valid)
    for subset in range(1, 2 ** len(names), 3):  # more sets of filters than are kept
        data = QueryDict(mutable=True)
        data.update({n: valid[n] for bit, n in enumerate(names) if subset >> bit & 1})
        assert ElementSetFilter(data, queryset=ElementSet.objects.none()).is_valid()
    assert len(ElementSetFilter._form_classes) == FORM_CLASSES_KEPT


def test_cursor_pagination_walks_everything_once(api, loaded):
    seen, url, params = [], "/api/v1/elements/", {"page_size": 1000}
    while url:
        body = api.get(url, params).json()
        seen += [r["norad_cat_id"] for r in body["results"]]
        url, params = body["next"], None
    assert len(seen) == len(set(seen)) == 2916


def test_tle_output_propagates_exactly_like_the_source(api, loaded):
    source = _source_tles("celestrak_stations_2026-05-30T2250Z.tle")
    ids = ",".join(str(n) for n in source)
    text = api.get(
        "/api/v1/elements/", {"norad_cat_id": ids, "format": "tle", "page_size": 1000}
    ).content.decode()
    lines = text.strip().splitlines()
    assert len(lines) == 2 * len(source)
    when = datetime(2026, 6, 1, 12, tzinfo=UTC)
    for i in range(0, len(lines), 2):
        ours = Satrec.twoline2rv(lines[i], lines[i + 1])
        theirs = Satrec.twoline2rv(*source[ours.satnum])
        a, b = _position(ours, when), _position(theirs, when)
        assert max(abs(x - y) for x, y in zip(a, b, strict=True)) < 1e-6, ours.satnum


def test_omm_xml_and_3le_are_readable_by_sgp4(api, loaded):
    source = _source_tles("celestrak_geo_2026-05-30T2250Z.tle")
    some = list(source)[:20]
    xml = api.get(
        "/api/v1/elements/", {"norad_cat_id": ",".join(map(str, some)), "format": "xml"}
    ).content
    parsed = list(omm.parse_xml(io.BytesIO(xml)))
    assert len(parsed) == 20
    when = datetime(2026, 6, 2, tzinfo=UTC)
    for fields in parsed:
        sat = Satrec()
        omm.initialize(sat, fields)
        theirs = Satrec.twoline2rv(*source[int(fields["NORAD_CAT_ID"])])
        a, b = _position(sat, when), _position(theirs, when)
        assert max(abs(x - y) for x, y in zip(a, b, strict=True)) < 1e-3
    three = api.get(
        "/api/v1/elements/", {"norad_cat_id": some[0], "format": "3le"}
    ).content.decode()
    name, line1, line2 = three.strip().splitlines()
    assert name.strip() and Satrec.twoline2rv(line1, line2).satnum == some[0]


def test_kvn_and_csv(api, loaded):
    kvn = api.get("/api/v1/elements/", {"norad_cat_id": 25544, "format": "kvn"}).content.decode()
    assert "CCSDS_OMM_VERS = 2.0" in kvn and "NORAD_CAT_ID = 25544" in kvn
    csv_text = api.get(
        "/api/v1/objects/", {"norad_cat_id": 1}, HTTP_ACCEPT="text/csv"
    ).content.decode()
    assert csv_text.splitlines()[0].startswith("norad_cat_id,object_name")


def test_tle_refuses_numbers_that_do_not_fit(api, loaded):
    import orjson

    from apps.datasets.models import Dataset

    elements = Dataset.objects.get(slug="element-sets")
    record = {
        "OBJECT_NAME": "FUTURE SAT",
        "OBJECT_ID": "2026-999A",
        "EPOCH": "2026-05-30T00:00:00",
        "MEAN_MOTION": 15.0,
        "ECCENTRICITY": 0.001,
        "INCLINATION": 53,
        "RA_OF_ASC_NODE": 10,
        "ARG_OF_PERICENTER": 20,
        "MEAN_ANOMALY": 30,
        "NORAD_CAT_ID": 270000001,
    }
    file_load(elements, [(io.BytesIO(orjson.dumps([record])), "omm_json")], full_snapshot=False)
    response = api.get("/api/v1/elements/", {"norad_cat_id": 270000001, "format": "tle"})
    assert response.status_code == 400
    assert "does not fit in a TLE" in response.json()["errors"][0]["messages"][0]
    assert (
        api.get("/api/v1/elements/", {"norad_cat_id": 270000001, "format": "xml"}).status_code
        == 200
    )


def test_etag_gives_304_until_a_new_release(api, loaded):
    first = api.get("/api/v1/elements/", {"norad_cat_id": 25544})
    etag = first["ETag"]
    assert first["Last-Modified"]
    again = api.get("/api/v1/elements/", {"norad_cat_id": 25544}, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and not again.content
    _new_release(loaded[1])
    assert (
        api.get("/api/v1/elements/", {"norad_cat_id": 25544}, HTTP_IF_NONE_MATCH=etag).status_code
        == 200
    )


def _new_release(elements):
    """The stations group as OMM JSON from another day: new element sets for the same objects."""
    data = (FIXTURES / "celestrak_gp_stations_2025-05-25.json").read_bytes()
    return file_load(elements, [(io.BytesIO(data), "omm_json")], full_snapshot=False)


def test_as_of_and_changes_feed(api, loaded):
    result = _new_release(loaded[1])
    assert result.release.number == 2 and result.changed > 0
    now = api.get("/api/v1/elements/", {"norad_cat_id": 25544}).json()["results"][0]
    before = api.get("/api/v1/elements/", {"norad_cat_id": 25544, "as_of": 1}).json()["results"][0]
    assert (now["release"], before["release"]) == (2, 1)
    assert now["epoch"] != before["epoch"]
    history = api.get("/api/v1/elements/", {"norad_cat_id": 25544, "history": "true"}).json()[
        "results"
    ]
    assert sorted(h["release"] for h in history) == [1, 2]
    changes = api.get("/api/v1/elements/changes/", {"since": 1, "page_size": 1000}).json()
    assert changes["release"] == 2
    assert len(changes["results"]) == result.added + result.changed
    assert api.get("/api/v1/elements/changes/", {"since": 2}).json()["results"] == []


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"bogus": "1"}, 400),
        ({"norad_cat_id": "abc"}, 400),
        ({"norad_cat_id": ",".join(str(i) for i in range(1, 1003))}, 400),
        ({"norad_cat_id": "0"}, 400),
        ({"page_size": "-5"}, 400),
        ({"page_size": "100000"}, 400),
        ({"page_size": "ten"}, 400),
        ({"cursor": "not-a-cursor"}, 400),
        ({"as_of": "-1"}, 400),
        ({"as_of": "abc"}, 400),
        ({"as_of": "999"}, 404),
        ({"history": "maybe"}, 400),
        ({"epoch_after": "yesterday"}, 400),
        ({"regime": "LUNAR"}, 400),
        ({"format": "pdf"}, 406),
        ({"dataset": "secret"}, 404),
        ({"perigee_min": "1e999"}, 400),
    ],
)
def test_bad_requests_are_clear_problems(api, loaded, params, status):
    response = api.get("/api/v1/elements/", params)
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]


def test_unknown_accept_header_is_406(api, loaded):
    response = api.get("/api/v1/objects/", HTTP_ACCEPT="application/pdf")
    assert response.status_code == 406


def test_unknown_endpoint_is_a_json_404(api, loaded):
    response = api.get("/api/v1/nothing/")
    assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("url", ["/api/v1/elements/", "/api/v1/objects/"])
def test_query_count_does_not_grow_with_page_size(api, loaded, url):
    counts = []
    for size in (1, 10, 500):
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(url, {"page_size": size}).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] == counts[2]


def test_openapi_schema_and_docs(api, loaded):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert "/api/v1/elements/" in schema["paths"] and all(
        p.startswith("/api/v1/") for p in schema["paths"]
    )
    docs = api.get("/api/docs/")
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()
    assert b"cdn" not in docs.content.lower()  # served locally


def test_restricted_datasets_are_invisible_without_rights(api, loaded):
    from apps.datasets.models import Dataset

    Dataset.objects.filter(slug="element-sets").update(access=Dataset.Access.PARTNERS)
    response = api.get("/api/v1/elements/")
    assert response.status_code == 404
    assert "element-sets" not in [d["slug"] for d in api.get("/api/v1/datasets/").json()["results"]]


def test_ordering_walks_every_page_in_order(api, loaded):
    seen, url, params = [], "/api/v1/elements/", {"ordering": "-perigee_altitude", "page_size": 500}
    while url:
        body = api.get(url, params).json()
        seen += [r["perigee_altitude"] for r in body["results"]]
        url, params = body["next"], None
    assert len(seen) == 2916 and seen == sorted(seen, reverse=True)
    objects = api.get(
        "/api/v1/objects/",
        {
            "object_type": "DEB",
            "decayed": "false",
            "perigee_min": 700,
            "perigee_max": 900,
            "ordering": "perigee",
        },
    ).json()["results"]
    assert objects and [o["perigee"] for o in objects] == sorted(o["perigee"] for o in objects)
    assert api.get("/api/v1/elements/", {"ordering": "owner"}).status_code == 400


def test_objects_known_only_from_element_sets(api, loaded):
    """ISS is not in the SATCAT extract: the catalogue shows what the elements say, no more."""
    iss = api.get("/api/v1/objects/", {"norad_cat_id": 25544}).json()["results"]
    assert len(iss) == 1
    assert (iss[0]["object_name"], iss[0]["object_id"], iss[0]["source"]) == (
        "ISS (ZARYA)",
        "1998-067A",
        "elements",
    )
    assert iss[0]["owner"] is None and iss[0]["launch_date"] is None and iss[0]["rcs"] is None
    sputnik = api.get("/api/v1/objects/", {"norad_cat_id": 2}).json()["results"][0]
    assert sputnik["source"] == "satcat"


def test_a_satcat_snapshot_keeps_objects_known_from_elements(api, loaded):
    from apps.datasets.demo import FIXTURES

    catalogue = loaded[0]
    data = (FIXTURES / "celestrak_satcat_extract_2026-07-03.csv").read_bytes()
    lines = data.split(b"\r\n")
    smaller = b"\r\n".join(lines[:-10])  # the same extract without its last rows
    result = file_load(catalogue, [(io.BytesIO(smaller), "satcat_csv")])
    assert result.withdrawn == 9  # the SATCAT rows dropped, not the derived objects
    assert api.get("/api/v1/objects/", {"norad_cat_id": 25544}).json()["results"]
