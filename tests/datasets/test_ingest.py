import io
import math
import time
from pathlib import Path

import orjson
import pytest
from django.db import connection
from sgp4.api import Satrec

from apps.datasets.ingest.apply import file_load
from apps.datasets.models import ElementSet, Release, SpaceObject

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parents[2] / "apps" / "datasets" / "fixtures" / "real"

ISS_TLE = (
    "ISS (ZARYA)\n"
    "1 25544U 98067A   26150.51748228  .00011776  00000+0  21767-3 0  9998\n"
    "2 25544  51.6337  27.5746 0007245 114.7080 245.4664 15.49496548569014\n"
)


def _load(dataset, text: str | bytes, fmt: str, **kwargs):
    data = text.encode() if isinstance(text, str) else text
    return file_load(dataset, [(io.BytesIO(data), fmt)], **kwargs)


def test_satcat_extract_loads_with_unknowns_left_empty(datasets, real):
    catalogue, _ = datasets
    data = (real / "satcat" / "celestrak_satcat_extract_2026-07-03.csv").read_bytes()
    result = _load(catalogue, data, "satcat_csv")
    assert (result.received, result.valid, len(result.rejected)) == (507, 507, 0)
    assert result.release.number == 1 and result.release.record_count == 507
    sputnik = SpaceObject.objects.get(norad_cat_id=2)
    assert (
        sputnik.object_name,
        sputnik.object_id,
        sputnik.rcs,
        sputnik.decay_date.isoformat(),
    ) == (
        "SPUTNIK 1",
        "1957-001B",
        None,
        "1958-01-03",
    )


def test_element_sets_are_derived_with_sgp4(datasets):
    _, elements = datasets
    _load(elements, ISS_TLE, "tle")
    iss = ElementSet.objects.get(norad_cat_id=25544)
    sat = Satrec.twoline2rv(*ISS_TLE.splitlines()[1:])
    assert iss.object_id == "1998-067A" and iss.object_name == "ISS (ZARYA)"
    assert math.isclose(iss.mean_motion, 15.49496548, rel_tol=1e-9)
    assert math.isclose(iss.semimajor_axis, sat.a * sat.radiusearthkm, rel_tol=1e-6)
    assert 400 < iss.perigee_altitude < iss.apogee_altitude < 440
    assert (iss.regime, iss.in_leo_protected_region, iss.in_geo_protected_region) == (
        "LEO",
        True,
        False,
    )
    assert iss.epoch.isoformat().startswith("2026-05-30T12:25")


def test_all_real_element_files_validate(datasets, real):
    _, elements = datasets
    streams = [(p.open("rb"), "tle") for p in sorted((real / "tle").glob("*.tle"))]
    result = file_load(elements, streams)
    # Every record is valid; the only rejections are objects listed in two CelesTrak groups.
    assert {r.reason for r in result.rejected} == {"duplicate of an earlier record in this payload"}
    assert result.added == len({r.norad_cat_id for r in ElementSet.objects.all()})
    regimes = set(ElementSet.objects.values_list("regime", flat=True))
    assert regimes == {"LEO", "MEO", "GEO", "HEO"}
    geo = ElementSet.objects.filter(regime="GEO", in_geo_protected_region=True).count()
    assert geo > 400


def test_unchanged_payload_writes_nothing_and_changes_make_a_release(datasets):
    _, elements = datasets
    first = _load(elements, ISS_TLE, "tle")
    again = _load(elements, ISS_TLE, "tle")
    assert again.release is None and again.unchanged == 1
    assert Release.objects.filter(dataset=elements).count() == 1
    newer = ISS_TLE.replace("26150.51748228", "26151.51748228").replace("0  9998", "0  9999")
    changed = _load(elements, newer, "tle")
    assert changed.release.number == 2 and changed.changed == 1
    versions = ElementSet.objects.filter(norad_cat_id=25544).order_by("appeared_in__number")
    assert [v.superseded_in_id for v in versions] == [changed.release.pk, None]
    assert first.release.pk == versions[0].appeared_in_id


def test_full_snapshot_withdraws_and_incremental_keeps(datasets):
    _, elements = datasets
    two = ISS_TLE + (
        "POISK\n"
        "1 36086U 09060A   26150.51748228  .00011776  00000+0  21767-3 0  9996\n"
        "2 36086  51.6337  27.5746 0007245 114.7080 245.4664 15.49496548568993\n"
    )
    _load(elements, two, "tle")
    incremental = _load(elements, ISS_TLE, "tle", full_snapshot=False)
    assert incremental.release is None and incremental.withdrawn == 0
    snapshot = _load(elements, ISS_TLE, "tle")
    assert snapshot.withdrawn == 1 and snapshot.release.record_count == 1
    assert ElementSet.objects.get(norad_cat_id=36086).superseded_in == snapshot.release


@pytest.mark.parametrize(
    ("mutation", "field"),
    [
        (lambda t: t.replace("0  9998", "0  9997"), "tle_line1"),  # checksum
        (lambda t: t.replace("0007245", "0007246"), "tle_line2"),  # checksum
        (lambda t: t.replace("2 25544", "2 25545"), "tle_line2"),
        (lambda t: t.rsplit("\n", 2)[0] + "\n", "record"),  # line 2 missing
    ],
)
def test_bad_tles_are_rejected_with_reasons(datasets, mutation, field):
    _, elements = datasets
    result = _load(elements, mutation(ISS_TLE), "tle")
    assert [r.field for r in result.rejected] == [field]
    assert result.release is None and ElementSet.objects.count() == 0


def _with_checksum(line: str) -> str:
    body = line[:68]
    total = body.count("-") + sum(int(c) for c in body if c in "0123456789")
    return body + str(total % 10)


@pytest.mark.parametrize(
    ("start", "text", "reason"),
    [
        (18, "ab", "unreadable"),  # epoch year
        (20, "9999999999.9", "unreadable"),  # epoch day past any calendar
        (20, "nan         ", "unreadable"),
        (9, "XX067A  ", "unreadable"),  # launch year of the designator
        (2, "33.20", "not a catalogue number"),
        (2, "3456 ", "not a catalogue number"),
        (2, "I0001", "not a catalogue number"),  # Alpha-5 skips I and O
    ],
)
def test_hostile_tle_fields_are_rejections_not_crashes(datasets, start, text, reason):
    """Each line keeps a valid checksum, so only reading the field can refuse it."""
    _, elements = datasets
    name, line1, line2 = ISS_TLE.splitlines()
    line1 = _with_checksum(line1[:start] + text + line1[start + len(text) :])
    if start == 2:
        line2 = _with_checksum(line2[:2] + text + line2[7:])
    result = _load(elements, f"{name}\n{line1}\n{line2}\n", "tle")
    assert [r.field for r in result.rejected] == ["tle_line1"]
    assert reason in result.rejected[0].reason
    assert result.release is None and ElementSet.objects.count() == 0


def test_alpha_5_catalogue_numbers_are_read(datasets):
    _, elements = datasets
    name, line1, line2 = ISS_TLE.splitlines()
    line1 = _with_checksum(line1[:2] + "A0001" + line1[7:])
    line2 = _with_checksum(line2[:2] + "A0001" + line2[7:])
    result = _load(elements, f"{name}\n{line1}\n{line2}\n", "tle")
    assert result.rejected == [] and ElementSet.objects.get().norad_cat_id == 100_001


@pytest.mark.parametrize(
    ("key", "value", "field"),
    [
        ("ECCENTRICITY", 1.5, "eccentricity"),
        ("INCLINATION", 181, "inclination"),
        ("MEAN_MOTION", 0, "mean_motion"),
        ("MEAN_MOTION", "fast", "mean_motion"),
        ("EPOCH", "1900-01-01T00:00:00", "epoch"),
        ("EPOCH", "yesterday", "epoch"),
        ("NORAD_CAT_ID", 1_000_000_000, "norad_cat_id"),
        ("NORAD_CAT_ID", "abc", "norad_cat_id"),
        ("OBJECT_ID", "ISS", "object_id"),
        ("MEAN_MOTION", "NaN", "mean_motion"),
        ("BSTAR", "-Infinity", "bstar"),
        # Beyond what the columns hold: a rejection, not a failed COPY.
        ("EPHEMERIS_TYPE", -1, "ephemeris_type"),
        ("ELEMENT_SET_NO", 10**12, "element_set_no"),
        ("REV_AT_EPOCH", 2**31, "rev_at_epoch"),
    ],
)
def test_bad_omm_values_are_rejected_and_good_ones_kept(datasets, real, key, value, field):
    import orjson

    _, elements = datasets
    records = orjson.loads(
        (real / "gp_json" / "celestrak_gp_stations_2025-05-25.json").read_bytes()
    )
    records[0][key] = value
    result = _load(elements, orjson.dumps(records), "omm_json")
    assert [(r.position, r.field) for r in result.rejected] == [(1, field)]
    assert result.valid == len(records) - 1
    assert result.received == result.valid + len(result.rejected)
    assert result.valid == result.added + result.changed + result.unchanged


def test_nine_digit_catalogue_numbers(datasets, real):
    import orjson

    _, elements = datasets
    records = orjson.loads(
        (real / "gp_json" / "celestrak_gp_stations_2025-05-25.json").read_bytes()
    )[:1]
    records[0]["NORAD_CAT_ID"] = 270_000_123
    _load(elements, orjson.dumps(records), "omm_json")
    assert ElementSet.objects.get().norad_cat_id == 270_000_123


def test_duplicates_inside_one_payload(datasets):
    _, elements = datasets
    result = _load(elements, ISS_TLE + ISS_TLE, "tle")
    assert [(r.field, r.reason) for r in result.rejected] == [
        ("norad_cat_id", "duplicate of an earlier record in this payload")
    ]


def test_a_repeat_of_an_accepted_number_is_a_duplicate_and_a_repeat_of_a_rejected_one_is_not(
    datasets, real
):
    """Repeats are spotted before validation, by the catalogue number as the record gives it;
    a number is only taken once a record with it has been accepted."""
    _, elements = datasets
    broken_line2 = ISS_TLE.splitlines()[2][:-1] + "0"  # wrong checksum
    broken = "\n".join([*ISS_TLE.splitlines()[:2], broken_line2]) + "\n"
    result = _load(elements, broken + ISS_TLE + broken, "tle")
    assert [(r.position, r.field, r.reason) for r in result.rejected] == [
        (2, "tle_line2", "checksum does not match"),  # positions are line numbers
        (8, "norad_cat_id", "duplicate of an earlier record in this payload"),
    ]
    assert result.added == 1
    # In OMM, numbers as JSON numbers or as text are the same catalogue number.
    first = orjson.loads((real / "gp_json" / "celestrak_gp_stations_2025-05-25.json").read_bytes())[
        0
    ]
    records = [{**first, "NORAD_CAT_ID": value} for value in (25544, "25544", " 25544 ")]
    result = _load(elements, orjson.dumps(records), "omm_json")
    assert [r.reason for r in result.rejected] == [
        "duplicate of an earlier record in this payload"
    ] * 2


@pytest.mark.parametrize("payload", [b"{}", b"not json", b"[1, 2]", b"\xff\xfe"])
def test_malformed_json(datasets, payload):
    _, elements = datasets
    try:
        result = _load(elements, payload, "omm_json")
    except ValueError:
        assert ElementSet.objects.count() == 0
        return
    assert result.release is None and len(result.rejected) == result.received


def test_load_dataset_command(datasets, real, capsys):
    from django.core.management import call_command

    files = [str(p) for p in sorted((real / "tle").glob("*debris*"))]
    call_command("load_dataset", "element-sets", *files, no_progress=True)
    call_command("load_dataset", "element-sets", *files, no_progress=True)
    out = capsys.readouterr().out.splitlines()
    assert "added 1380" in out[0] and "release 1" in out[0]
    assert "unchanged 1380" in out[1] and "no change" in out[1]


def test_an_unchanged_record_is_recognised_by_its_raw_hash_without_validating_again(
    datasets, real, monkeypatch
):
    import orjson

    from apps.datasets.ingest import records as stage

    _, elements = datasets
    records = orjson.loads(
        (real / "gp_json" / "celestrak_gp_stations_2025-05-25.json").read_bytes()
    )
    first = _load(elements, orjson.dumps(records), "omm_json")
    validated = []
    real_clean = stage.elements_clean
    monkeypatch.setattr(
        stage, "elements_clean", lambda raw: validated.append(raw) or real_clean(raw)
    )
    records[0]["MEAN_MOTION"] += 0.0001
    again = _load(elements, orjson.dumps(records), "omm_json")
    assert len(validated) == 1  # only the changed record went through validation
    assert (again.changed, again.unchanged) == (1, first.added - 1)
    assert again.release.number == first.release.number + 1
    # New validation rules: every record is checked again.
    monkeypatch.setattr(stage, "RULES_VERSION", b"rules-test:")
    validated.clear()
    third = _load(elements, orjson.dumps(records), "omm_json")
    assert len(validated) == len(records) and third.release is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="ANALYZE is PostgreSQL's")
def test_a_big_release_asks_a_worker_for_fresh_statistics(
    datasets, monkeypatch, django_capture_on_commit_callbacks
):
    from apps.datasets.ingest import apply

    _, elements = datasets
    monkeypatch.setattr(apply, "ANALYZE_AFTER", 10**9)
    with django_capture_on_commit_callbacks() as small:
        _load(elements, (FIXTURES / "celestrak_science_2026-05-30T2250Z.tle").read_bytes(), "tle")
    monkeypatch.setattr(apply, "ANALYZE_AFTER", 1)
    with django_capture_on_commit_callbacks(execute=True) as big:  # queued for a worker
        _load(elements, (FIXTURES / "celestrak_geo_2026-05-30T2250Z.tle").read_bytes(), "tle")
    # Each release queues its download files; the big ones (the elements and the objects they
    # added to the catalogue) also queue fresh statistics.
    assert (len(small), len(big)) == (2, 4)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="ANALYZE is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_statistics_refresh_analyzes_record_tables_only():
    from apps.datasets.tasks import statistics_refresh

    def analyzed() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT analyze_count FROM pg_stat_user_tables WHERE relname = %s",
                ["datasets_elementset"],
            )
            return cursor.fetchone()[0]

    before = analyzed()
    statistics_refresh("datasets_elementset")
    statistics_refresh("auth_user; DROP TABLE datasets_release")  # not a record table: ignored
    deadline = time.monotonic() + 5  # the statistics collector reports with a short delay
    while analyzed() == before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert analyzed() == before + 1
    assert Release.objects.count() == 0  # the table is still there


def test_an_integer_past_the_range_of_floats_is_a_rejection(real):
    """No parser here yields one today (orjson reads it as a float, ijson refuses it), but the
    checks must not depend on that."""
    from apps.datasets.ingest.rejections import Invalid
    from apps.datasets.ingest.validate import elements_clean

    raw = orjson.loads((real / "gp_json" / "celestrak_gp_stations_2025-05-25.json").read_bytes())[0]
    record = {key.lower(): value for key, value in raw.items()}
    with pytest.raises(Invalid) as refused:
        elements_clean({**record, "bstar": 10**400})
    assert refused.value.field == "bstar" and "not a number" in refused.value.reason
