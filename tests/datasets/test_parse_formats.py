"""OMM XML and streaming JSON parsing: real data round-trips, hostile payloads are refused."""

import io

import pytest

from apps.api.export import release_rows
from apps.api.renderers import OMMXMLRenderer
from apps.datasets.ingest.apply import file_load
from apps.datasets.ingest.parse import PayloadError, parse_omm_json, parse_omm_xml
from apps.datasets.models import Dataset, ElementSet

pytestmark = pytest.mark.django_db
STATIONS = "gp_json/celestrak_gp_stations_2025-05-25.json"
FIELDS = ["norad_cat_id", "object_name", "object_id", "epoch", "mean_motion", "eccentricity"]


def test_omm_xml_loads_the_same_elements_as_the_json_it_came_from(datasets, real):
    _catalogue, elements = datasets
    first = file_load(elements, [((real / STATIONS).open("rb"), "omm_json")])
    xml = OMMXMLRenderer().render(list(release_rows(elements, first.release)))
    copy = Dataset.objects.create(
        slug="xml-copy",
        kind=Dataset.Kind.ELEMENT_SETS,
        title={"en": "copy"},
        publisher=elements.publisher,
        licence_name="x",
    )
    second = file_load(copy, [(io.BytesIO(xml), "omm_xml")])
    assert second.rejected_count == 0
    assert second.added == first.added

    def values(dataset):
        return list(
            ElementSet.objects.filter(dataset=dataset).order_by("norad_cat_id").values(*FIELDS)
        )

    assert values(copy) == values(elements)


@pytest.mark.parametrize(
    "body",
    [
        # billion laughs
        b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        b"<ndm><omm><OBJECT_NAME>&b;</OBJECT_NAME></omm></ndm>",
        # external entity
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b"<ndm><omm><OBJECT_NAME>&e;</OBJECT_NAME></omm></ndm>",
        b"<ndm><omm><OBJECT_NAME>cut",
        b"not xml at all",
        b"<ndm></ndm>",
    ],
)
def test_hostile_or_broken_xml_is_refused_as_a_whole(body):
    with pytest.raises(PayloadError):
        list(parse_omm_xml(io.BytesIO(body)))


@pytest.mark.parametrize("body", [b"{}", b'{"a": 1}', b"[{]", b"[1, 2", b"", b"   ", b"\xff\xfe[]"])
def test_json_that_is_not_an_array_of_objects_is_refused(body):
    with pytest.raises(PayloadError):
        list(parse_omm_json(io.BytesIO(body)))


def test_json_array_items_that_are_not_objects_are_single_rejections():
    parsed = list(parse_omm_json(io.BytesIO(b' [{"NORAD_CAT_ID": 5}, 7, "x"]')))
    assert parsed[0] == (1, {"norad_cat_id": 5})
    assert [p for p, raw in parsed if "_error" in raw] == [2, 3]


TRICKY_JSON = [
    # "}," inside strings, escaped quotes, nested objects, pretty-printed layout, other items
    b'[{"OBJECT_NAME": "A},{B", "X": 1}, {"OBJECT_NAME": "Q\\"},{\\"", "Y": [1, {"z": 2}]},'
    b' {"N": {"deep": {"er": 1}}, "M": "}"}, 7, "s", {"LAST": true}]',
    b'[\n  {\n    "A": 1\n  },\n  {\n    "B": "x\\\\"\n  }\n]\n',
    b'[{"A":1}\n,\n{"B":2}]',
]


@pytest.mark.parametrize("block", [1, 5, 16, 64, 4096])
@pytest.mark.parametrize("body", TRICKY_JSON)
def test_json_read_in_blocks_gives_every_object_whatever_the_cuts(monkeypatch, body, block):
    """Blocks are cut at their last "},"; a cut inside a string or a nested object is refused
    by orjson and the rest is read by ijson: the objects and positions are the same."""
    import ijson

    from apps.datasets.ingest import parse

    monkeypatch.setattr(parse, "JSON_BLOCK", block)
    expected = [
        {k.lower(): v for k, v in item.items()} if isinstance(item, dict) else "error"
        for item in ijson.items(io.BytesIO(body), "item", use_float=True)
    ]
    parsed = [
        (position, "error" if "_error" in raw else raw)
        for position, raw in parse_omm_json(io.BytesIO(body))
    ]
    assert parsed == list(enumerate(expected, start=1))


@pytest.mark.parametrize("block", [3, 4096])
@pytest.mark.parametrize(
    "body", [b'[{"A": 1},]', b'[{"A": 1}, ]', b'[{"A": 1}] trailing', b'[{"A": 1},,{"B": 2}]']
)
def test_json_with_a_broken_end_or_middle_is_refused_read_in_blocks(monkeypatch, body, block):
    from apps.datasets.ingest import parse

    monkeypatch.setattr(parse, "JSON_BLOCK", block)
    with pytest.raises(PayloadError):
        list(parse_omm_json(io.BytesIO(body)))


def test_real_gp_json_is_read_the_same_in_small_blocks(monkeypatch, real):
    from apps.datasets.ingest import parse

    body = (real / STATIONS).read_bytes()
    whole = list(parse_omm_json(io.BytesIO(body)))
    monkeypatch.setattr(parse, "JSON_BLOCK", 700)
    assert list(parse_omm_json(io.BytesIO(body))) == whole
    assert len(whole) > 10 and whole[0][1]["norad_cat_id"] == 25544
