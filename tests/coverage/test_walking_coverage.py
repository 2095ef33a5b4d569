"""Coverage on foot (heilongjiang: 300 m walking service distance) beside the straight-line figures.

The outlet stands on the west bank of the river (tests.walking_support); the east-bank community lies
within 300 m of it in a straight line, but the only bridge is 500 m north: on foot nobody there is served.
"""

from __future__ import annotations

import pytest

from planner.coverage.compute import CoverageOptions, compute_coverage
from planner.coverage.tables import summary_rows
from planner.errors import UsageError
from planner.rules.profiles import load_profile
from planner.selection.ranking import rank_candidates
from tests.walking_support import load_river_registry

HEILONGJIANG = load_profile("heilongjiang")


@pytest.fixture
def report(engine, tmp_path):
    load_river_registry(engine, tmp_path, areas=True, outlets=(("O1", (-5, 0)),))
    return compute_coverage(engine, CoverageOptions(HEILONGJIANG, cell_m=25.0))


def test_across_the_river_nobody_is_served_on_foot(report):
    areas = report.areas.set_index("code")
    assert areas.loc["E", "covered_share"] == 0.0
    assert areas.loc["E", "covered_share_straight"] > 0.25  # cells within 300 m of O1 across the water
    assert 0.2 < areas.loc["W", "covered_share"] < areas.loc["W", "covered_share_straight"]
    # The east bank's nearest site is O1 across the water: over the bridge 500 m north, not 130 m.
    assert areas.loc["E", "nearest_site_id"] == "O1"
    assert areas.loc["E", "nearest_site_m"] > 1000


def test_walking_never_covers_more_than_the_straight_line(report):
    areas = report.areas
    assert (areas["covered_share"] <= areas["covered_share_straight"] + 1e-9).all()
    assert report.totals["covered_share"] < report.totals["covered_share_straight"]


def test_the_summary_names_both_shares(report):
    labels = [label for label, _ in summary_rows(report, "zh")]
    assert "覆盖率" in labels and "覆盖率（按直线距离）" in labels


def test_a_straight_profile_reports_one_share(engine, tmp_path):
    load_river_registry(engine, tmp_path, areas=True, outlets=(("O1", (-5, 0)),))
    report = compute_coverage(engine, CoverageOptions(load_profile("yiwu"), cell_m=25.0))
    assert "covered_share_straight" not in report.areas.columns
    assert "covered_share_straight" not in report.totals


def test_ranking_on_foot_takes_the_applicant_across_the_river(engine, tmp_path):
    # C1 stands on the east bank 130 m from O1 in a straight line (a straight profile refuses it) but 1,130 m
    # away on foot; it serves the east bank, which nobody serves on foot. C2 stands in O1's own walk.
    load_river_registry(engine, tmp_path, areas=True, outlets=(("O1", (-5, 0)),),
                        candidates=(("C1", (125, 0)), ("C2", (-5, 100))))
    table = rank_candidates(engine, HEILONGJIANG).set_index("code")
    assert table.loc["C1", "nearest_outlet_m"] == pytest.approx(5 + 500 + 120 + 500 + 5, abs=1)
    assert bool(table.loc["C1", "keeps_distance_rules"])
    assert not bool(table.loc["C2", "keeps_distance_rules"])  # 105 m on foot from O1
    assert table.loc["C1", "rank"] == 1
    assert table.loc["C1", "marginal_population"] > 500
    for exact in (False, True):
        chosen = rank_candidates(engine, HEILONGJIANG, n=2, exact=exact).set_index("code")
        assert chosen.loc["C1", "rank"] == 1
        assert chosen.loc["C1", "added_population"] == table.loc["C1", "marginal_population"]


def test_coverage_of_a_walking_profile_needs_a_network(engine):
    from tests.check_support import load_small_registry

    load_small_registry(engine)
    with pytest.raises(UsageError, match="planner import network"):
        compute_coverage(engine, CoverageOptions(HEILONGJIANG))
