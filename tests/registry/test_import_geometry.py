"""Every import door judges coordinates and shapes by the same rules: one error per bad row, nothing loaded.

CSV, XLSX, GeoJSON, GeoPackage and Shapefile, with NaN, infinity, 1e308,
longitude 200, latitude -95 and swapped pairs; lines where points belong;
empty, flat and continent-sized polygons; invalid ones repaired and reported;
projected files checked again after conversion.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from pyproj import Transformer

from planner.errors import InputError
from planner.files.imports import prepare_import
from planner.registry.tables import count_rows, read_table
from tests.cli_support import PLANNER
from tests.file_support import load_file
from tests.geometry_files import (
    AREA,
    BAD_POSITIONS,
    BOW_TIE,
    FLAT,
    GIS_FORMATS,
    GOOD,
    HUGE,
    POINT_FORMATS,
    bad_column,
    bad_row,
    write_points,
    write_shapes,
)


def _refusal(path, kind="candidates", **kw) -> list:
    with pytest.raises(InputError) as info:
        prepare_import(path, kind, **kw)
    return info.value.problems


@pytest.mark.parametrize("fmt", POINT_FORMATS)
@pytest.mark.parametrize("name", BAD_POSITIONS)
def test_a_bad_position_is_one_error_naming_file_row_and_column(tmp_path, fmt, name):
    lon, lat, says = BAD_POSITIONS[name]
    path = write_points(tmp_path / f"in.{fmt}", [GOOD, (lon, lat)])
    problems = _refusal(path)
    assert len(problems) == 1, [p.text("en") for p in problems]
    problem = problems[0]
    assert (Path(problem.file).name, problem.row, problem.column) == (path.name, bad_row(fmt), bad_column(fmt, name))
    assert says in problem.en and problem.zh != problem.en


@pytest.mark.parametrize("fmt", POINT_FORMATS)
def test_nothing_is_loaded_when_one_row_is_bad(engine, tmp_path, fmt):
    path = write_points(tmp_path / f"in.{fmt}", [GOOD, (1e308, 1e308)])
    with pytest.raises(InputError):
        load_file(engine, path, "stations")
    assert count_rows(engine)["stations"] == 0
    load_file(engine, write_points(tmp_path / f"ok.{fmt}", [GOOD]), "stations")  # the same door, good data
    assert count_rows(engine)["stations"] == 1


@pytest.mark.parametrize("fmt", ["geojson", "gpkg"])
def test_lines_and_empty_geometries_are_not_points(tmp_path, fmt):
    geoms = [shapely.Point(GOOD), shapely.LineString([GOOD, (116.63, 40.11)]),
             None if fmt == "geojson" else shapely.Point()]
    problems = {p.row: p.en for p in _refusal(write_shapes(tmp_path / f"in.{fmt}", geoms))}
    assert problems == {2: "LineString where Point is expected", 3: "geometry is empty"}


def test_a_line_shapefile_is_not_a_point_layer(tmp_path):
    path = write_shapes(tmp_path / "lines.shp", [shapely.LineString([GOOD, (116.63, 40.11)])])
    assert [p.en for p in _refusal(path)] == ["LineString where Point is expected"]


@pytest.mark.parametrize("fmt", GIS_FORMATS)
def test_an_invalid_polygon_is_repaired_and_reported(engine, tmp_path, fmt):
    path = write_shapes(tmp_path / f"areas.{fmt}", [AREA, BOW_TIE], codes=["A1", "A2"])
    batch = prepare_import(path, "areas")
    assert [(r.row, r.column) for r in batch.repairs] == [(2, "geometry")]
    assert "invalid polygon (Self-intersection" in batch.repairs[0].en and "make_valid" in batch.repairs[0].en
    assert "2 polygon part(s) kept" in batch.repairs[0].en and "已用 make_valid 修复" in batch.repairs[0].zh
    load_file(engine, path, "areas")
    stored = read_table(engine, "areas").set_index("code").geometry
    assert stored["A2"].is_valid and stored["A2"].geom_type == "MultiPolygon" and len(stored["A2"].geoms) == 2
    assert stored["A2"].equals(shapely.make_valid(BOW_TIE)) and stored["A2"].area > 0


@pytest.mark.parametrize("fmt", GIS_FORMATS)
def test_impossible_polygons_are_refused_one_error_each(engine, tmp_path, fmt):
    geoms = [AREA, HUGE, FLAT]
    if fmt != "shp":  # a shapefile cannot hold an empty polygon next to others
        geoms.append(None if fmt == "geojson" else shapely.Polygon())
    path = write_shapes(tmp_path / f"areas.{fmt}", geoms)
    problems = {p.row: p for p in _refusal(path, "areas")}
    assert "vertex (-1e+308, -1e+308) is not a longitude/latitude in degrees" in problems[2].en
    assert "has no area" in problems[3].en
    if fmt != "shp":
        assert problems[4].en == "geometry is empty"
    assert set(problems) == set(range(2, len(geoms) + 1)) and all(p.column == "geometry" for p in problems.values())
    with pytest.raises(InputError):
        load_file(engine, path, "areas")
    assert count_rows(engine)["areas"] == 0


def test_projected_files_are_checked_after_conversion(tmp_path):
    # EPSG:3857 sends (1e308, 1e308) to (-180, 90): plausible degrees that must still be refused.
    good = Transformer.from_crs(4326, 3857, always_xy=True).transform(*GOOD)
    gpd.GeoDataFrame({"code": ["C1", "C2"]}, geometry=[shapely.Point(good), shapely.Point(1e308, 1e308)],
                     crs=3857).to_file(tmp_path / "mercator.gpkg")
    problems = _refusal(tmp_path / "mercator.gpkg")
    assert [(p.row, p.column) for p in problems] == [(2, "geometry")]
    assert "outside the area where EPSG:3857 converts to longitude/latitude" in problems[0].en
    table = tmp_path / "gk.csv"  # a Gauss-Krüger zone whose inverse overflows
    table.write_text("机构号,经度,纬度,坐标系\nB1,500000,4440000,EPSG:4547\nB2,1e9,1e9,EPSG:4547\n", encoding="utf-8")
    problems = _refusal(table, "branches")
    assert [(p.row, p.column) for p in problems] == [(3, "经度/纬度")]
    assert "after conversion from EPSG:4547" in problems[0].en or "EPSG:4547 converts" in problems[0].en


@pytest.mark.parametrize(("kind", "geom", "fragment"), [
    ("candidates", shapely.Point(1e308, 1e308), "(1e+308, 1e+308) is not a longitude/latitude"),
    ("candidates", shapely.Point(float("nan"), 40.1), "(nan, 40.1) is not a finite longitude/latitude"),
    ("areas", HUGE, "vertex (-1e+308, -1e+308) is not a longitude/latitude"),
])
def test_the_command_exits_2_with_one_line_and_no_traceback(database_url, tmp_path, kind, geom, fragment):
    path = write_shapes(tmp_path / "bad.geojson", [geom])
    result = subprocess.run([PLANNER, "import", kind, str(path), "--db", database_url], cwd=tmp_path,
                            capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin", "PLANNER_LANG": "en", "HOME": str(tmp_path)})
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("planner: ")
    assert f"bad.geojson, row 1, column 'geometry': {fragment}" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_command_reports_each_repair_with_the_summary(database_url, tmp_path):
    path = write_shapes(tmp_path / "areas.geojson", [AREA, BOW_TIE], codes=["A1", "A2"])
    result = subprocess.run([PLANNER, "import", "areas", str(path), "--db", database_url], cwd=tmp_path,
                            capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin", "PLANNER_LANG": "en", "HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any("areas.geojson, row 2, column 'geometry': invalid polygon" in line for line in lines)
    assert lines[-1].startswith("areas: 2 created")
