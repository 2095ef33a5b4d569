"""Which points each site reaches on foot within a distance: walking service areas.

Coverage on foot (a cell is served when its centre is within the service
distance of a site on foot) and the ranking's walking service areas both ask
this. Sites are walked from in batches, each a bounded Dijkstra over the
walking graph with every site as an extra vertex tied to its chain's
junctions; a point (a cell centre, joined to its own chain) is reached when
its off-network leg plus the piece of its chain to either junction plus the
walk to that junction is within the distance — or, on the site's own chain,
the straight piece between them.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from planner.roads.graph import RoadGraph
from planner.roads.snap import Snap, snap_points

__all__ = ["reach_on_foot"]

_BATCH = 32  # sites per bounded Dijkstra (each holds one row of node distances)
_BATCH_CELLS = 4_000_000  # … and fewer when sites × points would hold more values than this


def reach_on_foot(graph: RoadGraph, site_lon: ArrayLike, site_lat: ArrayLike, points: Snap,
                  radius_m: float) -> csr_matrix:
    """Sites × points (already joined to the network), True where the point is within `radius_m` of the site on
    foot (boolean CSR)."""
    sites = snap_points(graph, site_lon, site_lat)
    n, k, m = graph.vertices, len(sites), len(points)
    joined = np.flatnonzero(sites.joined)
    k_site, junction, metres = sites.ties(graph, joined)
    matrix = graph.walk_matrix_with(n + k_site, junction, metres, joined.size)
    pa, pb = points.junctions(graph)
    usable = np.flatnonzero(points.joined & (points.off_m <= radius_m))
    leg_a = points.off_m[usable] + points.to_start[usable]
    leg_b = points.off_m[usable] + points.to_end[usable]
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    step = max(1, min(_BATCH, _BATCH_CELLS // max(usable.size, 1)))
    for start in range(0, joined.size, step):
        batch = np.arange(start, min(start + step, joined.size))
        dist = dijkstra(matrix, directed=True, indices=n + batch, limit=radius_m)
        hit = (leg_a[None, :] + dist[:, pa[usable]] <= radius_m) | (leg_b[None, :] + dist[:, pb[usable]] <= radius_m)
        r, c = np.nonzero(hit)
        rows.append(joined[batch[r]])
        cols.append(usable[c])
    same_site, same_point = _same_chain(sites, points, joined, usable, radius_m)
    pairs_r = np.concatenate(rows + [same_site])
    pairs_c = np.concatenate(cols + [same_point])
    reach = csr_matrix((np.ones(pairs_r.size, bool), (pairs_r, pairs_c)), shape=(k, m))
    reach.sum_duplicates()
    return reach


def _same_chain(sites: Snap, points: Snap, joined: np.ndarray, usable: np.ndarray,
                radius_m: float) -> tuple[np.ndarray, np.ndarray]:
    """(site, point) pairs on one chain within `radius_m` straight along it."""
    if joined.size == 0 or usable.size == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    by_chain = joined[np.argsort(sites.chain[joined], kind="stable")]
    keys = sites.chain[by_chain]
    lo = np.searchsorted(keys, points.chain[usable], "left")
    hi = np.searchsorted(keys, points.chain[usable], "right")
    counts = hi - lo
    point = np.repeat(usable, counts)
    site = by_chain[np.repeat(lo, counts) + np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)]
    walked = sites.off_m[site] + np.abs(sites.to_start[site] - points.to_start[point]) + points.off_m[point]
    near = walked <= radius_m
    return site[near], point[near]
