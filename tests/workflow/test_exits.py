"""The exit rule on hand-built transaction histories, every edge of the seed's rule, on both backends."""

from __future__ import annotations

import pytest

from planner.coverage.compute import CoverageOptions, compute_coverage
from planner.errors import ConflictError, UsageError
from planner.rules.profiles import load_profile
from planner.workflow.decisions import relocate_station
from planner.workflow.exit_decisions import decide_exit
from planner.workflow.exits import judge_stations, write_exits
from tests.check_support import load_small_registry, offset
from tests.exit_support import EXPECTED, HISTORIES, MONTH, load_histories, write_csv
from tests.file_support import load_file


@pytest.fixture
def judged_registry(engine, tmp_path):
    load_small_registry(engine)
    load_histories(engine, tmp_path)
    return engine


def _verdicts(report):
    return dict(zip(report.table["station_id"], report.table["verdict"]))


def test_every_edge_of_the_seed_rule(judged_registry):
    report = judge_stations(judged_registry, load_profile("yiwu"), MONTH, lang="en")
    verdicts = _verdicts(report)
    assert {code: verdicts[code] for code in EXPECTED} == EXPECTED
    assert "S2" not in verdicts  # closed stations are history, not judged
    rows = report.table.set_index("station_id")
    assert rows.loc["L19", "months"] == "2026-08:19; 2026-09:19; 2026-10:19"
    assert rows.loc["Z0", "months"] == "2026-10:0"
    assert rows.loc["Z0", "reasons"] == "no transactions in 2026-10"
    assert rows.loc["MJ", "months"] == "2026-10:missing"
    assert rows.loc["MS", "reasons"] == "no transaction figures for 2026-09: the rule cannot decide"
    assert rows.loc["NEW", "reasons"] == "open only 2 full month(s); the rule needs 3"
    assert rows.loc["M19", "months"] == "2026-09:20"
    assert set(report.proposed["station_id"]) == {"L19", "Z0", "NEW1"}
    assert (rows.loc[list(EXPECTED), "lost_population"] == 0).all()  # far from every area


def test_a_zero_month_lists_in_its_own_month(judged_registry):
    verdicts = _verdicts(judge_stations(judged_registry, load_profile("yiwu"), "2026-09", with_loss=False))
    assert verdicts["ZS"] == "exit"
    assert verdicts["NEW"] == "too_new"  # one full month by September


def test_a_custom_profile_with_other_thresholds(judged_registry, tmp_path):
    text = tmp_path / "x.toml"
    text.write_text('metric = "straight"\nservice_distance_m = 500\n[exit]\nmin_monthly_count = 10\n'
                    "low_months = 2\nzero_month_exits = false\nmissing_month_is_zero = true\n", encoding="utf-8")
    verdicts = _verdicts(judge_stations(judged_registry, load_profile(str(text)), MONTH, with_loss=False))
    assert verdicts["L19"] == "keep"  # 19 ≥ 10
    assert verdicts["Z0"] == "keep"  # zero months do not list by themselves here, and 50 is not low
    assert verdicts["C5"] == "exit"  # September missing counts as 0, October's 5 < 10
    assert verdicts["MJ"] == "keep"  # 50 in September keeps the 2-month window
    assert verdicts["NEW"] == "exit"  # two full months are enough for a 2-month rule


def test_unknown_exit_keys_are_errors(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[exit]\nmin_monthly = 10\n", encoding="utf-8")
    with pytest.raises(UsageError, match="min_monthly"):
        load_profile(str(bad))


def test_a_relocated_station_keeps_its_history(engine, tmp_path):
    load_small_registry(engine)
    inside = (116.605, 40.125)  # in the district, ≥ 1.3 km from every site
    load_histories(engine, tmp_path, {"REL": HISTORIES["L19"]}, where=inside)
    target = offset(inside, 150.0, 90.0)
    relocate_station(engine, "REL", *target, actor="staff1", profile=load_profile("yiwu"))
    assert _verdicts(judge_stations(engine, load_profile("yiwu"), MONTH, with_loss=False))["REL"] == "exit"


def test_lost_population_agrees_with_coverage_recomputed_without_the_station(engine, tmp_path):
    """S1 (the small registry's open station, inside village A1) trades 19 a month: its loss alone, and the
    loss when it closes, equal coverage computed from scratch before and after it closes."""
    load_small_registry(engine)
    load_file(engine, write_csv(tmp_path / "s1.csv", ["网点编号", "月份", "笔数"],
                             [["S1", m, 19] for m in ("2026-08", "2026-09", "2026-10")]), "transactions")
    profile = load_profile("yiwu")
    before = compute_coverage(engine, CoverageOptions(profile)).totals
    report = judge_stations(engine, profile, MONTH)
    row = report.table.set_index("station_id").loc["S1"]
    assert row["verdict"] == "exit" and row["lost_population"] > 0
    decide_exit(engine, "S1", "list_for_exit", None, actor="staff1", profile=profile, month=MONTH)
    decide_exit(engine, "S1", "close", "店主申请退出", actor="staff1", profile=profile, month=MONTH)
    after = compute_coverage(engine, CoverageOptions(profile)).totals
    lost = (before["covered_share"] - after["covered_share"]) * before["population"]
    assert row["lost_population"] == pytest.approx(lost, abs=0.01 * before["population"] / 100 + 1)
    assert report.loss.total["lost_population"] == pytest.approx(row["lost_population"], abs=0.5)
    assert set(report.loss.areas["area_code"]) <= {"A1", "A2", "A3"}


def test_listing_keeping_and_closing_are_recorded_decisions(judged_registry):
    from planner.registry.tables import history, read_table

    profile = load_profile("yiwu")
    with pytest.raises(UsageError):  # keeping needs a note
        decide_exit(judged_registry, "Z0", "keep", "", actor="staff1", profile=profile, month=MONTH)
    decide_exit(judged_registry, "Z0", "keep", "十月装修停业", actor="staff1", profile=profile, month=MONTH)
    changes = decide_exit(judged_registry, "L19", "list_for_exit", None, actor="staff1", profile=profile,
                          month=MONTH)
    assert changes["status"] == ["open", "listed_for_exit"] and changes["verdict"] == "exit"
    with pytest.raises(UsageError):  # listing a station the rule keeps needs a note
        decide_exit(judged_registry, "E20", "list_for_exit", "", actor="staff1", profile=profile, month=MONTH)
    with pytest.raises(ConflictError):  # only listed stations close
        decide_exit(judged_registry, "E20", "close", "x", actor="staff1", profile=profile, month=MONTH)
    with pytest.raises(ConflictError):  # nothing to keep
        decide_exit(judged_registry, "E20", "keep", "x", actor="staff1", profile=profile, month=MONTH)
    decide_exit(judged_registry, "L19", "close", None, actor="staff2", profile=profile, month=MONTH)
    report = judge_stations(judged_registry, profile, MONTH, with_loss=False)
    assert set(report.proposed["station_id"]) == {"NEW1"}  # Z0 kept, L19 listed then closed
    assert "L19" not in set(report.table["station_id"])
    stations = read_table(judged_registry, "stations", columns=("code", "status"), usable_only=False)
    assert dict(zip(stations["code"], stations["status"]))["L19"] == "closed"  # the row stays
    actions = [e["action"] for e in history(judged_registry, "stations", "L19")]
    assert actions[-2:] == ["list_for_exit", "close"]


def test_written_table_has_the_interface_columns(judged_registry, tmp_path):
    import openpyxl

    report = judge_stations(judged_registry, load_profile("yiwu"), MONTH)
    out = write_exits(report, tmp_path / "exits.xlsx")
    sheet = openpyxl.load_workbook(out)["exits"]
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["station_id", "verdict", "months", "reasons", "lost_population"]
    assert isinstance(sheet.cell(2, 5).value, (int, float))


def test_proposals_wait_in_the_work_queue_until_decided(judged_registry):
    from planner.workflow.review import work_queue

    def waiting():
        return {task.code for task in work_queue(judged_registry, kinds=["exit_decision"])}

    assert waiting() == {"L19", "Z0", "NEW1"}  # the latest month with figures: October
    decide_exit(judged_registry, "Z0", "keep", "十月装修停业", actor="staff1", profile=load_profile("yiwu"),
                month=MONTH)
    assert waiting() == {"L19", "NEW1"}


def test_a_registry_without_areas_is_judged_with_nobody_to_lose(engine, tmp_path):
    """Stations and their months but no areas yet: the verdicts stand, the loss totals say nobody (not a crash)."""
    load_histories(engine, tmp_path)
    report = judge_stations(engine, load_profile("yiwu"), MONTH)
    assert _verdicts(report)["L19"] == "exit"
    assert report.loss.total["lost_population"] == 0
    assert report.loss.total["covered_share_after"] == 0
    assert (report.table["lost_population"] == 0).all()


def test_the_geopackage_holds_the_stations_and_the_cells_losing_service(engine, tmp_path):
    import geopandas as gpd

    load_small_registry(engine)
    load_histories(engine, tmp_path)
    load_file(engine, write_csv(tmp_path / "s1.csv", ["网点编号", "月份", "笔数"],
                                [["S1", m, 0] for m in ("2026-08", "2026-09", MONTH)]), "transactions")
    report = judge_stations(engine, load_profile("yiwu"), MONTH)
    out = write_exits(report, tmp_path / "exits.gpkg")
    stations = gpd.read_file(out, layer="exits")
    assert list(stations["station_id"]) == list(report.table["station_id"])
    s1 = stations.set_index("station_id").loc["S1"]
    assert (s1.geometry.x, s1.geometry.y) == pytest.approx((116.615, 40.115))
    cells = gpd.read_file(out, layer="lost_cells")
    assert cells["population"].sum() == pytest.approx(report.loss.total["lost_population"], abs=1.0)
    assert cells.crs.to_epsg() == 4326


def test_a_listing_can_be_taken_back(judged_registry):
    from planner.registry.tables import read_table

    profile = load_profile("yiwu")
    decide_exit(judged_registry, "L19", "list_for_exit", None, actor="staff1", profile=profile, month=MONTH)
    with pytest.raises(UsageError):  # taking it back needs its reason
        decide_exit(judged_registry, "L19", "keep", " ", actor="staff1", profile=profile, month=MONTH)
    changes = decide_exit(judged_registry, "L19", "keep", "店主承诺改善经营", actor="staff1", profile=profile,
                          month=MONTH)
    assert changes["status"] == ["listed_for_exit", "open"]
    stations = read_table(judged_registry, "stations", columns=("code", "status"), usable_only=False)
    assert dict(zip(stations["code"], stations["status"]))["L19"] == "open"
    assert "L19" not in set(judge_stations(judged_registry, profile, MONTH, with_loss=False).proposed["station_id"])


def test_a_walking_profile_without_roads_judges_and_says_the_loss_is_unmeasured(judged_registry):
    report = judge_stations(judged_registry, load_profile("heilongjiang"), MONTH, lang="en")
    assert {c: v for c, v in zip(report.table["station_id"], report.table["verdict"]) if c in EXPECTED} == EXPECTED
    assert report.loss is None and "road network" in report.loss_note
    assert report.table["lost_population"].isna().all()
