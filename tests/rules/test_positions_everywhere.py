"""The batch check, relocations and the registry's read paths under impossible positions.

A bad row in a check list is an `error` with its reason, never `pass`; a
relocation to an impossible place or to another country is refused with the
batch check's words; data stored before the rules held is left out of reads
(and said so in the log) instead of breaking every check, map and coverage.
"""

from __future__ import annotations

import logging
import math
import subprocess

import pandas as pd
import pytest
import shapely

from planner.check.batch import check_file
from planner.coverage.compute import CoverageOptions, compute_coverage
from planner.errors import ConflictError, UsageError
from planner.registry.tables import extent, read_table
from planner.rules.profiles import load_profile
from planner.rules.reasons import reason
from planner.workflow.decisions import decide, relocate_station
from tests.check_support import SITES, load_small_registry
from tests.cli_support import PLANNER
from tests.conftest import prepared_database
from tests.decision_support import load_pair
from tests.geometry_files import (
    BAD_POSITIONS,
    GOOD,
    HUGE,
    POINT_FORMATS,
    write_points,
    write_shapes,
)
from tests.stored_geometry import spoil

YIWU = load_profile("yiwu")


@pytest.fixture
def registry(engine):
    return load_small_registry(engine)


@pytest.mark.parametrize("fmt", POINT_FORMATS)
def test_every_bad_position_in_a_check_list_is_an_error_never_a_pass(registry, tmp_path, fmt):
    names = list(BAD_POSITIONS)
    points = [GOOD] + [BAD_POSITIONS[name][:2] for name in names]
    path = write_points(tmp_path / f"list.{fmt}", points, codes=["good"] + names)
    result = check_file(path, registry, YIWU, lang="en")
    verdicts = dict(zip(result.applicants.ids, result.added["verdict"]))
    reasons = dict(zip(result.applicants.ids, result.added["reasons"]))
    assert verdicts == {"good": "pass", **dict.fromkeys(names, "error")}, reasons
    for name in names:
        says = BAD_POSITIONS[name][2]
        assert says in reasons[name] or (name == "swapped" and "look swapped" in reasons[name]), reasons[name]
    ranks = dict(zip(result.applicants.ids, result.added["rank"]))
    assert ranks["good"] == 1 and all(pd.isna(ranks[name]) for name in names)


def test_a_line_in_a_check_list_is_an_error_row(registry, tmp_path):
    path = write_shapes(tmp_path / "list.geojson", [shapely.Point(GOOD), shapely.LineString([GOOD, (116.63, 40.11)])])
    result = check_file(path, registry, YIWU, lang="en")
    assert result.added["verdict"].tolist() == ["pass", "error"]
    assert "LineString where Point is expected" in result.added["reasons"].iloc[1]


def test_the_check_command_writes_error_rows_for_nan(database_url, tmp_path):
    url = prepared_database(database_url, load_small_registry)
    path = write_shapes(tmp_path / "list.geojson", [shapely.Point(GOOD), shapely.Point(math.nan, 40.1)])
    result = subprocess.run([PLANNER, "check", str(path), "-o", str(tmp_path / "out.csv"), "--db", url,
                             "--lang", "en"], cwd=tmp_path, capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    out = pd.read_csv(tmp_path / "out.csv", dtype=str)
    assert out["verdict"].tolist() == ["pass", "error"] and "not a finite" in out["reasons"].iloc[1]


def _station_position(engine, code="S1"):
    point = read_table(engine, "stations", codes=[code]).geometry.iloc[0]
    return point.x, point.y


@pytest.mark.parametrize("place", [(1e308, 0.0), (math.nan, 40.1), (200.0, 40.1), (116.6, -95.0)])
def test_a_relocation_to_an_impossible_place_is_refused(engine, tmp_path, place):
    load_pair(engine, tmp_path)
    with pytest.raises(UsageError, match="longitude/latitude"):
        relocate_station(engine, "S1", *place, actor="alice", profile=YIWU)
    assert _station_position(engine) == SITES["S1"]


def test_a_relocation_to_another_country_is_refused_like_a_batch_check_row(engine, tmp_path):
    load_pair(engine, tmp_path)
    paris, swapped = (2.35, 48.85), (40.115, 116.615)
    listed = write_points(tmp_path / "list.csv", [paris, swapped])
    batch = check_file(listed, engine, YIWU, lang="en").added["reasons"].tolist()
    with pytest.raises(UsageError) as abroad:
        relocate_station(engine, "S1", *paris, actor="alice", profile=YIWU)
    assert abroad.value.message("en") == batch[0] == reason("outside_china", "en", lon=2.35, lat=48.85)
    assert abroad.value.message("zh") == reason("outside_china", "zh", lon=2.35, lat=48.85)
    with pytest.raises(UsageError, match="look swapped"):
        relocate_station(engine, "S1", *swapped, actor="alice", profile=YIWU)
    assert _station_position(engine) == SITES["S1"]


def test_stored_impossible_points_are_left_out_of_reads_and_logged(registry, tmp_path, caplog):
    spoil(registry, "stations", "S1", shapely.Point(1e308, 1e308))
    spoil(registry, "outlets", "O2", shapely.Point(math.nan, 40.1))
    caplog.set_level(logging.WARNING, logger="planner.registry.tables")
    assert "S1" not in read_table(registry, "stations")["code"].tolist()
    assert "O2" not in read_table(registry, "outlets")["code"].tolist()
    assert any("S1" in r.getMessage() and "left out" in r.getMessage() for r in caplog.records)
    west, south, east, north = extent(registry)
    assert -180 <= west <= east <= 180 and -90 <= south <= north <= 90
    listed = write_points(tmp_path / "list.csv", [GOOD])  # the check reads every site into an index
    assert check_file(listed, registry, YIWU).added["verdict"].tolist() == ["pass"]


def test_coverage_runs_without_a_stored_impossible_area_and_site(registry):
    spoil(registry, "areas", "A1", shapely.MultiPolygon([HUGE]))
    spoil(registry, "candidates", "R2", shapely.Point(1e308, 1e308))
    report = compute_coverage(registry, CoverageOptions(YIWU, assume_candidates=True))
    assert "A1" not in report.areas["code"].tolist() and "A2" in report.areas["code"].tolist()
    assert "R2" not in report.sites["code"].tolist()


def test_coverage_refuses_a_grid_no_machine_can_hold(registry):
    spoil(registry, "areas", "A1", shapely.MultiPolygon([shapely.box(-170, -80, 170, 80)]))
    with pytest.raises(UsageError, match="larger --cell"):
        compute_coverage(registry, CoverageOptions(YIWU))


def test_an_applicant_stored_at_an_impossible_place_cannot_be_approved(engine, tmp_path):
    load_pair(engine, tmp_path)
    spoil(engine, "candidates", "A", shapely.Point(1e308, 1e308))
    with pytest.raises(ConflictError, match="unusable stored position"):
        decide(engine, "A", "approve", "ok", actor="alice", profile=YIWU)
