"""Banded coverage with its bands built on a Dask LocalCluster of two worker processes gives the tables of
the banded run in one process, exactly: per-area sums and centres bit for bit, and the very same gaps table
(the caller adds the bands' populated cells in band order, as one process adds the bands). Overlapping areas
(a band's task numbers its areas afresh), an area smaller than a cell, a population raster over part of the
district, a gap across many bands, and a worker lost in the middle."""

import numpy as np
import pandas as pd
import pytest

import planner.spatial.band_sums as band_sums
import planner.spatial.bands as bands
from planner.coverage.band_spread import BandInputs
from planner.coverage.banded import banded_coverage
from planner.coverage.compute import CoverageOptions, compute_coverage
from planner.coverage.spread import Spread
from planner.rules.profiles import load_profile
from planner.spatial.band_sums import BandSums, PopulatedCells
from planner.spatial.bands import BandSites, GridBands
from planner.spatial.grid import GridFrame
from tests.banded_support import (
    banded_areas,
    banded_raster,
    banded_sites,
    forced_limits,
    load_banded_district,
    random_grid,
)
from tests.dask_support import two_workers, worker_dies_once

client = two_workers  # a LocalCluster of two worker processes, one per module
forced = forced_limits  # any grid is too large to hold, and a band is a few rows of it


def _same(spread, alone):
    for name in ("population", "covered", "served_twice"):
        assert getattr(spread.stats, name).tobytes() == getattr(alone.stats, name).tobytes(), name
    assert spread.lon.tobytes() == alone.lon.tobytes() and spread.lat.tobytes() == alone.lat.tobytes()
    pd.testing.assert_frame_equal(spread.gaps, alone.gaps, check_exact=True)
    assert spread.bands == alone.bands


def _both(client, monkeypatch, folder, *, raster=None, band_cells=300):
    """The banded coverage of the district's areas in one process, then with its bands on the cluster."""
    monkeypatch.setattr(bands, "BAND_CELLS", band_cells)
    polygons, people, codes = banded_areas(folder)
    lon, lat = banded_sites()
    alone = banded_coverage(polygons, people, lon, lat, 500.0, cell_m=100.0, raster=raster, tile_columns=16)
    spread = Spread(client)
    return alone, banded_coverage(polygons, people, lon, lat, 500.0, cell_m=100.0, raster=raster,
                                  tile_columns=16, spread=spread), spread, codes


@pytest.mark.parametrize("with_raster", [False, True])
def test_bands_on_workers_give_the_banded_tables(client, monkeypatch, tmp_path, with_raster):
    """The diagonal village overlaps the blocks it crosses (the higher area wins: a band's task numbers its
    areas afresh, in their order); the 30 m hamlet holds no cell centre."""
    alone, spread, used, codes = _both(client, monkeypatch, tmp_path, raster=banded_raster() if with_raster else None)
    _same(spread, alone)
    assert alone.bands > 10 and len(used.seconds) == alone.bands and min(used.seconds) > 0
    assert len(alone.gaps) > 5 and (alone.stats.covered > 0).any() and (alone.stats.population > 0).all()
    hamlet = codes == "H1"
    assert alone.stats.population[hamlet].tolist() == [37.0] and np.isfinite(alone.lon[hamlet]).all()
    assert (alone.gaps["area"] == np.flatnonzero(codes == "D1")[0]).any()


def test_a_worker_lost_in_the_middle_changes_nothing(client, monkeypatch, tmp_path):
    """The first worker to start a band dies there (os._exit); Dask runs the band again elsewhere."""
    with worker_dies_once(client, tmp_path / "killed", "_band_cells"):
        alone, spread, _, _ = _both(client, monkeypatch, tmp_path)
    _same(spread, alone)


def test_compute_coverage_with_workers_gives_the_banded_tables(engine, tmp_path, forced, client):
    load_banded_district(engine, tmp_path)
    forced(300)
    options = CoverageOptions(load_profile("yiwu"))
    alone = compute_coverage(engine, options)
    spread = Spread(client)
    partitioned = compute_coverage(engine, options, spread=spread)
    assert partitioned.grid is None and partitioned.served is None and partitioned.gap_labels is None
    for name in ("areas", "parents", "gaps"):
        pd.testing.assert_frame_equal(getattr(partitioned, name), getattr(alone, name), check_exact=True)
    assert partitioned.totals == alone.totals
    assert len(spread.seconds) > 10 and len(alone.gaps) > 5
    assert alone.areas.set_index("code").loc["H1", "population"] == 37  # the 30 m hamlet


@pytest.mark.parametrize("with_raster", [False, True])
def test_a_bands_task_carries_what_builds_the_whole_grids_band(tmp_path, with_raster):
    """No cluster: each band's own inputs (edges crossing it, areas numbered afresh, its pixels and sites) build
    exactly the people, areas and served counts the whole grid's bands have there, empty cells included."""
    polygons, people, _ = banded_areas(tmp_path)
    lon, lat = banded_sites()
    grid_bands = GridBands.build(polygons, people, cell_m=100.0, margin_m=500.0, band_cells=300,
                                 raster=banded_raster() if with_raster else None)
    sites = BandSites(grid_bands.frame, lon, lat, 500.0)
    inputs = BandInputs(grid_bands, sites)
    shown = 0
    for first, end in grid_bands.bands():
        part, slots, x, y = inputs(first, end)
        people_here, fresh = part.band(first, end)
        expected_people, expected_labels = grid_bands.band(first, end)
        assert people_here.tobytes() == expected_people.tobytes()
        assert np.array_equal(slots[fresh + 1] - 1, expected_labels)
        assert np.array_equal(part.frame.coverage_count(x, y, 500.0, rows=(first, end)), sites.count(first, end))
        assert part.edges.owner.size < grid_bands.edges.owner.size
        shown += len(np.unique(expected_labels)) > 2  # bands where areas meet
    assert shown > 5


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize(("band_rows", "chunk_cells"), [(1, None), (7, None), (9, 60)])
def test_a_band_as_its_populated_cells_adds_the_same(seed, band_rows, chunk_cells, monkeypatch):
    """PopulatedCells (a worker's answer) into BandSums, against the bands themselves: the same sums, bit for
    bit, with an orphan's host cell served more than twice."""
    if chunk_cells:
        monkeypatch.setattr(band_sums, "_CHUNK_CELLS", chunk_cells)
    grid, served, n = random_grid(seed, whole_people=False)
    served[grid.orphan_cell[0] // grid.shape[1], grid.orphan_cell[0] % grid.shape[1]] = 5
    rows, cols = grid.shape
    frame = GridFrame(grid.crs, grid.west, grid.north, grid.cell_m, rows, cols)
    sums, sums_of_cells = (BandSums(frame, n, grid.orphan_cell, tile_columns=8) for _ in range(2))
    kept = 0
    for first in range(0, rows, band_rows):
        end = min(first + band_rows, rows)
        people, labels, counts = grid.population[first:end], grid.area_index[first:end], served[first:end]
        sums.add(first, people, labels, counts)
        cells = PopulatedCells.of(people, labels + 1, counts, grid.orphan_cell - first * cols)
        sums_of_cells.add_populated(first, cells)
        kept += cells.people.size
    assert kept < grid.population.size and np.array_equal(sums_of_cells.cell_counts(), sums.cell_counts())
    got, expected = (s.coverage(grid.orphan_area, grid.orphan_population) for s in (sums_of_cells, sums))
    for name in ("population", "covered", "served_twice"):
        assert getattr(got, name).tobytes() == getattr(expected, name).tobytes(), name
    for a, b in zip(sums_of_cells.centres(grid.orphan_area, grid.orphan_population),
                    sums.centres(grid.orphan_area, grid.orphan_population)):
        assert a.tobytes() == b.tobytes()
