"""Applicants in one batch that are too close to each other, and which of them wins.

New stations approved together are "existing" for each other: of two
applicants closer than the spacing only one may pass. The winner is decided
by priority (e.g. marginal service population); the greedy rule "accept in
priority order unless an accepted neighbour is too close" is computed in
vectorised rounds that give exactly the sequential answer.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from planner.spatial.arrays import Bools, Floats, Ints
from planner.spatial.compared import below_minimum, compared_metres
from planner.spatial.geodesic import CHORD_LIMIT_M, arc_length, chord_to_geodesic, to_ecef

__all__ = ["close_pairs", "greedy_by_priority", "limit_per_group"]


def close_pairs(lon: ArrayLike, lat: ArrayLike, distance_m: float) -> tuple[Ints, Ints, Floats]:
    """Pairs (i < j) of valid points closer than `distance_m` geodesic metres, with their metres.

    Closer means below `distance_m` at the centimetre, like every distance rule
    (planner.spatial.compared): a pair exactly `distance_m` apart keeps the spacing
    (以上 includes it). The metres returned are those compared, to the centimetre.
    """
    from scipy.spatial import cKDTree

    lon = np.asarray(lon, float)
    lat = np.asarray(lat, float)
    valid = np.flatnonzero(np.isfinite(lon) & np.isfinite(lat))
    empty = (np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0))
    if distance_m <= 0 or valid.size < 2:
        return empty
    everyone = valid.size == lon.size
    xyz = to_ecef(lon, lat) if everyone else to_ecef(lon[valid], lat[valid])
    # The chord is never longer than the geodesic: searching by chord finds every pair.
    tree = cKDTree(xyz, balanced_tree=False, compact_nodes=False)  # quicker to build, as quick to search
    pairs = tree.query_pairs(distance_m, output_type="ndarray")  # each pair once, first < second
    if pairs.size == 0:
        return empty
    first, second = pairs[:, 0], pairs[:, 1]
    axes = np.ascontiguousarray(xyz.T)  # one gather per axis from a contiguous row: several times quicker
    chord = np.sqrt(sum((axes[k][first] - axes[k][second]) ** 2 for k in range(3)))
    metres = _arc_metres(chord, lon, lat, first, second, None if everyone else valid)
    keep = np.flatnonzero(below_minimum(metres, distance_m))
    first, second, metres = first[keep], second[keep], metres[keep]
    if not everyone:
        first, second = valid[first], valid[second]  # valid is increasing: first < second still
    # One int64 key sorts by (i, j); numpy's stable sort of integers is a radix sort.
    order = np.argsort(first * np.int64(lon.size) + second, kind="stable")
    return first[order], second[order], compared_metres(metres[order])


def _arc_metres(chord: Floats, lon: Floats, lat: Floats, first: Ints, second: Ints, valid: Ints | None) -> Floats:
    """Geodesic metres of the pairs (positions into `valid`, or into lon/lat when None) from their chords;
    only pairs past the arc-chord limit read their coordinates (planner.spatial.geodesic)."""
    if not (chord > CHORD_LIMIT_M).any():
        return arc_length(chord)
    a, b = (first, second) if valid is None else (valid[first], valid[second])
    return chord_to_geodesic(chord, lon[a], lat[a], lon[b], lat[b])


def greedy_by_priority(n: int, i: ArrayLike, j: ArrayLike, eligible: ArrayLike, order: ArrayLike) -> tuple[Bools, Ints]:
    """Accept eligible items in `order` (best first) unless an accepted neighbour conflicts.

    `i`, `j` are conflict pairs. Returns (accepted bool array, blocker array:
    the accepted neighbour that blocked each refused eligible item, else -1).
    """
    order = np.asarray(order, dtype=np.int64)
    rank = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    rank[order] = np.arange(order.size)
    eligible = np.asarray(eligible, bool)
    src = np.r_[i, j].astype(np.int64)
    dst = np.r_[j, i].astype(np.int64)
    use = eligible[src] & eligible[dst]
    src, dst = src[use], dst[use]
    state = np.where(eligible, 0, -1)  # 0 undecided, 1 accepted, 2 blocked, -1 not taking part
    blocker = np.full(n, -1, dtype=np.int64)
    while (state == 0).any():
        # Only edges between undecided items matter; dropping the rest keeps later rounds cheap.
        live = (state[src] == 0) & (state[dst] == 0)
        src, dst = src[live], dst[live]
        dominated = np.zeros(n, bool)
        dominated[src[rank[dst] < rank[src]]] = True
        newly = (state == 0) & ~dominated
        state[newly] = 1
        hit = newly[src]
        if hit.any():
            # Each blocked item names its best-ranked newly accepted neighbour.
            victims, first = np.unique(dst[hit][np.argsort(rank[src[hit]], kind="stable")], return_index=True)
            blocker[victims] = src[hit][np.argsort(rank[src[hit]], kind="stable")][first]
            state[victims] = 2
    return state == 1, blocker


def limit_per_group(group: ArrayLike, eligible: ArrayLike, order: ArrayLike, capacity: ArrayLike) -> tuple[Bools, Ints]:
    """Accept at most capacity[g] eligible items of each group g, in `order` (best first).

    Items with group < 0 are unlimited. Returns (accepted, first accepted
    item of the same group for refused items, else -1).
    """
    group = np.asarray(group, np.int64)
    n = group.size
    eligible = np.asarray(eligible, bool)
    order = np.asarray(order, np.int64)
    ranked = order[eligible[order]]
    accepted = np.zeros(n, bool)
    first_in_group = np.full(n, -1, dtype=np.int64)
    free = ranked[group[ranked] < 0]
    accepted[free] = True
    grouped = ranked[group[ranked] >= 0]
    if grouped.size:
        g = group[grouped]
        sort = np.argsort(g, kind="stable")  # keeps priority order within a group
        g_sorted, items = g[sort], grouped[sort]
        starts = np.r_[0, np.flatnonzero(np.diff(g_sorted)) + 1]
        position = np.arange(items.size) - np.repeat(starts, np.diff(np.r_[starts, items.size]))
        cap = np.asarray(capacity, np.int64)[g_sorted]
        accepted[items[position < cap]] = True
        leader = items[np.repeat(starts, np.diff(np.r_[starts, items.size]))]
        refused = position >= cap
        first_in_group[items[refused]] = np.where(cap[refused] > 0, leader[refused], -1)
    return accepted, first_in_group
