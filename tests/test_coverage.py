"""Coverage of a hand-made district on both backends: exact covered populations, gaps, what-if."""

import numpy as np
import pytest

from planner.coverage import CoverageOptions, compute_coverage
from planner.profiles import load_profile
from planner.spatial.geodesic import geodesic_distance
from tests.coverage_support import load_district, to_lonlat


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
    assert got == round(expected)
    assert abs(got / 40000 - np.pi * 0.25 / 4) < 0.01  # about a disc of 500 m in a 2 km square
    assert _areas(report).loc["V3", "status"] == "partly"


def test_polygon_holes_and_the_area_inside_them(district):
    areas = _areas(_report(district))
    assert areas.loc["V4", "population"] == 1600 and areas.loc["V5", "population"] == 400
    # S2 (listed for exit, still open) sits in the hole: it covers the inner community fully.
    assert areas.loc["V5", "covered_population"] == 400
    assert 0 < areas.loc["V4", "covered_population"] < 1600


def test_counts_nearest_site_and_totals(district):
    report = _report(district)
    areas = _areas(report)
    assert areas.loc["V1", "outlets"] == 1 and areas.loc["V3", "stations"] == 1
    assert areas.loc["V2", "outlets"] == 0  # the agency at its centre does not count in yiwu
    assert areas.loc["V2", "nearest_site_id"] == "O1" and abs(areas.loc["V2", "nearest_site_m"] - 5000) < 20
    assert report.totals["population"] == 900 + 2000 + 40000 + 1600 + 400 + 30
    assert report.totals["areas_without_service"] == 1
    parents = report.parents.set_index("parent_code")
    assert parents.loc["T1", "name"] == "甲镇" and parents.loc["T2", "population"] == 2000
    assert parents["covered_population"].sum() == report.totals["covered_population"]


def test_gaps_are_ranked_and_name_nearby_applicants(district):
    report = _report(district)
    gaps = report.gaps
    assert gaps["population"].is_monotonic_decreasing
    far = gaps[gaps["area_code"] == "V2"]
    assert len(far) == 1 and far["population"].iloc[0] == 2000
    assert far["nearest_candidates"].iloc[0].startswith("C1 (")  # C2 is rejected: not listed
    assert "C2" not in far["nearest_candidates"].iloc[0]


def test_what_if_candidates_and_exit(district):
    base = _areas(_report(district))
    with_candidates = _areas(_report(district, assume_candidates=True))
    closed = _areas(_report(district, close_listed=True))
    assert with_candidates.loc["V2", "covered_population"] > 0 == base.loc["V2", "covered_population"]
    assert closed.loc["V5", "covered_population"] == 0 and base.loc["V5", "covered_population"] == 400


def test_level_filter(district):
    report = compute_coverage(district, CoverageOptions(load_profile("yiwu"), levels=("community",)))
    assert sorted(report.areas["code"]) == ["V3", "V5"]
