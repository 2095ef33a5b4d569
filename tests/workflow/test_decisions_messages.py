"""What a refused decision or relocation says, word for word in both languages, and that nothing
changed: the places China's rules refuse, a closed station, every broken rule joined, the default
language. Positions placed by pyproj.Geod.fwd from the small registry's sites.

Written to kill the mutants `bench/mutation.py` found surviving in planner/workflow/decisions.py."""

from __future__ import annotations

import pytest

from planner.errors import ConflictError, UsageError
from planner.registry.tables import history, read_table
from planner.rules.profiles import load_profile
from planner.rules.region import Region
from planner.spatial.compared import compared_metres
from planner.spatial.geodesic import GEOD
from planner.workflow.decisions import (
    decide,
    relocate_station,
    relocation_target,
    update_facts,
)
from tests.check_support import SITES, offset
from tests.decision_support import A, load_pair, load_waiting_at

YIWU = load_profile("yiwu")
MIANYANG = load_profile("mianyang")  # survey rules too: floor area at least 10 m², signage, line


def _refusal(caught) -> tuple[str, str]:
    return caught.value.message("en"), caught.value.message("zh")


@pytest.mark.parametrize(("lon", "lat", "en", "zh"), [
    (2.35, 48.85, "position (2.350000, 48.850000) is outside China", "位置（2.350000，48.850000）不在中国境内"),
    (40.0, 80.0, "longitude and latitude look swapped (40.0, 80.0)", "经度与纬度似乎填反了（40.0，80.0）"),
])
def test_relocation_target_refuses_in_both_languages(lon, lat, en, zh):
    with pytest.raises(UsageError) as caught:
        relocation_target(lon, lat, Region())  # the region of an empty registry: China's
    assert _refusal(caught) == (en, zh)
    assert relocation_target(116.4, 39.9, Region()) == (116.4, 39.9)


def test_a_closed_station_cannot_move(engine, tmp_path):
    load_pair(engine, tmp_path)
    with pytest.raises(ConflictError) as caught:
        relocate_station(engine, "S2", *offset("S2", 1000, 0), actor="alice", profile=YIWU)
    assert _refusal(caught) == ("S2 is closed and cannot move", "S2 已关闭，不能迁址")
    assert len(history(engine, "stations", "S2")) == 1  # only its import


def _metres(a, b) -> float:
    return compared_metres(GEOD.inv(*a, *b)[2])


def test_a_relocation_names_every_broken_rule_in_the_default_language(engine, tmp_path):
    # E, approved 600 m east of outlet O1, is an existing station; the new place is 499.99 m from O1
    # (towards 60°) and about 300 m from E: both rules break.
    e = offset("O1", 600, 90)
    load_waiting_at(engine, tmp_path, {"E": e})
    decide(engine, "E", "approve", "勘察合格", actor="alice", profile=YIWU)
    target = offset("O1", 499.99, 60)
    to_e = _metres(target, e)
    with pytest.raises(ConflictError) as caught:
        relocate_station(engine, "S1", *target, actor="alice", profile=YIWU)  # no note: none is needed
    reasons_zh = f"距邮政网点 O1 499.99 米，不足 500 米；距已有便民服务站 E {to_e:.2f} 米，不足 500 米"
    assert _refusal(caught) == ("S1 cannot move there: " + reasons_zh.replace("；", "; "),
                                "S1 不能迁至该位置：" + reasons_zh)
    assert read_table(engine, "stations", codes=["S1"]).geometry.iloc[0].coords[0] == SITES["S1"]
    before = read_table(engine, "stations", codes=["S1"])["updated_at"].iloc[0]
    lon, lat = offset("O1", 2000, 0)
    verdict = relocate_station(engine, "S1", lon, lat, actor="alice", profile=YIWU)
    changes = history(engine, "stations", "S1")[-1]["changes"]
    assert (verdict.verdict, sorted(changes), changes["note"], changes["profile"]) == (
        "pass", ["geom", "note", "profile", "verdict"], "", "yiwu")
    assert changes["geom"] == [f"POINT ({SITES['S1'][0]} {SITES['S1'][1]})", f"POINT ({lon} {lat})"]
    assert changes["verdict"] == verdict.as_dict()
    assert read_table(engine, "stations", codes=["S1"])["updated_at"].iloc[0] != before


def test_an_approval_names_every_broken_rule_and_changes_nothing(engine, tmp_path):
    near = MIANYANG.min_outlet_distance_m - 0.01
    load_waiting_at(engine, tmp_path, {"E": offset("O1", near, 140)})
    update_facts(engine, "E", {"area_m2": "5"}, actor="alice")
    before = history(engine, "candidates", "E")
    with pytest.raises(ConflictError) as caught:
        decide(engine, "E", "approve", "勘察合格", actor="alice", profile=MIANYANG)
    minimum = MIANYANG.min_outlet_distance_m
    reasons_zh = f"距邮政网点 O1 {near:.2f} 米，不足 {minimum:g} 米；营业面积（平方米） 5，低于要求的 10"
    assert _refusal(caught) == ("E cannot be approved now: " + reasons_zh.replace("；", "; "),
                                "E 现在不能批准：" + reasons_zh)
    assert history(engine, "candidates", "E") == before
    assert read_table(engine, "candidates", codes=["E"])["status"].iloc[0] == "surveyed"


def test_unknown_decisions_and_long_notes_are_refused(engine, tmp_path):
    load_pair(engine, tmp_path)
    with pytest.raises(UsageError) as caught:
        decide(engine, "A", "maybe", "x", actor="alice", profile=YIWU)
    assert _refusal(caught) == ("unknown decision 'maybe': use approve, reject, needs_info", "未知决定 'maybe'")
    with pytest.raises(UsageError) as caught:
        decide(engine, "A", "reject", "x" * 2001, actor="alice", profile=YIWU)
    assert _refusal(caught) == ("the note is longer than 2000 characters", "说明超过 2000 个字符")
    result = decide(engine, "A", "approve", "x" * 2000, actor="alice", profile=YIWU)
    assert (result.code, result.status, result.verdict.verdict) == ("A", "approved", "pass")
    assert result.verdict.as_dict()["lon"] == pytest.approx(A[0], abs=1e-9)


def test_an_approval_refuses_a_stored_position_the_rules_no_longer_accept(engine, tmp_path):
    from sqlalchemy import text

    load_pair(engine, tmp_path)
    with engine.begin() as conn:  # stored before the position rules held
        conn.execute(text("UPDATE candidates SET geom = ST_GeomFromText('POINT(200 40)', 4326) WHERE code = 'A'"))
    with pytest.raises(ConflictError) as caught:
        decide(engine, "A", "approve", "勘察合格", actor="alice", profile=YIWU)
    assert _refusal(caught) == (
        "A has an unusable stored position: (200.0, 40.0) is not a longitude/latitude in degrees "
        "(longitude -180…180, latitude -90…90); import it again",
        "A 的已存位置不可用：(200.0, 40.0) 不是以度为单位的经纬度（经度 -180…180，纬度 -90…90）；请重新导入")


def test_a_decision_stores_its_note_and_records_status_and_profile(engine, tmp_path):
    load_pair(engine, tmp_path)
    before = read_table(engine, "candidates", codes=["B"])["updated_at"].iloc[0]
    decide(engine, "B", "reject", "店主放弃", actor="alice", profile=YIWU)
    row = read_table(engine, "candidates", codes=["B"]).iloc[0]
    assert (row["status"], row["note"]) == ("rejected", "店主放弃") and row["updated_at"] != before
    assert history(engine, "candidates", "B")[-1]["changes"] == {
        "status": ["submitted", "rejected"], "note": "店主放弃", "profile": "yiwu"}
