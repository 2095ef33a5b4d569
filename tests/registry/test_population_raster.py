"""Population rasters: imported from GeoTIFF, scaled to the census, agreeing with area shares on uniform data."""

import subprocess

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin

from planner.coverage.compute import CoverageOptions, compute_coverage
from planner.registry.population_raster import active_raster, import_raster
from planner.rules.profiles import load_profile
from tests.cli_support import PLANNER
from tests.coverage_support import CRS, X0, Y0, load_district


def _write_tif(path, values, *, west, north, size=100.0, crs=CRS):
    with rasterio.open(path, "w", driver="GTiff", height=values.shape[0], width=values.shape[1], count=1,
                       dtype="float32", crs=f"EPSG:{crs}", transform=from_origin(west, north, size, size),
                       nodata=-1) as dst:
        dst.write(values.astype("float32"), 1)
    return path


def _uniform(tmp_path):
    # 14 km × 12 km of 100 m pixels, offset by 37 m from the coverage grid, 5 people each.
    west, north = X0 - 7037.0, Y0 + 7963.0
    return _write_tif(tmp_path / "pop.tif", np.full((120, 140), 5.0), west=west, north=north)


@pytest.fixture
def district(engine, tmp_path):
    return load_district(engine, tmp_path)


def test_uniform_raster_agrees_with_area_shares(district, tmp_path):
    by_share = compute_coverage(district, CoverageOptions(load_profile("yiwu"))).areas.set_index("code")
    import_raster(district, _uniform(tmp_path), actor="t")
    by_raster = compute_coverage(district, CoverageOptions(load_profile("yiwu"))).areas.set_index("code")
    for code in ("V1", "V2", "V3", "V4", "V5"):
        assert by_raster.loc[code, "population"] == pytest.approx(by_share.loc[code, "population"], abs=1)
        assert by_raster.loc[code, "covered_population"] == pytest.approx(
            by_share.loc[code, "covered_population"], rel=0.03, abs=5)


def test_raster_moves_people_where_they_live(district, tmp_path):
    # Everybody of the big community lives within 300 m of its station (0, 3000): fully covered.
    values = np.zeros((120, 140))
    col0, row0 = 70, int((7963 - 3000) / 100)  # pixel under the station
    values[row0 - 2:row0 + 3, col0 - 2:col0 + 3] = 100.0
    _write_tif(tmp_path / "dense.tif", values, west=X0 - 7037.0, north=Y0 + 7963.0)
    import_raster(district, tmp_path / "dense.tif", actor="t")
    areas = compute_coverage(district, CoverageOptions(load_profile("yiwu"))).areas.set_index("code")
    assert areas.loc["V3", "population"] == 40000 and areas.loc["V3", "covered_population"] == 40000
    # An area the raster leaves empty keeps its census people, spread evenly.
    assert areas.loc["V2", "population"] == 2000 and areas.loc["V2", "covered_population"] == 0


def test_newest_raster_is_active_and_cli_import(database_url, tmp_path):
    path = _uniform(tmp_path)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PLANNER_LANG": "en"}
    result = subprocess.run([PLANNER, "import", "population", str(path), "--db", database_url],
                            capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "140 × 120 pixels" in result.stdout and "84,000 people" in result.stdout
    from planner.registry.engine import make_engine

    engine = make_engine(database_url)
    raster = active_raster(engine)
    assert raster.values.shape == (120, 140) and raster.values.sum() == 84_000
    bad = subprocess.run([PLANNER, "import", "population", str(tmp_path / "missing.tif"), "--db", database_url],
                         capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert bad.returncode == 2 and "file not found" in bad.stderr
    engine.dispose()
