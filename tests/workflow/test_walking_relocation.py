"""A relocation (迁址) under a walking profile is checked on foot at the new place, the station itself excluded."""

from __future__ import annotations

import pytest

from planner.errors import ConflictError
from planner.registry.tables import history
from planner.rules.profiles import load_profile
from planner.workflow.decisions import relocate_station
from tests.roads.road_support import at
from tests.walking_support import load_river_registry

HEILONGJIANG = load_profile("heilongjiang")


def test_a_station_moves_across_the_river_on_foot_but_not_next_to_another(engine, tmp_path):
    load_river_registry(engine, tmp_path)
    with pytest.raises(ConflictError) as refused:  # 100 m on foot from approved applicant R1
        relocate_station(engine, "S1", *at(0, -900), actor="alice", profile=HEILONGJIANG)
    assert "距已有便民服务站 R1 步行 100.00 米，不足 200 米" in refused.value.zh
    # 120 m from outlet O1 across the water, 1,130 m on foot: allowed (a straight-line rule would refuse it).
    verdict = relocate_station(engine, "S1", *at(5, 0), actor="alice", profile=HEILONGJIANG)
    assert verdict.verdict == "pass"
    assert verdict.nearest_outlet[1] == pytest.approx(1130, abs=1)
    moved = history(engine, "stations", "S1")[-1]
    assert moved["action"] == "relocate" and moved["changes"]["verdict"]["metric"] == "walking"


def test_a_station_cannot_move_off_the_road_network(engine, tmp_path):
    load_river_registry(engine, tmp_path)
    with pytest.raises(ConflictError) as refused:
        relocate_station(engine, "S1", *at(400, 300), actor="alice", profile=HEILONGJIANG)
    assert "最近的可步行道路在" in refused.value.zh
