"""The batch check on foot (heilongjiang profile) against a hand-made network on both backends
(tests.walking_support: a river with one bridge, an island road); every figure is worked out by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from planner.check.batch import check_file
from planner.errors import UsageError
from planner.registry.roads import read_road_segments, replace_road_network
from planner.rules.profiles import load_profile
from tests.check_support import HEADERS, row, write_list
from tests.roads.road_support import at, metres, road_segments
from tests.walking_support import NODES, SEGMENTS, load_river_registry

APPLICANTS = {  # id: position (metres east, north)
    "A1": (5, 0), "A2": (0, -500), "A3": (0, -600), "A4": (400, 300), "A5": (125, -300),
    "A6": (120, -800), "A7": (125, -650), "A8": (5, 300), "A9": (115, 300), "R1": (0, -1000),
}


def _load(engine, tmp_path):
    load_river_registry(engine, tmp_path)


@pytest.fixture
def checked(engine, tmp_path):
    _load(engine, tmp_path)
    rows = [row(code, at(*place)) for code, place in APPLICANTS.items()]
    result = check_file(write_list(tmp_path / "list.csv", rows), engine, load_profile("heilongjiang"), lang="zh")
    return result.added.set_index(result.applicants.ids)


def test_the_network_is_stored_and_read_back(engine, tmp_path):
    _load(engine, tmp_path)
    back = read_road_segments(engine)
    given = road_segments(NODES, SEGMENTS)
    assert back.edges == len(SEGMENTS)
    assert (back.u == given.u).all() and (back.v == given.v).all()
    assert abs(back.node_lon - given.node_lon).max() < 1e-8
    assert abs(back.node_lat - given.node_lat).max() < 1e-8


def test_across_the_river_an_outlet_120_m_away_is_1130_m_on_foot(checked):
    a1 = checked.loc["A1"]
    assert a1["verdict"] == "pass", a1["reasons"]
    assert a1["nearest_outlet_id"] == "O1"
    assert a1["nearest_outlet_m"] == pytest.approx(1130, abs=1)
    assert a1["nearest_outlet_straight_m"] == pytest.approx(120, abs=0.5)
    assert a1["nearest_station_m"] == pytest.approx(5 + 700, abs=0.1)


def test_a_threshold_met_exactly_passes_and_one_below_fails(checked):
    a2, a3 = checked.loc["A2"], checked.loc["A3"]
    assert a2["nearest_station_id"] == "S1"
    assert a2["nearest_station_m"] == pytest.approx(200, abs=0.005)
    assert a2["verdict"] == "pass", a2["reasons"]  # 200 米以上 includes 200
    assert a3["verdict"] == "fail"
    assert a3["reasons"] == "距已有便民服务站 S1 步行 100.00 米，不足 200 米"


def test_far_from_every_road_is_an_error_saying_how_far(checked):
    a4 = checked.loc["A4"]
    position, road = at(*APPLICANTS["A4"]), at(120, 0)  # the east road runs along one meridian
    expected = metres(position, (road[0], position[1]))
    assert expected == pytest.approx(280, abs=0.05)
    assert a4["verdict"] == "error"
    assert a4["reasons"] == f"最近的可步行道路在 {expected:.2f} 米外，超过允许的 200 米：请核对位置或路网"


def test_a_station_on_another_part_of_the_network_is_reported(checked):
    a5 = checked.loc["A5"]
    assert a5["verdict"] == "fail"
    straight = metres(at(*APPLICANTS["A5"]), at(300, -300))
    assert straight == pytest.approx(175, abs=0.05)
    assert a5["reasons"] == (f"已有便民服务站 S2 直线距离 {straight:.2f} 米，但在路网上步行不可达（路网可能缺少连接），"
                             "不足 200 米")
    assert a5["nearest_station_straight_m"] == pytest.approx(straight, abs=0.005)


def test_applicants_of_one_list_conflict_on_foot_not_across_the_river(checked):
    assert checked.loc["A6", "conflicts_with"] == "A7"
    assert checked.loc["A7", "conflicts_with"] == "A6"
    assert {checked.loc["A6", "verdict"], checked.loc["A7", "verdict"]} == {"pass", "fail"}
    loser = "A6" if checked.loc["A6", "verdict"] == "fail" else "A7"
    assert "步行相距 155.00 米" in checked.loc[loser, "reasons"]
    # 110 m apart in a straight line, 530 m on foot: no conflict, and A9 is 310 m on foot from O1.
    assert checked.loc["A8", "conflicts_with"] == "" and checked.loc["A9", "conflicts_with"] == ""
    assert checked.loc["A9", "verdict"] == "pass", checked.loc["A9", "reasons"]
    assert checked.loc["A9", "nearest_outlet_m"] == pytest.approx(310, abs=0.5)


def test_an_approved_applicant_is_not_its_own_neighbour(checked):
    r1 = checked.loc["R1"]
    assert r1["nearest_station_id"] == "S1"
    assert r1["nearest_station_m"] == pytest.approx(300, abs=0.01)
    assert r1["verdict"] == "pass", r1["reasons"]


def test_walking_is_never_shorter_than_straight(checked):
    for kind in ("outlet", "station"):
        both = checked[[f"nearest_{kind}_m", f"nearest_{kind}_straight_m"]].dropna()
        assert (both.iloc[:, 0] >= both.iloc[:, 1] - 0.01).all()


def test_the_straight_columns_follow_the_interface_columns(checked):
    columns = list(checked.columns)
    assert columns[-2:] == ["nearest_outlet_straight_m", "nearest_station_straight_m"]
    assert columns.index("lat_wgs84") == len(columns) - 3


def test_without_a_network_the_walking_profile_says_how_to_load_one(engine, tmp_path):
    path = write_list(tmp_path / "list.csv", [row("A1", at(5, 0))])
    with pytest.raises(UsageError, match="planner import network"):
        check_file(path, engine, load_profile("heilongjiang"))


def test_a_reimport_replaces_the_network(engine, tmp_path):
    _load(engine, tmp_path)
    replace_road_network(engine, road_segments(NODES[:2], [(0, 1)]), actor="test")
    assert read_road_segments(engine).edges == 1


def test_straight_profiles_are_unchanged_by_a_network(engine, tmp_path):
    _load(engine, tmp_path)
    rows = [row(code, at(*place)) for code, place in APPLICANTS.items()]
    result = check_file(write_list(tmp_path / "list.csv", rows), engine, load_profile("yiwu"), lang="zh")
    assert "nearest_outlet_straight_m" not in result.added.columns
    a1 = result.added.set_index(result.applicants.ids).loc["A1"]
    assert a1["nearest_outlet_m"] == pytest.approx(metres(at(5, 0), at(125, 0)), abs=0.01)
    assert not pd.isna(a1["verdict"])
    assert HEADERS  # the list used the standard columns
