"""Coverage partitioned on a Dask LocalCluster of two worker processes gives the tables one process gives,
exactly: for every built-in profile, on a random district whose grid spans many tiles, with sites' discs
and gaps running across the tiles' borders, an area smaller than a cell, and a worker lost in the middle."""


import numpy as np
import pandas as pd
import pytest
from pyproj import CRS

from planner.coverage.compute import CoverageOptions, compute_coverage
from planner.coverage.spread import Spread
from planner.rules.profiles import BUILT_IN, load_profile
from planner.spatial.coverage import area_coverage, column_tiles, served_cells
from planner.spatial.grid import GridFrame, PopulationGrid
from tests.cli_support import run
from tests.conftest import prepared_database
from tests.coverage_support import BLOCK, load_files, to_lonlat, write_block_areas, write_csv
from tests.dask_support import two_workers, worker_dies_once
from tests.walking_support import load_river_registry

client = two_workers  # a LocalCluster of two worker processes, one per module

TILE = 16  # columns per tile: 100 m cells, so every disc of 500 m or more crosses a border
STRAIGHT = tuple(name for name in BUILT_IN if load_profile(name).metric == "straight")


def load_random_district(engine, folder, seed: int):
    """Blocks of random people (villages and communities, two townships), a 30 m hamlet (smaller than a
    cell), a few outlets and stations scattered over and around them, open applicants for the gaps."""
    rng = np.random.default_rng(seed)
    areas = write_block_areas(folder, rng, margin_m=0.0, jitter_m=300.0)

    def place():
        return to_lonlat(rng.uniform(-1500, 6 * BLOCK + 1500), rng.uniform(-1500, 3 * BLOCK + 1500))

    files = {
        "branches": write_csv(folder / "outlets.csv", ["机构号", "类型", "经度", "纬度"],
                           [[f"O{k}", rng.choice(["branch", "agency"]), *place()] for k in range(7)]),
        "stations": write_csv(folder / "stations.csv", ["机构号", "状态", "经度", "纬度"],
                           [[f"S{k}", rng.choice(["open", "listed_for_exit", "closed"]), *place()]
                            for k in range(9)]),
        "candidates": write_csv(folder / "candidates.csv", ["序号", "状态", "经度", "纬度"],
                             [[f"C{k}", "submitted", *place()] for k in range(5)]),
    }
    return load_files(engine, areas, files)


def assert_same_report(alone, spread):
    for name in ("areas", "parents", "gaps"):
        pd.testing.assert_frame_equal(getattr(spread, name), getattr(alone, name), check_exact=True)
    assert spread.totals == alone.totals
    assert np.array_equal(spread.served, alone.served) and spread.served.dtype == alone.served.dtype
    assert np.array_equal(spread.gap_labels, alone.gap_labels)


def _crossing_borders(report) -> bool:
    """Some gap and some site's disc each lie in more than one tile."""
    rows, cols = np.nonzero(report.gap_labels)
    gap_tiles = pd.Series(cols // TILE).groupby(report.gap_labels[rows, cols]).nunique()
    return bool(gap_tiles.max() > 1) and np.unique(np.nonzero(report.served)[1] // TILE).size > 1


@pytest.mark.parametrize("name", STRAIGHT)
def test_partitioned_coverage_gives_the_same_tables(engine, tmp_path, client, name):
    load_random_district(engine, tmp_path, seed=len(name))
    options = CoverageOptions(load_profile(name), assume_candidates=name == "shunyi")
    alone = compute_coverage(engine, options, tile_columns=TILE)
    spread = Spread(client)
    partitioned = compute_coverage(engine, options, spread=spread, tile_columns=TILE)
    assert_same_report(alone, partitioned)
    assert len(spread.seconds) == len(column_tiles(alone.grid.shape[1], TILE)) > 5
    assert alone.grid.orphan_area.size == 1  # the hamlet takes the careful sums
    assert _crossing_borders(alone)
    shares = alone.areas["covered_share"]
    assert ((shares > 0) & (shares < 1)).any() and len(alone.gaps) > 1  # partly covered areas, several gaps
    from planner.coverage.reports import write_coverage

    assert write_coverage(partitioned, tmp_path / "spread.csv").read_bytes() == \
        write_coverage(alone, tmp_path / "alone.csv").read_bytes()


def test_walking_coverage_partitions_the_straight_line_cells(engine, tmp_path, client):
    """heilongjiang: the straight-line figures come from the tiles, the cells served on foot from the caller."""
    load_river_registry(engine, tmp_path, areas=True, outlets=(("O1", (-5, 0)),))
    options = CoverageOptions(load_profile("heilongjiang"), cell_m=25.0)
    alone = compute_coverage(engine, options, tile_columns=TILE)
    partitioned = compute_coverage(engine, options, spread=Spread(client), tile_columns=TILE)
    assert_same_report(alone, partitioned)
    assert "covered_share_straight" in alone.areas and alone.grid.shape[1] > 3 * TILE


def test_a_worker_lost_in_the_middle_changes_nothing(engine, tmp_path, client):
    """The first worker to start a tile dies there (os._exit); Dask runs the tile again elsewhere."""
    load_random_district(engine, tmp_path, seed=11)
    options = CoverageOptions(load_profile("yiwu"))
    alone = compute_coverage(engine, options, tile_columns=TILE)
    with worker_dies_once(client, tmp_path / "killed", "_tile"):
        partitioned = compute_coverage(engine, options, spread=Spread(client), tile_columns=TILE)
    assert_same_report(alone, partitioned)


def _plane(rng, rows=37, cols=101):
    # An awkward origin and cell size: a tile's counts must still be the whole grid's, integer for integer.
    return GridFrame(CRS.from_epsg(4548), 437_123.4567 + rng.uniform(0, 1), 4_447_891.2345, 73.3, rows, cols)


def test_a_tile_counts_exactly_the_whole_grid_in_its_columns():
    rng = np.random.default_rng(5)
    plane = _plane(rng)
    cx, cy = plane.cell_centres()
    # Sites anywhere, some exactly a radius from a cell centre (the ties rounding would decide).
    x = np.concatenate([rng.uniform(cx[0] - 900, cx[-1] + 900, 300), cx[rng.integers(0, cx.size, 50)] + 400.0])
    y = np.concatenate([rng.uniform(cy[-1] - 900, cy[0] + 900, 300), cy[rng.integers(0, cy.size, 50)]])
    whole = plane.coverage_count(x, y, 400.0)
    assert whole.max() > 3
    for tile in (7, 16, 33, 101, 1024):
        for first, end in column_tiles(plane.cols, tile):
            part = plane.coverage_count(x, y, 400.0, columns=(first, end))
            assert part.dtype == np.int32 and np.array_equal(part, whole[:, first:end]), (tile, first)


def test_spread_on_a_bare_grid_equals_one_process(client):
    """Sites around and far outside the grid, and without a position; orphan-free one-pass sums."""
    rng = np.random.default_rng(8)
    frame = _plane(rng, rows=60, cols=150)
    people = rng.uniform(0, 50, frame.shape) * (rng.random(frame.shape) < 0.8)
    labels = rng.integers(-1, 12, frame.shape).astype(np.int32)
    grid = PopulationGrid(frame.crs, frame.west, frame.north, frame.cell_m, people, labels)
    cx, cy = grid.cell_centres()
    x = rng.uniform(cx[0] - 3000, cx[-1] + 3000, 80)
    y = rng.uniform(cy[-1] - 3000, cy[0] + 3000, 80)
    lon, lat = grid.unproject(x, y)
    lon, lat = np.append(lon, np.nan), np.append(lat, np.nan)
    whole = served_cells(grid, lon, lat, 1000.0)
    served, bins = Spread(client)(grid, lon, lat, 1000.0, 12, tile_columns=TILE)
    assert np.array_equal(served, whole) and whole.max() > 2 and (whole == 0).any()
    alone, spread = area_coverage(grid, whole, 12, tile_columns=TILE), area_coverage(grid, served, 12, bins=bins)
    for field in ("population", "covered", "served_twice"):
        assert getattr(alone, field).tobytes() == getattr(spread, field).tobytes()


def test_cli_coverage_with_workers_writes_the_same_file(database_url, tmp_path):
    url = prepared_database(database_url, lambda engine: load_random_district(engine, tmp_path, seed=3))
    alone = run("coverage", "-o", "alone.csv", "--db", url, cwd=tmp_path)
    assert alone.returncode == 0, alone.stderr
    spread = run("coverage", "--workers", "2", "-o", "spread.csv", "--db", url, cwd=tmp_path)
    assert spread.returncode == 0, spread.stderr
    assert (tmp_path / "spread.csv").read_bytes() == (tmp_path / "alone.csv").read_bytes()
    both = run("coverage", "--workers", "2", "--scheduler", "tcp://127.0.0.1:1", "--db", url, cwd=tmp_path)
    assert both.returncode == 2 and "--scheduler" in both.stderr
