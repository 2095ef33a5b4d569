"""The exact best set of N: proved optimal against brute force, and better than greedy where greedy errs."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from pyproj import CRS

from planner.selection.exact import exact_selection
from planner.selection.greedy import greedy_selection
from planner.spatial.grid import PopulationGrid

RADIUS = 300.0


def _grid(weights: np.ndarray) -> PopulationGrid:
    """A 100 m grid in a transverse Mercator whose scale factor is 1 on its central meridian."""
    crs = CRS.from_proj4("+proj=tmerc +lon_0=116 +k=1 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs")
    rows, cols = weights.shape
    return PopulationGrid(crs, -cols * 50.0, rows * 50.0, 100.0, weights.astype(float),
                          np.zeros(weights.shape, np.int32))


def _served(grid, weights, x, y, chosen) -> float:
    if not chosen:
        return 0.0
    picks = np.asarray(chosen)
    return float(weights[grid.coverage_count(x[picks], y[picks], RADIUS) > 0].sum())


def _brute_force(grid, weights, x, y, n, eligible, pairs) -> float:
    best = 0.0
    options = [j for j in range(x.size) if eligible[j]]
    for size in range(1, n + 1):
        for subset in itertools.combinations(options, size):
            if any(a in subset and b in subset for a, b in pairs):
                continue
            best = max(best, _served(grid, weights, x, y, list(subset)))
    return best


@pytest.mark.parametrize("seed", range(6))
def test_exact_matches_brute_force_on_random_instances(seed):
    rng = np.random.default_rng(seed)
    weights = rng.integers(0, 50, (30, 30)).astype(float) * (rng.random((30, 30)) < 0.6)
    grid = _grid(weights)
    x = rng.uniform(-1200, 1200, 11)
    y = rng.uniform(-1200, 1200, 11)
    eligible = rng.random(11) < 0.85
    pairs = [(a, b) for a, b in itertools.combinations(range(11), 2) if np.hypot(x[a] - x[b], y[a] - y[b]) < 350]
    n = 3
    found = exact_selection(grid, weights, x, y, RADIUS, n, eligible=eligible,
                            pair_i=[a for a, _ in pairs], pair_j=[b for _, b in pairs])
    assert found.status == "Optimal"
    chosen = found.picks.tolist()
    assert len(chosen) <= n and all(eligible[j] for j in chosen)
    assert not any(a in chosen and b in chosen for a, b in pairs)
    assert found.covered == pytest.approx(_served(grid, weights, x, y, chosen))
    assert found.covered == pytest.approx(_brute_force(grid, weights, x, y, n, eligible, pairs))
    assert np.all(np.diff(found.gains) <= 1e-9)  # listed best addition first


def test_exact_beats_greedy_where_greedy_takes_the_middle():
    """A middle site that reaches the richest cells of two side sites: greedy takes it first and loses."""
    weights = np.zeros((9, 21))  # cell centres of row 4 at x = (col - 10) × 100 m, y = 0
    weights[4, [7, 9, 11, 13]] = [35.0, 40.0, 40.0, 35.0]
    weights[4, 10] = 30.0
    grid = _grid(weights)
    x = np.array([-200.0, 0.0, 200.0])  # A reaches cols 7–9 (75), M cols 9–11 (110), B cols 11–13 (75)
    y = np.zeros(3)
    common = {"eligible": np.ones(3, bool), "pair_i": [], "pair_j": []}
    greedy, _ = greedy_selection(grid, weights, x, y, 150.0, 2, **common)
    exact = exact_selection(grid, weights, x, y, 150.0, 2, **common)
    assert greedy.tolist()[0] == 1 and _served_r(grid, weights, x, y, greedy.tolist(), 150.0) == 145.0
    assert sorted(exact.picks.tolist()) == [0, 2] and exact.covered == 150.0


def _served_r(grid, weights, x, y, chosen, radius):
    picks = np.asarray(chosen)
    return float(weights[grid.coverage_count(x[picks], y[picks], radius) > 0].sum())


def _ordered_on_the_whole_grid(grid, weights, x, y, radius, chosen):
    """The order as it was first written: disc sums and covered cells over the whole grid, pick by pick."""
    remaining = weights.astype(float).copy()
    left, picks, gains = list(chosen), [], []
    while left:
        sums = grid.disc_sums(remaining, x[left], y[left], radius)
        best = int(np.argmax(sums))
        j = left.pop(best)
        picks.append(j)
        gains.append(float(sums[best]))
        remaining[grid.coverage_count(x[j:j + 1], y[j:j + 1], radius) > 0] = 0.0
    return picks, gains


@pytest.mark.parametrize("seed", range(4))
def test_the_chosen_set_is_ordered_from_its_own_cells_as_over_the_whole_grid(seed):
    """The order and gains come from the chosen discs' cells alone (a province's 500 picks no longer sweep a
    16 M-cell grid 500 times); they are those of the whole-grid sweep, discs at the grid's edge included."""
    rng = np.random.default_rng(seed)
    weights = rng.integers(0, 50, (40, 40)).astype(float) * (rng.random((40, 40)) < 0.5)
    grid = _grid(weights)
    x, y = rng.uniform(-2300, 2300, 14), rng.uniform(-2300, 2300, 14)
    found = exact_selection(grid, weights, x, y, RADIUS, 8, eligible=np.ones(14, bool), pair_i=[], pair_j=[])
    picks, gains = _ordered_on_the_whole_grid(grid, weights, x, y, RADIUS, sorted(found.picks.tolist()))
    assert found.picks.tolist() == picks
    np.testing.assert_allclose(found.gains, gains, rtol=0, atol=1e-9)
    assert found.covered == pytest.approx(_served(grid, weights, x, y, picks))


def test_a_gap_stops_early_and_says_how_far_from_the_best():
    rng = np.random.default_rng(9)
    weights = rng.integers(0, 50, (60, 60)).astype(float) * (rng.random((60, 60)) < 0.7)
    grid = _grid(weights)
    x, y = rng.uniform(-2800, 2800, 120), rng.uniform(-2800, 2800, 120)
    common = {"eligible": np.ones(120, bool), "pair_i": [], "pair_j": []}
    proved = exact_selection(grid, weights, x, y, RADIUS, 12, **common)
    near = exact_selection(grid, weights, x, y, RADIUS, 12, gap=0.05, **common)
    assert proved.status == near.status == "Optimal" and proved.gap == 0.0
    assert 0.0 <= near.gap <= 0.05
    assert near.covered >= (1 - 0.05) * proved.covered - 1e-6
    assert near.covered == pytest.approx(_served(grid, weights, x, y, near.picks.tolist()))


@pytest.mark.parametrize("seed", range(3))
def test_a_set_within_a_gap_is_never_worse_than_the_greedy_one(seed):
    """The solver starts from the greedy set: whatever gap it stops at, it returns at least as many people."""
    rng = np.random.default_rng(20 + seed)
    weights = rng.random((60, 60)) * 30 * (rng.random((60, 60)) < 0.7)
    grid = _grid(weights)
    x, y = rng.uniform(-2800, 2800, 150), rng.uniform(-2800, 2800, 150)
    pairs = [(a, b) for a, b in itertools.combinations(range(150), 2) if np.hypot(x[a] - x[b], y[a] - y[b]) < 250]
    common = {"eligible": rng.random(150) < 0.9, "pair_i": [a for a, _ in pairs], "pair_j": [b for _, b in pairs]}
    greedy, _ = greedy_selection(grid, weights, x, y, RADIUS, 15, **common)
    near = exact_selection(grid, weights, x, y, RADIUS, 15, gap=0.3, **common)
    assert near.status == "Optimal"
    assert _served(grid, weights, x, y, near.picks.tolist()) >= _served(grid, weights, x, y, greedy.tolist()) - 1e-9
    assert not any(a in near.picks and b in near.picks for a, b in pairs)
