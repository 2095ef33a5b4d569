"""Coverage of a hand-made district on both backends: exact covered populations, gaps, what-if."""

import numpy as np
import pytest

from planner.coverage.compute import CoverageOptions, compute_coverage
from planner.rules.profiles import load_profile
from planner.spatial.geodesic import geodesic_distance
from tests.coverage_support import load_district, to_lonlat
from tests.strip_support import STRIPS, load_strips


@pytest.fixture
def district(engine, tmp_path):
    return load_district(engine, tmp_path)


def _report(engine, **kw):
    return compute_coverage(engine, CoverageOptions(load_profile("yiwu"), **kw))


def _areas(report):
    return report.areas.set_index("code")


def test_fully_covered_and_unserved_areas_are_exact(district):
    areas = _areas(_report(district))
    assert areas.loc["V1", "covered_population"] == 900 and areas.loc["V1", "status"] == "covered"
    assert areas.loc["V2", "covered_population"] == 0 and areas.loc["V2", "status"] == "none"
    assert areas.loc["V6", "covered_population"] == 30  # too small for a cell, still counted


def test_partly_covered_area_matches_a_cell_by_cell_geodesic_count(district):
    report = _report(district)
    grid = report.grid
    v3 = report.areas.index[report.areas["code"] == "V3"][0]
    rows, cols = np.nonzero(grid.area_index == v3)
    cx, cy = grid.cell_centres()
    lon, lat = grid.unproject(cx[cols], cy[rows])
    site = to_lonlat(0, 3000)
    inside = geodesic_distance(lon, lat, *site) <= 500.0
    expected = 40000 * inside.sum() / rows.size
    got = _areas(report).loc["V3", "covered_population"]
    assert got == round(expected) == 8000  # 80 of its 400 cells (counted by hand in the gaps test)
    assert abs(got / 40000 - np.pi * 0.25 / 4) < 0.01  # about a disc of 500 m in a 2 km square
    assert _areas(report).loc["V3", "status"] == "partly"


def test_polygon_holes_and_the_area_inside_them(district):
    areas = _areas(_report(district))
    assert areas.loc["V4", "population"] == 1600 and areas.loc["V5", "population"] == 400
    # S2 (listed for exit, still open) sits in the hole: it covers the inner community fully.
    assert areas.loc["V5", "covered_population"] == 400
    # V4: 12 × 12 cells less the 4 × 4 of the hole, 12.5 people each. Cell centres sit at odd multiples
    # of 50 m from S2: (i, j) odd with i² + j² ≤ 100 gives 20 per quadrant, 80 in all (the closest
    # call, i = j = 7, is 494.97 m), 16 of them in the hole: 64 cells = 800 people.
    assert areas.loc["V4", "covered_population"] == 800


def test_counts_nearest_site_and_totals(district):
    report = _report(district)
    areas = _areas(report)
    assert areas.loc["V1", "outlets"] == 1 and areas.loc["V3", "stations"] == 1
    assert areas.loc["V2", "outlets"] == 0  # the agency at its centre does not count in yiwu
    # From V2's population centre (its middle, 5 km east of O1 in the plane): pyproj.Geod gives 4999.93 m.
    assert areas.loc["V2", "nearest_site_id"] == "O1" and areas.loc["V2", "nearest_site_m"] == 4999.9
    assert report.totals["population"] == 900 + 2000 + 40000 + 1600 + 400 + 30
    assert report.totals["areas_without_service"] == 1
    parents = report.parents.set_index("parent_code")
    assert parents.loc["T1", "name"] == "甲镇" and parents.loc["T2", "population"] == 2000
    assert parents["covered_population"].sum() == report.totals["covered_population"]


def test_gaps_are_ranked_and_name_nearby_applicants(district):
    report = _report(district)
    gaps = report.gaps
    # V3: 400 cells, the 80 within 500 m of S1 covered (as V4 below): 320 cells of 100 people.
    # V2: nobody served. V4: the 128 ring cells less the 64 S2 reaches, 12.5 people each.
    assert gaps[["area_code", "population", "cells"]].values.tolist() == [
        ["V3", 32000, 320], ["V2", 2000, 64], ["V4", 800, 64]]
    # C1 is 300 m north of V2's middle (299.996 m geodesic); C2 is rejected: not listed.
    assert gaps.set_index("area_code").loc["V2", "nearest_candidates"] == "C1 (300 m)"


def test_what_if_candidates_and_exit(district):
    base = _areas(_report(district))
    with_candidates = _areas(_report(district, assume_candidates=True))
    closed = _areas(_report(district, close_listed=True))
    # C1 stands 300 m north of V2's middle; V2 is 8 × 8 cells of 31.25 people. Cell centres at odd
    # multiples of 50 m: i² + (j − 6)² ≤ 100 holds for 4 cells in row j = −3 and 8 in each of the
    # rows j = −1 … 7 (closest call 494.97 m): 44 cells = 1375 people.
    assert with_candidates.loc["V2", "covered_population"] == 1375 and base.loc["V2", "covered_population"] == 0
    assert closed.loc["V5", "covered_population"] == 0 and base.loc["V5", "covered_population"] == 400


def test_level_filter(district):
    report = compute_coverage(district, CoverageOptions(load_profile("yiwu"), levels=("community",)))
    assert sorted(report.areas["code"]) == ["V3", "V5"]


def test_people_reached_by_two_and_three_sites_count_once(engine, tmp_path):
    """The one-pass sums every realistic district takes (no area smaller than a cell), counted by hand.

    W1's cells are reached by 2, 3, 3, 3, 3, 2, 2, 2, 1 and 1 sites: all 1000 people are covered,
    800 of them by two or more (tests/strip_support.py works every strip out)."""
    load_strips(engine, tmp_path, candidates=False)
    report = _report(engine)
    assert report.grid.orphan_area.size == 0  # every strip holds cell centres: the one-pass path
    w1 = report.grid.area_index == report.areas.index[report.areas["code"] == "W1"][0]
    assert report.served[w1].tolist() == [2, 3, 3, 3, 3, 2, 2, 2, 1, 1]  # west to east
    areas = _areas(report).loc[list(STRIPS)]
    assert areas["population"].tolist() == [1000, 2000, 300, 1300]
    assert areas["covered_population"].tolist() == [1000, 1600, 0, 500]
    assert areas["served_twice_population"].tolist() == [800, 0, 0, 0]
    assert areas["covered_share"].tolist() == [1.0, 0.8, 0.0, 0.3846]
    assert areas["status"].tolist() == ["covered", "covered", "none", "partly"]  # 0.8 is 以上 the 0.8 threshold
    assert (report.totals["population"], report.totals["covered_population"]) == (4600, 3100)
    gaps = report.gaps[["area_code", "population", "cells"]].values.tolist()
    assert gaps == [["W4", 800, 8], ["W2", 400, 2], ["W3", 300, 3]]
