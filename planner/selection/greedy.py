"""Choose new sites one at a time, each adding the most people not yet served.

The classic greedy for maximal coverage: after each pick the cells it serves
no longer count, so the next pick's gain is what it adds on top. Picks must
keep the spacing rule between each other.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from planner.spatial.arrays import Floats, Ints
from planner.spatial.grid import PopulationGrid
from planner.spatial.plane import RowPrefixes

__all__ = ["greedy_selection"]


def greedy_selection(grid: PopulationGrid, uncovered: Floats, x: ArrayLike, y: ArrayLike, radius_m: float, n: int, *,
                     eligible: ArrayLike, pair_i: ArrayLike, pair_j: ArrayLike) -> tuple[Ints, Floats]:
    """Up to `n` picks among eligible points (grid-plane x, y), best gain first.

    Returns (picks in order, gain of each pick). Points closer than the spacing
    (pairs i, j) never both get picked; a pick that adds nobody ends the list.
    After each pick only its own disc's cells and its neighbours' gains are
    touched (the rows their discs reach, summed as the whole grid's would be):
    a province's 500 picks no longer sweep its 16 M cells 500 times.
    """
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    remaining = uncovered.copy()
    gains = np.where(eligible, grid.disc_sums(remaining, x, y, radius_m), -np.inf)
    blocked = ~np.asarray(eligible, bool)
    neighbours: list[list[int]] = [[] for _ in range(x.size)]
    for a, b in zip(np.asarray(pair_i).tolist(), np.asarray(pair_j).tolist()):
        neighbours[a].append(b)
        neighbours[b].append(a)
    reach = 2.0 * radius_m * float(np.max(grid.scale_factor(x, y))) + 2.0 * grid.cell_m
    picks: list[int] = []
    picked_gains: list[float] = []
    while len(picks) < n:
        gains[blocked] = -np.inf
        best = int(np.argmax(gains))
        if not np.isfinite(gains[best]) or gains[best] <= 0:
            break
        picks.append(best)
        picked_gains.append(float(gains[best]))
        blocked[best] = True
        blocked[neighbours[best]] = True
        remaining.reshape(-1)[grid.disc_cells(x[best:best + 1], y[best:best + 1], radius_m)[1]] = 0.0
        near = np.flatnonzero(~blocked & (np.hypot(x - x[best], y - y[best]) <= reach))
        if near.size:
            band = grid.rows_reached(x[near], y[near], radius_m)
            gains[near] = RowPrefixes.of(grid, [remaining], band=band).disc_sums(x[near], y[near], radius_m)[0]
    return np.asarray(picks, dtype=np.int64), np.asarray(picked_gains)
