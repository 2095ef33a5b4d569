"""Coverage of a grid too large to hold, computed band by band of rows, gives the whole grid's tables.

The limit is lowered and the bands made a few rows high, so a small district runs the banded path over many
bands. Per-area figures (people, covered, served twice, centres) are the whole grid's bit for bit: the bands
continue the whole grid's additions in its order. A gap's people and centre are added piece by piece across
bands, cell by cell in the whole grid: those agree to their last bits only, so they are compared with a
relative tolerance of 1e-12; gap order, cells and areas are compared exactly.
"""


import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

import planner.spatial.band_gaps as band_gaps
import planner.spatial.band_sums as band_sums
import planner.spatial.bands as bands
from planner.cli.main import main
from planner.coverage.compute import CoverageOptions, compute_coverage
from planner.coverage.reports import write_coverage
from planner.errors import UsageError
from planner.rules.profiles import load_profile
from planner.spatial.band_gaps import BandGaps
from planner.spatial.band_sums import BandSums
from planner.spatial.coverage import area_coverage, find_gaps, population_centres
from planner.spatial.grid import GridFrame
from tests.banded_support import diagonal, forced_limits, load_banded_district, random_grid
from tests.conftest import prepared_database
from tests.coverage_support import CRS as DISTRICT_CRS
from tests.coverage_support import X0, Y0, square, to_lonlat

forced = forced_limits  # any grid is too large to hold, and a band is a few rows of it


def _same_frames(banded: pd.DataFrame, whole: pd.DataFrame):
    assert list(banded.columns) == list(whole.columns) and len(banded) == len(whole)
    for column in whole.columns:
        if pd.api.types.is_float_dtype(whole[column]):
            assert np.allclose(banded[column], whole[column], rtol=1e-12, atol=0, equal_nan=True), column
        else:
            assert banded[column].tolist() == whole[column].tolist(), column


def _whole_then_banded(engine, forced, band_cells=300):
    """The coverage of the registry in `engine` whole, then forced band by band (bands of `band_cells`)."""
    options = CoverageOptions(load_profile("yiwu"))
    whole = compute_coverage(engine, options)
    forced(band_cells)
    return whole, compute_coverage(engine, options)


@pytest.mark.parametrize("band_cells", [1, 300])
def test_banded_coverage_gives_the_whole_grids_tables(engine, tmp_path, forced, band_cells):
    load_banded_district(engine, tmp_path)
    whole, banded = _whole_then_banded(engine, forced, band_cells)
    assert banded.grid is None and banded.served is None and banded.gap_labels is None
    pd.testing.assert_frame_equal(banded.areas, whole.areas, check_exact=True)
    pd.testing.assert_frame_equal(banded.parents, whole.parents, check_exact=True)
    _same_frames(banded.gaps, whole.gaps)
    assert banded.totals == whole.totals
    areas = banded.areas.set_index("code")
    assert areas.loc["H1", "population"] == 37 and areas.loc["H1", "covered_population"] == 37  # the hamlet
    assert whole.grid.orphan_area.size == 1
    shares = whole.areas["covered_share"]
    assert ((shares > 0) & (shares < 1)).any() and len(whole.gaps) > 5


def test_banded_coverage_with_a_population_raster(engine, tmp_path, forced):
    """Raster people over part of the district (some areas keep the census spread): the same tables."""
    import rasterio
    from rasterio.transform import from_origin

    from planner.registry.population_raster import import_raster

    load_banded_district(engine, tmp_path)
    values = np.random.default_rng(5).integers(0, 40, (50, 70)).astype("float32")
    values[:, 55:] = 0.0  # the eastern blocks: no raster people, the census spread stays
    with rasterio.open(tmp_path / "pop.tif", "w", driver="GTiff", height=50, width=70, count=1, dtype="float32",
                       crs=f"EPSG:{DISTRICT_CRS}", transform=from_origin(X0 - 1037.0, Y0 + 5463.0, 150.0, 150.0),
                       nodata=-1) as dst:
        dst.write(values, 1)
    import_raster(engine, tmp_path / "pop.tif", actor="test")
    whole, banded = _whole_then_banded(engine, forced)
    assert banded.grid is None
    pd.testing.assert_frame_equal(banded.areas, whole.areas, check_exact=True)
    _same_frames(banded.gaps, whole.gaps)


def test_a_gap_across_many_bands_is_one_gap(engine, tmp_path, forced):
    load_banded_district(engine, tmp_path)
    whole, banded = _whole_then_banded(engine, forced)
    diagonal = banded.gaps[banded.gaps["area_code"] == "D1"]
    expected = whole.gaps[whole.gaps["area_code"] == "D1"]
    assert diagonal[["gap", "cells", "population"]].values.tolist() == \
        expected[["gap", "cells", "population"]].values.tolist()
    rank = int(expected["gap"].iloc[0])
    rows = np.unique(np.nonzero(whole.gap_labels == rank)[0])
    band_rows = 300 // whole.grid.shape[1]
    assert np.unique(rows // band_rows).size > 10  # the gap crosses more than ten band borders


def test_tables_of_a_banded_grid_are_written_and_its_maps_refused(engine, tmp_path, forced):
    load_banded_district(engine, tmp_path)
    whole, banded = _whole_then_banded(engine, forced)
    assert write_coverage(banded, tmp_path / "b.csv").read_bytes() == \
        write_coverage(whole, tmp_path / "w.csv").read_bytes()
    assert write_coverage(banded, tmp_path / "b.xlsx").stat().st_size > 0
    for suffix in (".gpkg", ".html"):
        with pytest.raises(UsageError, match="1,000 cells"):
            write_coverage(banded, tmp_path / f"b{suffix}")
    with pytest.raises(UsageError, match="band by band"):
        compute_coverage(engine, CoverageOptions(load_profile("yiwu")), for_suffix=".gpkg")


def test_walking_over_the_limit_is_refused(engine, tmp_path, forced):
    load_banded_district(engine, tmp_path)
    forced(300)
    with pytest.raises(UsageError, match="on foot needs the whole grid"):
        compute_coverage(engine, CoverageOptions(load_profile("heilongjiang")))


def test_cli_refuses_a_geopackage_of_a_banded_grid(database_url, tmp_path, forced, capsys):
    prepared_database(database_url, lambda engine: load_banded_district(engine, tmp_path))
    forced(300)
    with pytest.raises(SystemExit) as stopped:
        main(["coverage", "--db", database_url, "-o", str(tmp_path / "c.gpkg")])
    assert stopped.value.code == 2
    said = capsys.readouterr().err  # in the language planner.cli.main read at import
    assert ".gpkg" in said and "1,000" in said and not (tmp_path / "c.gpkg").exists()
    with pytest.raises(SystemExit) as done:
        main(["coverage", "--db", database_url, "-o", str(tmp_path / "c.csv")])
    assert done.value.code == 0 and (tmp_path / "c.csv").stat().st_size > 0


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("whole_people", [True, False])
@pytest.mark.parametrize(("band_rows", "chunk_cells"), [(1, None), (2, None), (7, None), (7, 1), (9, 60)])
def test_band_kernels_match_the_whole_grid_kernels(seed, whole_people, band_rows, chunk_cells, monkeypatch):
    """`chunk_cells`: a band is added a row or two at a time."""
    if chunk_cells:
        monkeypatch.setattr(band_sums, "_CHUNK_CELLS", chunk_cells)
        monkeypatch.setattr(band_gaps, "_CHUNK_CELLS", chunk_cells)
    grid, served, n = random_grid(seed, whole_people)
    rows, cols = grid.shape
    frame = GridFrame(grid.crs, grid.west, grid.north, grid.cell_m, rows, cols)
    sums, gaps = BandSums(frame, n, grid.orphan_cell, tile_columns=8), BandGaps(frame)
    for first in range(0, rows, band_rows):
        end = min(first + band_rows, rows)
        part = (first, grid.population[first:end], grid.area_index[first:end], served[first:end])
        sums.add(*part)
        gaps.add(*part)
    labelled = np.bincount(grid.area_index.ravel() + 1, minlength=n + 1)[1:]
    assert np.array_equal(sums.cell_counts(), labelled) and not labelled[-2:].any()  # the orphans hold no cell
    expected = area_coverage(grid, served, n, tile_columns=8)
    got = sums.coverage(grid.orphan_area, grid.orphan_population)
    for name in ("population", "covered", "served_twice"):
        assert np.array_equal(getattr(got, name), getattr(expected, name)), name  # bit for bit
    for a, b in zip(sums.centres(grid.orphan_area, grid.orphan_population), population_centres(grid, n)):
        assert np.array_equal(a, b, equal_nan=True)
    _, table = find_gaps(grid, served)
    got_gaps = gaps.table()
    assert len(got_gaps) == len(table) > 10
    assert table["population"].duplicated().any() or not whole_people  # ties to order
    assert got_gaps[["gap", "cells", "area"]].values.tolist() == table[["gap", "cells", "area"]].values.tolist()
    for column in ("population", "lon", "lat"):
        assert np.allclose(got_gaps[column].astype(float), table[column].astype(float), rtol=1e-12, atol=0)


@pytest.mark.parametrize("with_sites", [False, True])
def test_banded_coverage_of_bare_polygons(with_sites, monkeypatch):
    """No registry: polygons, people and sites straight to banded_coverage, against the whole grid's kernels."""
    from planner.coverage.banded import banded_coverage
    from planner.spatial.coverage import served_cells
    from planner.spatial.grid import build_population_grid

    monkeypatch.setattr(bands, "BAND_CELLS", 200)
    shapes = gpd.GeoSeries([square(0, 0, 900), square(2500, 700, 600), square(20, 20, 20), diagonal()],
                           crs=DISTRICT_CRS).to_crs(4326).values
    people = np.array([1234.5, 777.0, 12.0, 3001.0])
    lon, lat = (np.array(v) for v in zip(to_lonlat(0, 0), to_lonlat(2500, 1200))) if with_sites else ([], [])
    found = banded_coverage(shapes, people, lon, lat, 500.0, cell_m=100.0, tile_columns=8)
    grid = build_population_grid(shapes, people, cell_m=100.0, margin_m=500.0)
    served = served_cells(grid, lon, lat, 500.0)
    expected = area_coverage(grid, served, 4, tile_columns=8)
    assert found.bands > 10 and grid.orphan_area.tolist() == [2]
    for name in ("population", "covered", "served_twice"):
        assert np.array_equal(getattr(found.stats, name), getattr(expected, name)), name
    assert all(np.array_equal(a, b) for a, b in zip((found.lon, found.lat), population_centres(grid, 4)))
    _, gaps = find_gaps(grid, served)
    assert found.gaps[["gap", "cells", "area"]].values.tolist() == gaps[["gap", "cells", "area"]].values.tolist()
    assert np.allclose(found.gaps["population"].astype(float), gaps["population"].astype(float), rtol=1e-12)
