"""Choosing new sites when each one's service area is a given set of cells (walking service areas).

The straight-line selection (greedy.py, exact.py) reads discs off the grid;
on foot a service area has no shape to read, so it comes as a sparse
candidates × cells matrix (planner.roads.reach). The same two choices follow:
the greedy one, each pick adding the most people not yet served, and the
proved optimum of the same programme (exact.solve_max_coverage).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy.sparse import csr_matrix

from planner.selection.exact import ExactSelection, programme_pairs, solve_max_coverage
from planner.spatial.arrays import Floats, Ints

__all__ = ["exact_on_incidence", "greedy_on_incidence"]


def greedy_on_incidence(reach: csr_matrix, weights: Floats, n: int, *, eligible: ArrayLike, pair_i: ArrayLike,
                        pair_j: ArrayLike) -> tuple[Ints, Floats]:
    """Up to `n` picks among eligible rows of `reach`, best gain first (people in `weights` per cell).

    Rows closer than the spacing (pairs i, j) never both get picked; a pick that adds nobody ends the list."""
    matrix = csr_matrix(reach, dtype=float)
    remaining = np.asarray(weights, float).copy()
    blocked = ~np.asarray(eligible, bool)
    neighbours: list[list[int]] = [[] for _ in range(matrix.shape[0])]
    for a, b in zip(np.asarray(pair_i).tolist(), np.asarray(pair_j).tolist()):
        neighbours[a].append(b)
        neighbours[b].append(a)
    picks: list[int] = []
    gains: list[float] = []
    while len(picks) < n:
        sums = np.where(blocked, -np.inf, matrix @ remaining)
        if sums.size == 0:
            break
        best = int(np.argmax(sums))
        if not np.isfinite(sums[best]) or sums[best] <= 0:
            break
        picks.append(best)
        gains.append(float(sums[best]))
        blocked[best] = True
        blocked[neighbours[best]] = True
        remaining[matrix.indices[matrix.indptr[best]:matrix.indptr[best + 1]]] = 0.0
    return np.asarray(picks, np.int64), np.asarray(gains)


def exact_on_incidence(reach: csr_matrix, weights: Floats, n: int, *, eligible: ArrayLike, pair_i: ArrayLike,
                       pair_j: ArrayLike, time_limit_s: float = 600.0, gap: float = 0.0) -> ExactSelection:
    """The set of at most `n` eligible rows that serves the most people not yet served (HiGHS; with `gap`, a set
    proved within that fraction of the most)."""
    weights = np.asarray(weights, float)
    candidates = np.flatnonzero(np.asarray(eligible, bool))
    if candidates.size == 0 or n <= 0:
        return ExactSelection(np.empty(0, np.int64), np.empty(0), 0.0, "empty")
    position = np.full(reach.shape[0], -1)
    position[candidates] = np.arange(candidates.size)
    columns = csr_matrix(reach)[candidates].tocsc()  # cell j: the candidates reaching it
    signatures: dict[bytes, int] = {}
    group_weight: list[float] = []
    for cell in np.flatnonzero((np.diff(columns.indptr) > 0) & (weights > 0)):
        owners = columns.indices[columns.indptr[cell]:columns.indptr[cell + 1]].astype(np.int64)
        owners.sort()
        g = signatures.setdefault(owners.tobytes(), len(signatures))
        if g == len(group_weight):
            group_weight.append(0.0)
        group_weight[g] += float(weights[cell])
    members = [np.frombuffer(key, dtype=np.int64) for key in signatures]
    solved = solve_max_coverage(members, np.asarray(group_weight), candidates.size,
                                programme_pairs(position, pair_i, pair_j), n, time_limit_s, gap)
    chosen = solved.chosen
    picked = np.zeros(reach.shape[0], bool)
    picked[candidates[chosen]] = True
    order, gains = greedy_on_incidence(reach, weights, int(chosen.size), eligible=picked, pair_i=[], pair_j=[])
    rest = np.setdiff1d(candidates[chosen], order)  # picks that add nobody on top of the others
    picks = np.r_[order, rest].astype(np.int64)
    gains = np.r_[gains, np.zeros(rest.size)]
    return ExactSelection(picks, gains, float(gains.sum()), solved.status, solved.gap)
