"""A relocation passes the batch check's region rule, word for word, on both backends: in a registry in
China no station moves to Helsinki or far out of the district; in a registry in Helsinki a station moves
within the city but not to China. A move inside the district still works, and a refused one changes nothing."""

from __future__ import annotations

import pytest

from planner.check.batch import check_file
from planner.errors import UsageError
from planner.registry.tables import history, read_table
from planner.rules.profiles import load_profile
from planner.rules.reasons import reason
from planner.workflow.decisions import relocate_station
from tests.abroad_support import HELSINKI, SHANGHAI, load_helsinki
from tests.abroad_support import SITES as HELSINKI_SITES
from tests.check_support import SITES, offset
from tests.decision_support import load_pair
from tests.geometry_files import GOOD, write_points

YIWU = load_profile("yiwu")


def _place(engine, code):
    point = read_table(engine, "stations", codes=[code]).geometry.iloc[0]
    return point.x, point.y


def _batch_reasons(engine, tmp_path, lang, *points):
    listed = write_points(tmp_path / f"list_{lang}.csv", list(points))
    return check_file(listed, engine, YIWU, lang=lang).added["reasons"].tolist()


def _refusal(engine, code, place):
    with pytest.raises(UsageError) as caught:
        relocate_station(engine, code, *place, actor="alice", profile=YIWU)
    return [caught.value.message("en"), caught.value.message("zh")]


def test_a_registry_in_china_refuses_a_move_abroad_or_out_of_its_district(engine, tmp_path):
    load_pair(engine, tmp_path)
    events = len(history(engine, "stations", "S1"))
    for place, key, values in ((HELSINKI, "outside_china", {"lon": HELSINKI[0], "lat": HELSINKI[1]}),
                               (SHANGHAI, "outside_region", {"km": 1})):
        said = _refusal(engine, "S1", place)
        assert said == [reason(key, "en", **values), reason(key, "zh", **values)]
        assert said == [_batch_reasons(engine, tmp_path, lang, place)[0] for lang in ("en", "zh")]
    assert _place(engine, "S1") == SITES["S1"] and len(history(engine, "stations", "S1")) == events


def test_a_move_inside_the_district_still_works(engine, tmp_path):
    load_pair(engine, tmp_path)
    verdict = relocate_station(engine, "S1", *GOOD, actor="alice", profile=YIWU)
    assert verdict.verdict == "pass" and _place(engine, "S1") == GOOD


def test_a_registry_in_helsinki_moves_a_station_in_the_city_but_not_to_china(engine, tmp_path):
    load_helsinki(engine, tmp_path)
    beijing = GOOD
    said = _refusal(engine, "HS1", beijing)
    assert said == [reason("outside_region", "en", km=1), reason("outside_region", "zh", km=1)]  # not "outside China"
    assert said[0] == _batch_reasons(engine, tmp_path, "en", beijing)[0]
    assert _place(engine, "HS1") == HELSINKI_SITES["HS1"]
    target = offset(HELSINKI, 100, 200)
    verdict = relocate_station(engine, "HS1", *target, actor="alice", profile=YIWU)
    assert verdict.verdict == "pass" and verdict.nearest_outlet[0] == "HO1"
    assert _place(engine, "HS1") == target
