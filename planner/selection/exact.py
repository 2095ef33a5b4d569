"""The best set of N new sites, proved optimal: maximal coverage as a mixed-integer programme (HiGHS).

    maximise   Σ_i w_i y_i              w_i: people in cell i not served today
    subject to y_i ≤ Σ_{j covers i} x_j every cell some candidate reaches
               Σ_j x_j ≤ N
               x_a + x_b ≤ 1            every pair closer than the spacing rule
               x_j ∈ {0, 1},  0 ≤ y_i ≤ 1

Cells reached by exactly the same candidates are merged first (their weights
add up), which shrinks the programme without changing its optimum.

By default the solver proves the optimum (relative gap 0). A province's
question (20,000 applicants, N = 500) can take minutes to prove; with `gap`
the solver stops once its set is proved within that fraction of the best
possible, and the selection reports the gap it reached.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
from numpy.typing import ArrayLike

from planner.selection.greedy import greedy_selection
from planner.spatial.arrays import Floats, Ints
from planner.spatial.grid import PopulationGrid

__all__ = ["ExactSelection", "Solved", "exact_selection", "programme_pairs", "solve_max_coverage"]


@dataclass(frozen=True)
class ExactSelection:
    picks: Ints  # candidate positions, in greedy order of what each adds within the optimal set
    gains: Floats  # people each pick adds on top of the picks before it
    covered: float  # people newly served by the whole set (the optimum, or within `gap` of it)
    status: str  # the solver's model status
    gap: float = 0.0  # HiGHS's proved relative gap, (bound − found) / found: the set is within it of the best


@contextlib.contextmanager
def _quiet_stdout() -> Iterator[None]:
    """HiGHS prints a banner on stdout from C++; keep it out of the command's output."""
    try:
        saved = os.dup(1)
    except OSError:
        yield
        return
    with open(os.devnull, "wb") as sink:
        os.dup2(sink.fileno(), 1)
        try:
            yield
        finally:
            os.dup2(saved, 1)
            os.close(saved)


def _incidence(grid: PopulationGrid, weights: Floats, x: Floats, y: Floats, radius_m: float,
               candidates: Ints) -> tuple[list[Ints], Floats]:
    """Per candidate (column of the programme) the merged cell groups it reaches, and group weights."""
    owner, cell = grid.disc_cells(x[candidates], y[candidates], radius_m)
    flat = weights.reshape(-1)
    keep = flat[cell] > 0
    cell, owner = cell[keep], owner[keep]
    # Group cells by the exact set of candidates that reach them.
    order = np.lexsort((owner, cell))
    cell, owner = cell[order], owner[order]
    starts = np.flatnonzero(np.r_[True, cell[1:] != cell[:-1]])
    signatures: dict[bytes, int] = {}
    group_of_cell = np.empty(starts.size, np.int64)
    ends = np.r_[starts[1:], cell.size]
    for k, (a, b) in enumerate(zip(starts, ends)):
        group_of_cell[k] = signatures.setdefault(owner[a:b].tobytes(), len(signatures))
    # numpy's stubs type every bincount as integers; with weights it gives floats.
    group_weight = cast(Floats, np.bincount(group_of_cell, weights=flat[cell[starts]], minlength=len(signatures)))
    members = [np.frombuffer(key, dtype=owner.dtype) for key in signatures]
    return members, group_weight


def exact_selection(grid: PopulationGrid, uncovered: Floats, x: ArrayLike, y: ArrayLike, radius_m: float, n: int, *,
                    eligible: ArrayLike, pair_i: ArrayLike, pair_j: ArrayLike,
                    time_limit_s: float = 600.0, gap: float = 0.0) -> ExactSelection:
    """The set of at most `n` eligible candidates that serves the most people not yet served (or, with `gap`,
    a set proved within that fraction of the most)."""
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    candidates = np.flatnonzero(np.asarray(eligible, bool))
    if candidates.size == 0 or n <= 0:
        return ExactSelection(np.empty(0, np.int64), np.empty(0), 0.0, "empty")
    position = np.full(x.size, -1)
    position[candidates] = np.arange(candidates.size)
    members, weights = _incidence(grid, uncovered, x, y, radius_m, candidates)
    greedy, _ = greedy_selection(grid, uncovered, x, y, radius_m, n, eligible=eligible, pair_i=pair_i, pair_j=pair_j)
    solved = solve_max_coverage(members, weights, candidates.size, programme_pairs(position, pair_i, pair_j), n,
                                time_limit_s, gap, start=position[greedy])
    picks, gains = _ordered(grid, uncovered, x, y, radius_m, candidates[solved.chosen])
    return ExactSelection(picks, gains, float(np.sum(gains)), solved.status, solved.gap)


def programme_pairs(position: Ints, pair_i: ArrayLike, pair_j: ArrayLike) -> list[tuple[int, int]]:
    """Close pairs between candidates taking part, in their programme columns."""
    return [(int(position[a]), int(position[b])) for a, b in zip(np.asarray(pair_i).tolist(),
                                                                 np.asarray(pair_j).tolist())
            if position[a] >= 0 and position[b] >= 0]


@dataclass(frozen=True)
class Solved:
    chosen: Ints  # the columns taken
    status: str  # the solver's model status
    gap: float  # HiGHS's proved relative gap of the set taken, relative to the value found (0: the optimum)


def solve_max_coverage(members: list[Ints], weights: Floats, nx: int, pairs: list[tuple[int, int]], n: int,
                       time_limit_s: float, gap: float = 0.0, *, start: Ints | None = None) -> Solved:
    """The programme's optimum (or a set proved within `gap` of it): which of `nx` columns to take (at most
    `n`, no close pair both). `members[g]` are the columns reaching cell group g, of weight `weights[g]`.
    `start`: columns of a feasible set (the greedy one) the solver starts from, so the set it returns is never
    worse than that one, whatever gap it stops at."""
    import highspy

    ny = len(members)
    # Rows: one per cell group (y_g - Σ x_j ≤ 0), the budget, one per close pair.
    rows_of_x: list[list[tuple[int, float]]] = [[] for _ in range(nx)]
    for g, group in enumerate(members):
        for j in group.tolist():
            rows_of_x[j].append((g, -1.0))
    budget = ny
    for j in range(nx):
        rows_of_x[j].append((budget, 1.0))
    for k, (a, b) in enumerate(pairs):
        rows_of_x[a].append((budget + 1 + k, 1.0))
        rows_of_x[b].append((budget + 1 + k, 1.0))
    starts: list[int] = [0]
    index: list[int] = []
    value: list[float] = []
    for entries in rows_of_x:
        index += [r for r, _ in entries]
        value += [v for _, v in entries]
        starts.append(len(index))
    for g in range(ny):
        index.append(g)
        value.append(1.0)
        starts.append(len(index))
    n_rows = ny + 1 + len(pairs)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = nx + ny, n_rows
    lp.col_cost_ = np.r_[np.zeros(nx), weights]
    lp.col_lower_ = np.zeros(nx + ny)
    lp.col_upper_ = np.ones(nx + ny)
    lp.row_lower_ = np.full(n_rows, -highspy.kHighsInf)
    lp.row_upper_ = np.r_[np.zeros(ny), [float(n)], np.ones(len(pairs))]
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.asarray(starts, np.int32)
    lp.a_matrix_.index_ = np.asarray(index, np.int32)
    lp.a_matrix_.value_ = np.asarray(value, float)
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.integrality_ = [highspy.HighsVarType.kInteger] * nx + [highspy.HighsVarType.kContinuous] * ny
    with _quiet_stdout():
        solver = highspy.Highs()
        solver.setOptionValue("output_flag", False)
        solver.setOptionValue("mip_rel_gap", float(gap))
        solver.setOptionValue("time_limit", float(time_limit_s))
        solver.passModel(lp)
        if start is not None and start.size:
            solver.setSolution(_start_solution(members, nx, start))
        solver.run()
    status = solver.modelStatusToString(solver.getModelStatus())
    chosen = np.flatnonzero(np.asarray(solver.getSolution().col_value[:nx]) > 0.5)
    info = solver.getInfo()
    reached = float(info.mip_gap) if np.isfinite(info.mip_gap) else float("inf")  # no set found: no bound
    return Solved(chosen, status, 0.0 if reached < 1e-9 else reached)


def _start_solution(members: list[Ints], nx: int, start: Ints) -> Any:
    """The programme's variables for the columns `start` taken: x = 1 there, y_g = 1 for every group one of
    them reaches."""
    import highspy

    taken = np.zeros(nx, bool)
    taken[start] = True
    reached = np.array([bool(taken[group].any()) for group in members], dtype=float)
    solution = highspy.HighsSolution()
    solution.col_value = np.r_[taken.astype(float), reached].tolist()
    solution.value_valid = True
    return solution


def _ordered(grid: PopulationGrid, uncovered: Floats, x: Floats, y: Floats, radius_m: float,
             chosen: Ints) -> tuple[Ints, Floats]:
    """The chosen set in the order a user reads it: each next pick adds the most on top of those before (first
    in `chosen` order on a tie), and what each adds. Works on the chosen discs' own cells (`spans`: exactly
    the cells `coverage_count` marks), never on the whole grid."""
    if chosen.size == 0:
        return np.empty(0, np.int64), np.empty(0)
    owner, cell = grid.disc_cells(x[chosen], y[chosen], radius_m)  # by owner already
    cells, slot = np.unique(cell, return_inverse=True)
    bounds = np.searchsorted(owner, np.arange(chosen.size + 1))
    remaining = uncovered.reshape(-1)[cells].astype(float)
    left = np.arange(chosen.size)
    picks: list[int] = []
    gains: list[float] = []
    while left.size:
        sums = np.array([remaining[slot[bounds[k]:bounds[k + 1]]].sum() for k in left.tolist()])
        best = int(np.argmax(sums))
        k = int(left[best])
        picks.append(int(chosen[k]))
        gains.append(float(sums[best]))
        remaining[slot[bounds[k]:bounds[k + 1]]] = 0.0
        left = np.delete(left, best)
    return np.asarray(picks, np.int64), np.asarray(gains)
