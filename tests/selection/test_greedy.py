"""The greedy choice, touching only the cells and rows each pick changes, equals the whole-grid sweep it
replaced: the same picks in the same order with the same gains, bit for bit (ties included)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from pyproj import CRS

from planner.selection.greedy import greedy_selection
from planner.spatial.grid import PopulationGrid


def _grid(weights: np.ndarray, crs: str) -> PopulationGrid:
    rows, cols = weights.shape
    return PopulationGrid(CRS.from_proj4(crs), -cols * 50.0 + 12_345.6, rows * 50.0, 100.0, weights,
                          np.zeros(weights.shape, np.int32))


def _whole_grid_greedy(grid, uncovered, x, y, radius_m, n, eligible, pair_i, pair_j):
    """The greedy as first written: every pick's served cells and its neighbours' gains over the whole grid."""
    remaining = uncovered.copy()
    gains = np.where(eligible, grid.disc_sums(remaining, x, y, radius_m), -np.inf)
    blocked = ~np.asarray(eligible, bool)
    neighbours = [[] for _ in range(x.size)]
    for a, b in zip(pair_i, pair_j):
        neighbours[a].append(b)
        neighbours[b].append(a)
    reach = 2.0 * radius_m * float(np.max(grid.scale_factor(x, y))) + 2.0 * grid.cell_m
    picks, picked = [], []
    while len(picks) < n:
        gains[blocked] = -np.inf
        best = int(np.argmax(gains))
        if not np.isfinite(gains[best]) or gains[best] <= 0:
            break
        picks.append(best)
        picked.append(float(gains[best]))
        blocked[best] = True
        blocked[neighbours[best]] = True
        remaining[grid.coverage_count(x[best:best + 1], y[best:best + 1], radius_m) > 0] = 0.0
        near = np.flatnonzero(~blocked & (np.hypot(x - x[best], y - y[best]) <= reach))
        if near.size:
            gains[near] = grid.disc_sums(remaining, x[near], y[near], radius_m)
    return picks, picked


@pytest.mark.parametrize("seed", range(6))
def test_local_greedy_equals_the_whole_grid_sweep(seed):
    rng = np.random.default_rng(seed)
    # Off the central meridian (scale factors above 1), people as fractions and as whole numbers (ties).
    crs = f"+proj=tmerc +lon_0={116 + seed % 3} +k=1 +x_0=500000 +y_0=0 +ellps=WGS84 +units=m +no_defs"
    shape = (70, 90)
    people = rng.random(shape) * 40 if seed % 2 else rng.integers(0, 4, shape).astype(float)
    grid = _grid(people * (rng.random(shape) < 0.6), crs)
    west, north = grid.west, grid.north
    n_points = 60
    x = rng.uniform(west - 300, west + 9300, n_points)  # some discs reach past the grid's edges
    y = rng.uniform(north - 7300, north + 300, n_points)
    eligible = rng.random(n_points) < 0.9
    close = [(a, b) for a, b in itertools.combinations(range(n_points), 2) if np.hypot(x[a] - x[b], y[a] - y[b]) < 500]
    pair_i, pair_j = [a for a, _ in close], [b for _, b in close]
    radius = 450.0 + 37.3 * seed
    picks, gains = greedy_selection(grid, grid.population, x, y, radius, 25, eligible=eligible, pair_i=pair_i,
                                    pair_j=pair_j)
    expected, expected_gains = _whole_grid_greedy(grid, grid.population, x, y, radius, 25, eligible, pair_i, pair_j)
    assert picks.tolist() == expected
    assert gains.tolist() == expected_gains  # bit for bit
    assert len(expected) >= 10
