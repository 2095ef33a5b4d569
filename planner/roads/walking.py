"""Walking metres on the road network: nearest site on foot, and how far two positions are on foot.

Walking metres = off-network leg (position → its joining point) + network
path + the other off-network leg. Walks run on the junctions and the chains
between them (planner.roads.chains). A joined position becomes, for one
question, an extra vertex tied to both junctions of its chain by the pieces
of the chain (plus its off-network leg); a path through such a vertex is
never a shortcut (it costs twice the leg plus the whole chain). Two positions
on one chain may also walk straight along it. Dijkstra runs on scipy's sparse
graphs: for a set of sites, one multi-source pass gives every junction its
nearest site and metres, so a position's answer is a lookup at the two ends
of its chain. Routes for the map walk the whole network, bend by bend.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.sparse.csgraph import dijkstra

from planner.roads.graph import RoadGraph
from planner.roads.snap import Snap, snap_points
from planner.spatial.arrays import Floats, Ints

__all__ = ["SitesOnFoot", "nearest_on_foot", "sites_on_foot", "unreachable_near", "walking_route"]

_CHUNK = 16  # positions per full Dijkstra batch (each holds one row of N + K distances)


@dataclass(frozen=True)
class SitesOnFoot:
    """A set of sites joined to the network, and every junction's nearest site on foot."""

    snap: Snap  # where each site joins (segment -1: a site with no position)
    vertex_m: Floats  # (J,) walking metres from each junction to its nearest site (inf: none reachable)
    vertex_site: Ints  # (J,) that site's index (-1: none)

    def __len__(self) -> int:
        return len(self.snap)


def _tied(graph: RoadGraph, snap: Snap, rows: Ints, first: int) -> tuple[Ints, Ints, Floats]:
    """Edges tying positions `rows` of `snap`, as vertices first, first + 1, …, to both junctions of their chain."""
    k, junction, metres = snap.ties(graph, rows)
    return first + k, junction, metres


def sites_on_foot(graph: RoadGraph, lon: ArrayLike, lat: ArrayLike) -> SitesOnFoot:
    """Join the sites at lon/lat and run one multi-source Dijkstra from all of them."""
    return _from_sites(graph, snap_points(graph, lon, lat))


def _from_sites(graph: RoadGraph, snap: Snap) -> SitesOnFoot:
    """One multi-source Dijkstra from every joined site of `snap`."""
    joined = np.flatnonzero(snap.joined)
    n = graph.vertices
    if joined.size == 0:
        return SitesOnFoot(snap, np.full(n, np.inf), np.full(n, -1, np.int64))
    matrix = graph.walk_matrix_with(*_tied(graph, snap, joined, n), joined.size)
    dist, _, source = dijkstra(matrix, directed=True, indices=n + np.arange(joined.size), min_only=True,
                               return_predecessors=True)
    site = np.where(source[:n] >= 0, joined[np.maximum(source[:n] - n, 0)], -1)
    return SitesOnFoot(snap, dist[:n], site.astype(np.int64))


def nearest_on_foot(graph: RoadGraph, sites: SitesOnFoot, snap: Snap,
                    exclude: ArrayLike | None = None) -> tuple[Ints, Floats]:
    """The nearest site on foot of each joined position, and its walking metres (-1 / inf: none reachable).

    `exclude[k]` is a site index position k may not count (its own registry entry), -1 for none; or a row of
    such indices (a code may name a station and an approved applicant)."""
    start, end = snap.junctions(graph)
    joined = snap.joined
    site = np.full(len(snap), -1, np.int64)
    metres = np.full(len(snap), np.inf)
    rows = np.flatnonzero(joined)
    via_start = snap.off_m[rows] + snap.to_start[rows] + sites.vertex_m[start[rows]]
    via_end = snap.off_m[rows] + snap.to_end[rows] + sites.vertex_m[end[rows]]
    use_start = via_start <= via_end
    metres[rows] = np.where(use_start, via_start, via_end)
    site[rows] = np.where(use_start, sites.vertex_site[start[rows]], sites.vertex_site[end[rows]])
    site[~np.isfinite(metres)] = -1
    _along_chain(sites.snap, snap, rows, site, metres, None)
    if exclude is not None:
        exclude = np.asarray(exclude, np.int64).reshape(len(snap), -1)
        own = np.flatnonzero(joined & ((exclude >= 0) & (exclude == site[:, None])).any(axis=1))
        if own.size:
            site[own], metres[own] = _nearest_excluding(graph, sites, snap.take(own), exclude[own])
    return site, metres


def _along_chain(site_snap: Snap, snap: Snap, rows: Ints, site: Ints, metres: Floats,
                 exclude: Ints | None) -> None:
    """Sites on a position's own chain, reached straight along it when that is shorter (in place)."""
    on = np.flatnonzero(site_snap.joined)
    if on.size == 0 or rows.size == 0:
        return
    on = on[np.argsort(site_snap.chain[on], kind="stable")]
    keys = site_snap.chain[on]
    lo = np.searchsorted(keys, snap.chain[rows], "left")
    hi = np.searchsorted(keys, snap.chain[rows], "right")
    for k in np.flatnonzero(hi > lo):
        row = rows[k]
        for s in on[lo[k]:hi[k]]:
            if exclude is not None and (exclude[k] == s).any():
                continue
            direct = snap.off_m[row] + abs(snap.to_start[row] - site_snap.to_start[s]) + site_snap.off_m[s]
            if direct < metres[row]:
                metres[row], site[row] = direct, s


def _nearest_excluding(graph: RoadGraph, sites: SitesOnFoot, snap: Snap, exclude: Ints) -> tuple[Ints, Floats]:
    """Nearest site on foot of each position other than its own entries (`exclude[k]`, -1 padded).

    First one pass from every site that no position here calls its own: an upper bound for each. Then a walk
    from each position, no farther than its bound, to the other positions' own entries, which it may count."""
    k = len(snap)
    joined = np.flatnonzero(sites.snap.joined)
    banned = np.intersect1d(joined, exclude[exclude >= 0])
    kept = np.setdiff1d(joined, banned)
    site = np.full(k, -1, np.int64)
    metres = np.full(k, np.inf)
    if kept.size:
        found, walked = nearest_on_foot(graph, _from_sites(graph, sites.snap.take(kept)), snap)
        site = np.where(found >= 0, kept[np.maximum(found, 0)], -1)
        metres = walked
    if banned.size:
        _nearer_banned(graph, sites.snap, banned, snap, exclude, site, metres)
    _along_chain(sites.snap, snap, np.arange(k), site, metres, exclude)
    return site, metres


def _nearer_banned(graph: RoadGraph, site_snap: Snap, banned: Ints, snap: Snap, exclude: Ints, site: Ints,
                   metres: Floats) -> None:
    """Sites among `banned` that a position may count and that are nearer than its answer so far (in place)."""
    n, k = graph.vertices, len(snap)
    b_from, b_to, b_m = _tied(graph, site_snap, banned, n)
    q_from, q_to, q_m = _tied(graph, snap, np.arange(k), n + banned.size)
    matrix = graph.walk_matrix_with(np.r_[b_from, q_from], np.r_[b_to, q_to], np.r_[b_m, q_m], banned.size + k)
    order = np.argsort(metres, kind="stable")  # positions with like bounds walk together
    for begin in range(0, k, _CHUNK):
        chunk = order[begin:begin + _CHUNK]
        limit = float(metres[chunk].max())
        dist = dijkstra(matrix, directed=True, indices=n + banned.size + chunk,
                        limit=limit if np.isfinite(limit) else np.inf)[:, n:n + banned.size]
        dist = np.where((banned[None, :, None] == exclude[chunk][:, None, :]).any(axis=2), np.inf, dist)
        best = np.argmin(dist, axis=1)
        nearer = dist[np.arange(chunk.size), best] < metres[chunk]
        metres[chunk[nearer]] = dist[np.arange(chunk.size), best][nearer]
        site[chunk[nearer]] = banned[best[nearer]]


def walking_route(graph: RoadGraph, start: tuple[float, float], end: tuple[float, float]
                  ) -> tuple[float, list[tuple[float, float]]]:
    """Walking metres from `start` to `end` (lon, lat) and the route as lon/lat points (inf, [] if none)."""
    snap = snap_points(graph, [start[0], end[0]], [start[1], end[1]])
    if not snap.joined.all():
        return np.inf, []
    n = graph.nodes
    a, b = snap.ends(graph)  # on the whole network, segment by segment, to draw every bend
    tie = (np.r_[n, n + 1, n, n + 1], np.r_[a, b],
           np.r_[snap.off_m + snap.along_u, snap.off_m + snap.along_v])
    matrix = graph.matrix_with(*tie, 2)
    dist, pred = dijkstra(matrix, directed=True, indices=[n], return_predecessors=True)
    metres = float(dist[0, n + 1])
    path: list[tuple[float, float]] = []
    along = False
    if snap.segment[0] == snap.segment[1]:
        direct = snap.off_m[0] + abs(snap.along_u[0] - snap.along_u[1]) + snap.off_m[1]
        if direct <= metres:
            metres, along = float(direct), True
    if not np.isfinite(metres):
        return np.inf, []
    if not along:
        node = int(pred[0, n + 1])
        while node != n and node >= 0:
            path.append((float(graph.node_lon[node]), float(graph.node_lat[node])))
            node = int(pred[0, node])
        path.reverse()
    return metres, [start, (float(snap.lon[0]), float(snap.lat[0])), *path,
                    (float(snap.lon[1]), float(snap.lat[1])), end]


_UNREACHABLE_CANDIDATES = 16  # straight-line neighbours looked at per position


def unreachable_near(graph: RoadGraph, sites: SitesOnFoot, site_lon: ArrayLike, site_lat: ArrayLike, snap: Snap,
                     lon: ArrayLike, lat: ArrayLike, limit_m: float,
                     exclude: ArrayLike | None = None) -> tuple[Ints, Floats]:
    """Per joined position: the nearest site closer than `limit_m` in a straight line (geodesic) that no walk
    reaches — on another part of the network — and its straight metres (-1 / NaN: none), never its own entries
    (`exclude`, as for `nearest_on_foot`). Such a site is what a walking rule must not pass silently: the
    network may lack a link. Up to the 16 nearest sites in a straight line are looked at."""
    from planner.spatial.nearest import SiteIndex

    n = len(snap)
    lon, lat = np.asarray(lon, float), np.asarray(lat, float)
    site = np.full(n, -1, np.int64)
    metres = np.full(n, np.nan)
    rows = np.flatnonzero(snap.joined)
    if rows.size == 0 or len(sites) == 0 or limit_m <= 0:
        return site, metres
    found = SiteIndex(site_lon, site_lat).query(lon[rows], lat[rows], k=min(_UNREACHABLE_CANDIDATES, len(sites)))
    candidate, straight = found.index, found.distance_m
    joined = (candidate >= 0) & sites.snap.joined[np.maximum(candidate, 0)]
    near = joined & (straight < limit_m)
    if exclude is not None:
        own = np.asarray(exclude, np.int64).reshape(n, -1)[rows]
        near &= ~(candidate[:, :, None] == own[:, None, :]).any(axis=2)
    component = graph.component
    row_part = component[graph.u[snap.segment[rows]]]
    site_part = component[graph.u[sites.snap.segment[np.maximum(candidate, 0)]]]
    apart = near & (site_part != row_part[:, None])
    first = np.argmax(apart, axis=1)  # candidates come nearest first
    hit = apart.any(axis=1)
    site[rows[hit]] = candidate[hit, first[hit]]
    metres[rows[hit]] = straight[hit, first[hit]]
    return site, metres
