"""The exit rule's costs on foot (heilongjiang): the river registry, where a walk is not a straight line."""

from __future__ import annotations

import pytest

from planner.coverage.compute import CoverageOptions, compute_coverage
from planner.rules.profiles import load_profile
from planner.workflow.exit_decisions import decide_exit
from planner.workflow.exits import judge_stations
from tests.file_support import load_file
from tests.roads.road_support import at
from tests.walking_support import _csv, load_river_registry

MONTH = "2026-10"


@pytest.fixture
def bank_station(engine, tmp_path):
    """S3 on the west bank beside community W trades 19 a month; C1 stands 50 m up the bank from it (too close
    while S3 is open), C2 straight across the river from it (a walk of over a kilometre)."""
    load_river_registry(engine, tmp_path, areas=True, candidates=(("C1", (0, 150)), ("C2", (120, 100))))
    load_file(engine, _csv(tmp_path / "s3.csv", ["机构号", "名称", "状态", "经度", "纬度"],
                           [["S3", "西岸二站", "营业", *at(0, 100)]]), "stations")
    load_file(engine, _csv(tmp_path / "t.csv", ["网点编号", "月份", "笔数"],
                           [["S3", m, 19] for m in ("2026-08", "2026-09", MONTH)]), "transactions")
    return engine


def test_the_loss_on_foot_is_the_walking_coverage_lost(bank_station):
    profile = load_profile("heilongjiang")
    before = compute_coverage(bank_station, CoverageOptions(profile))
    report = judge_stations(bank_station, profile, MONTH, with_restorers=True)
    row = report.table.set_index("station_id").loc["S3"]
    assert row["verdict"] == "exit" and row["lost_population"] > 0
    assert set(report.loss.areas["area_code"]) == {"W"}  # the east bank is across the river on foot
    restorers = report.restorers
    assert list(restorers["code"]) == ["C1"]  # kept out by S3 today, allowed once it closes; C2 walks too far
    assert restorers["restored_population"].iloc[0] > 0
    decide_exit(bank_station, "S3", "list_for_exit", None, actor="staff1", profile=profile, month=MONTH)
    decide_exit(bank_station, "S3", "close", None, actor="staff1", profile=profile, month=MONTH)
    after = compute_coverage(bank_station, CoverageOptions(profile))
    covered = {code: (b, a) for code, b, a in zip(before.areas["code"], before.areas["covered_population"],
                                                  after.areas["covered_population"])}
    lost = sum(b - a for b, a in covered.values())
    assert row["lost_population"] == pytest.approx(lost, abs=1.0)
