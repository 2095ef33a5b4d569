"""The grid band by band (planner.spatial.bands): every band holds exactly the whole grid's people and labels
in its rows, so sums kept band by band are the whole grid's, bit for bit."""

import numpy as np
import pytest
import shapely
from pyproj import CRS

from planner.registry.population_raster import Raster
from planner.rules.region import area_reach, coarse_blocks, reach_block, reach_of_blocks
from planner.spatial.bands import GridBands, prefix_band
from planner.spatial.grid import build_population_grid
from planner.spatial.plane import RowPrefixes
from planner.spatial.rasterize import RingEdges, label_cells, label_rows


def _areas(seed=3):
    """Irregular villages over about 6 × 5 km, overlapping ones, tiny ones (no cell centre: their people
    sit at a point), a hole, and a NaN population."""
    rng = np.random.default_rng(seed)
    polygons, people = [], []
    for _ in range(60):
        cx, cy = rng.uniform(118.0, 118.06), rng.uniform(30.0, 30.045)
        ring = np.column_stack([cx + rng.uniform(-0.006, 0.006, 7), cy + rng.uniform(-0.005, 0.005, 7)])
        polygon = shapely.Polygon(ring).convex_hull
        polygons.append(polygon)
        people.append(rng.integers(100, 5000))
    for k in range(6):  # tiny
        polygons.append(shapely.box(118.01 + k * 0.007, 30.01, 118.01 + k * 0.007 + 0.0002, 30.0102))
        people.append(300 + k)
    polygons.append(shapely.box(118.0, 30.0, 118.03, 30.02).difference(shapely.box(118.01, 30.005, 118.02, 30.015)))
    people.append(np.nan)
    return np.array(polygons, dtype=object), np.array(people, dtype=float)


def _raster(crs):
    """Pixels of 250 m over part of the areas, with some areas left without raster people."""
    rng = np.random.default_rng(5)
    values = rng.integers(0, 40, (14, 10)).astype(float)
    values[rng.random(values.shape) < 0.3] = 0.0
    return Raster(values, (0.0025, 0.0, 118.0, 0.0, -0.0025, 30.045), CRS.from_epsg(4326).to_wkt(), "test")


def _stacked(bands):
    people, labels = zip(*(bands.band(first, end) for first, end in bands.bands()))
    return np.vstack(people), np.vstack(labels)


@pytest.mark.parametrize("with_raster", [False, True])
@pytest.mark.parametrize("band_cells", [1, 900, 10**9])
def test_bands_hold_the_whole_grids_people_and_labels_exactly(with_raster, band_cells):
    polygons, people = _areas()
    whole = build_population_grid(polygons, people, cell_m=100.0, margin_m=300.0,
                                  raster=_raster(None) if with_raster else None)
    bands = GridBands.build(polygons, people, cell_m=100.0, margin_m=300.0,
                            raster=_raster(None) if with_raster else None, band_cells=band_cells, row_multiple=3)
    assert bands.frame.shape == whole.shape and bands.frame.crs == whole.crs
    if band_cells == 1:
        assert bands.band_rows == 3  # a whole number of the multiple, at least one
    population, labels = _stacked(bands)
    assert np.array_equal(labels, whole.area_index)
    assert np.array_equal(population, whole.population)  # bit for bit, orphans and raster included
    assert whole.orphan_cell.size and np.array_equal(np.sort(bands.orphan_cell), np.sort(whole.orphan_cell))
    if not with_raster:
        assert population.sum() == pytest.approx(np.nansum(people))  # every person kept, tiny areas' too


def test_prefix_bands_and_reach_blocks_are_the_whole_grids():
    polygons, people = _areas(seed=8)
    whole = build_population_grid(polygons, people, cell_m=50.0, margin_m=500.0)
    block = reach_block(50.0)
    bands = GridBands.build(polygons, people, cell_m=50.0, margin_m=500.0, band_cells=2_000, row_multiple=block)
    rows, cols = bands.frame.shape
    assert len(list(bands.bands())) > 3
    out = np.full((rows, cols + 1), np.nan)
    coarse = []
    for first, end in bands.bands():
        values, labels = bands.band(first, end)
        prefix_band(values, out[first:end])
        coarse.append(coarse_blocks(labels >= 0, block))
    assert np.array_equal(out.ravel(), RowPrefixes.of(whole, [whole.population]).prefixes[0])
    assert np.array_equal(reach_of_blocks(bands.frame, block, np.vstack(coarse)).blocks, area_reach(whole).blocks)


def test_label_rows_are_the_whole_labels_of_those_rows():
    polygons, _ = _areas(seed=11)
    edges = RingEdges.of(polygons)
    whole = label_cells(polygons, west=118.0, north=30.05, cell=0.0007, shape=(70, 90))
    for first, end in ((0, 1), (5, 23), (69, 70), (0, 70)):
        assert np.array_equal(label_rows(edges, west=118.0, north=30.05, cell=0.0007, rows=(first, end), cols=90),
                              whole[first:end])


def test_a_bands_site_counts_are_the_whole_grids_in_its_rows():
    polygons, people = _areas()
    grid = build_population_grid(polygons, people, cell_m=100.0, margin_m=300.0)
    rng = np.random.default_rng(2)
    x = rng.uniform(grid.west, grid.west + grid.shape[1] * 100.0, 40)
    y = rng.uniform(grid.north - grid.shape[0] * 100.0, grid.north, 40)
    whole = grid.coverage_count(x, y, 700.0)
    assert whole.max() >= 2
    for first, end in ((0, 7), (7, 30), (30, grid.shape[0])):
        assert np.array_equal(grid.coverage_count(x, y, 700.0, rows=(first, end)), whole[first:end])


@pytest.mark.parametrize("window_cells", [1_000, 10**9])
@pytest.mark.parametrize("gap", [1, 30, 10**6])
def test_run_prefixes_give_the_whole_rows_disc_sums_bit_for_bit(gap, window_cells, monkeypatch):
    """Sparse people (blocks, scattered cells, empty rows) kept by runs, band by band: every disc sum, also
    discs over empty rows, past the grid's edges and between runs, is the whole rows' one; also when the
    points are taken block of columns by block, each reading a window copied out a row at a time."""
    from planner.spatial import run_prefixes
    from planner.spatial.plane import GridFrame
    from planner.spatial.run_prefixes import RunPrefixes, band_runs

    monkeypatch.setattr(run_prefixes, "WINDOW_CELLS", window_cells)

    rng = np.random.default_rng(0)
    rows, cols = 120, 700
    people = np.zeros((rows, cols))
    for _ in range(40):
        r, c = rng.integers(0, rows), rng.integers(0, cols)
        people[max(0, r - 5):r + 5, max(0, c - 20):c + 20] = rng.uniform(1, 50)
    people[rng.random(people.shape) < 0.02] = rng.uniform(0, 3)
    people[50:60] = 0.0
    unserved = np.where(rng.random(people.shape) < 0.5, 0.0, people)
    frame = GridFrame(CRS.from_epsg(4547), 400000.0, 3300000.0, 100.0, rows, cols)
    whole = RowPrefixes.of(frame, [people, unserved])
    keys, lengths, kept = [], [], [[np.zeros(1)], [np.zeros(1)]]
    for first in range(0, rows, 17):
        end = min(first + 17, rows)
        prefixes = [np.empty((end - first, cols + 1)) for _ in range(2)]
        prefix_band(people[first:end], prefixes[0])
        prefix_band(unserved[first:end], prefixes[1])
        k, n, values = band_runs(people[first:end], prefixes, first, gap=gap)
        keys.append(k)
        lengths.append(n)
        for part, v in zip(kept, values):
            part.append(v)
    runs = RunPrefixes.of_runs(frame, np.concatenate(keys), np.concatenate(lengths), [np.concatenate(p) for p in kept])
    if gap == 1:
        assert runs.kept_cells < whole.prefixes[0].size / 2
    x = rng.uniform(399_000, 400_000 + cols * 100 + 1000, 5000)
    y = rng.uniform(3_300_000 - rows * 100 - 1000, 3_301_000, 5000)
    for radius in (50.0, 800.0):
        got, expected = runs.disc_sums(x, y, radius), whole.disc_sums(x, y, radius)
        assert all(np.array_equal(a, b) for a, b in zip(got, expected))
        assert (expected[0] > 0).mean() > 0.1  # many discs hold people, many do not
