"""The single-site check on foot: from the database and from the sites in memory, the same answers as the batch."""

from __future__ import annotations

import pytest

from planner.check.site import check_site
from planner.rules.profiles import load_profile
from planner.sites.cache import cached_sites
from planner.sites.postal import load_nearest_sites
from tests.roads.road_support import at, metres, path_metres
from tests.walking_support import load_river_registry

HEILONGJIANG = load_profile("heilongjiang")


@pytest.fixture
def registry(engine, tmp_path):
    return load_river_registry(engine, tmp_path)


def _both(engine, point, code=None):
    """The verdict read from the database and from the sites in memory (which must agree)."""
    db = check_site(engine, HEILONGJIANG, *point, code=code, lang="zh")
    memory = check_site(None, HEILONGJIANG, *point, code=code, lang="zh", sites=cached_sites(engine, HEILONGJIANG))
    assert db.as_dict() == memory.as_dict()
    return db.as_dict()


def test_across_the_river_the_walk_counts(registry):
    answer = _both(registry, at(5, 0))
    assert answer["verdict"] == "pass"
    assert answer["metric"] == "walking"
    assert answer["nearest_outlet"]["code"] == "O1"
    assert answer["nearest_outlet"]["distance_m"] == pytest.approx(1130, abs=1)
    assert answer["nearest_outlet_straight"]["distance_m"] == pytest.approx(120, abs=0.5)


def test_too_close_on_foot_fails_with_the_walking_reason(registry):
    answer = _both(registry, at(0, -600))
    assert answer["verdict"] == "fail"
    assert answer["reasons"] == ["距已有便民服务站 S1 步行 100.00 米，不足 200 米"]


def test_off_the_road_network_is_an_error(registry):
    answer = _both(registry, at(400, 300))
    assert answer["verdict"] == "error"
    assert answer["reasons"][0].startswith("最近的可步行道路在 279.99 米外")


def test_an_unreachable_station_is_said(registry):
    answer = _both(registry, at(125, -300))
    assert answer["verdict"] == "fail"
    assert "已有便民服务站 S2 直线距离" in answer["reasons"][0] and "步行不可达" in answer["reasons"][0]


def test_a_station_is_not_its_own_neighbour(registry):
    answer = _both(registry, at(0, -1000), code="R1")
    assert answer["nearest_station"] == {"code": "S1", "distance_m": pytest.approx(300, abs=0.01)}


def test_the_route_to_the_nearest_outlet_goes_over_the_bridge(registry):
    sites = load_nearest_sites(registry, HEILONGJIANG)
    start = at(5, 0)
    walked, route = sites.walking.route(*start, *at(125, 0))  # to outlet O1 (tests.walking_support)
    assert walked == pytest.approx(1130, abs=1)
    for bridge_end in (at(0, 500), at(120, 500)):  # stored to 1e-9 degree
        assert min(metres(point, bridge_end) for point in route) < 0.001
    assert path_metres(*route) == pytest.approx(walked, abs=0.05)
    assert metres(route[0], start) == 0


def test_the_candidates_layer_colours_by_walking_metres(engine, tmp_path):
    import json

    from planner.sites.layers import layer_geojson

    load_river_registry(engine, tmp_path, candidates=(("C1", (5, 0)), ("C2", (0, -600)), ("C3", (400, 300)),
                                                      ("C4", (125, -300))))
    features = json.loads(layer_geojson(engine, "candidates", limit=100, profile=HEILONGJIANG))["features"]
    shown = {f["properties"]["code"]: f["properties"] for f in features}
    assert shown["C1"]["verdict"] == "pass"  # 120 m from O1 across the water, 1,130 m on foot
    assert shown["C1"]["nearest_outlet_m"] == pytest.approx(1130, abs=1)
    assert shown["C2"]["verdict"] == "fail"  # 100 m on foot from S1
    assert shown["C3"]["verdict"] is None  # off the road network: the check would say so, no colour
    assert shown["C4"]["verdict"] == "fail"  # the island station 175 m away cannot be reached on foot
    assert shown["R1"]["nearest_station"] == "S1"  # an approved applicant is not its own neighbour


def test_the_ranking_keeps_out_an_applicant_beside_an_unreachable_station(engine, tmp_path):
    from planner.selection.ranking import rank_candidates

    load_river_registry(engine, tmp_path, candidates=(("C1", (5, 0)), ("C4", (125, -300))))
    table = rank_candidates(engine, HEILONGJIANG).set_index("code")
    assert bool(table.loc["C1", "keeps_distance_rules"])
    assert not bool(table.loc["C4", "keeps_distance_rules"])
