"""Which positions of one list are closer than a distance on foot, and their walking metres.

Applicants of one list conflict when they are closer than the spacing on
foot. Any walk shorter than the limit stays within the limit of its start, so
the positions are grouped in square tiles, and for each tile one bounded
Dijkstra runs over just the network around it (the tile widened by the
limit): every position in that neighbourhood becomes an extra vertex tied to
the junctions of its chain (and, on a shared chain, straight to its
neighbours along it), the tile's positions are the sources, and every other position
reached under the limit is a close pair. No straight-line candidate search is
needed: the walk finds its own neighbours.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from scipy.sparse.csgraph import dijkstra

from planner.roads.graph import RoadGraph, walk_matrix
from planner.roads.snap import Snap
from planner.spatial.arrays import Bools, Floats, Ints

__all__ = ["close_pairs_on_foot"]

# The planar copy is conformal but not equidistant far from its central meridian: widen each
# neighbourhood by this share of the limit (and a few metres) so no walk under the limit leaves it.
_SCALE_MARGIN = 0.02
# Tiles twice as wide as the margin: each Dijkstra row covers about (4 × limit)² instead of the (2 × limit)² a
# walk can reach, while the tiles stay few enough for their bookkeeping not to matter (measured in bench/walking.py).
_TILE_PER_MARGIN = 2.0
_MIN_TILE_M = 100.0
_DIJKSTRA_CELLS = 4_000_000  # distances held at once by one bounded Dijkstra call (32 MB)


def close_pairs_on_foot(graph: RoadGraph, snap: Snap, usable: Bools, limit_m: float) -> tuple[Ints, Ints, Floats]:
    """Pairs (i < j) of usable joined positions less than `limit_m` apart on foot, sorted by (i, j), and their
    walking metres."""
    points = np.flatnonzero(np.asarray(usable, bool) & snap.joined)
    empty = (np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0))
    if points.size < 2 or limit_m <= 0:
        return empty
    margin = limit_m * (1 + _SCALE_MARGIN) + 5.0
    tile = max(_TILE_PER_MARGIN * margin, _MIN_TILE_M)
    px, py = graph.to_planar.transform(snap.lon[points], snap.lat[points])
    node_tiles = _Tiles(*graph.vertex_xy, tile)
    point_tiles = _Tiles(np.asarray(px), np.asarray(py), tile)
    walk = _Walk(graph, snap, limit_m)
    found_i, found_j, found_m = [], [], []
    for tx, ty, members in point_tiles.groups():
        box = (tx * tile - margin, ty * tile - margin, (tx + 1) * tile + margin, (ty + 1) * tile + margin)
        i, j, metres = walk.tile(node_tiles.within(tx, ty, box), points[point_tiles.within(tx, ty, box)],
                                 points[members])
        found_i.append(i)
        found_j.append(j)
        found_m.append(metres)
    i, j, metres = np.concatenate(found_i), np.concatenate(found_j), np.concatenate(found_m)
    order = np.argsort(i * np.int64(snap.segment.size) + j, kind="stable")
    return i[order], j[order], metres[order]


class _Tiles:
    """Planar points bucketed by square tiles, to find a neighbourhood's points without scanning them all."""

    def __init__(self, x: Floats, y: Floats, tile: float) -> None:
        self.x, self.y, self.tile = x, y, tile
        tx, ty = np.floor(x / tile).astype(np.int64), np.floor(y / tile).astype(np.int64)
        self.keys = tx * np.int64(1 << 32) + ty
        self.order = np.argsort(self.keys, kind="stable")
        self.sorted = self.keys[self.order]

    def groups(self) -> Iterator[tuple[int, int, Ints]]:
        """(tile x, tile y, the points in it) for every tile holding points."""
        starts = np.r_[0, np.flatnonzero(np.diff(self.sorted)) + 1, self.sorted.size]
        for lo, hi in zip(starts[:-1].tolist(), starts[1:].tolist()):
            members = self.order[lo:hi]
            first = members[0]
            yield (int(np.floor(self.x[first] / self.tile)), int(np.floor(self.y[first] / self.tile)), members)

    def within(self, tx: int, ty: int, box: tuple[float, float, float, float]) -> Ints:
        """Points in the planar box, which lies within the 3 × 3 tiles around (tx, ty)."""
        found = []
        for cx in (tx - 1, tx, tx + 1):
            lo = np.searchsorted(self.sorted, cx * np.int64(1 << 32) + (ty - 1), "left")
            hi = np.searchsorted(self.sorted, cx * np.int64(1 << 32) + (ty + 1), "right")
            found.append(self.order[lo:hi])
        chosen = np.concatenate(found)
        x, y = self.x[chosen], self.y[chosen]
        return chosen[(x >= box[0]) & (y >= box[1]) & (x <= box[2]) & (y <= box[3])]


class _Walk:
    """One tile's bounded Dijkstra over the network around it, with the positions there as extra nodes."""

    def __init__(self, graph: RoadGraph, snap: Snap, limit_m: float) -> None:
        self.graph, self.snap, self.limit = graph, snap, limit_m
        self.local = np.full(graph.vertices, -1, np.int64)  # junction → its number in this tile (reset after)

    def tile(self, nodes: Ints, near: Ints, sources: Ints) -> tuple[Ints, Ints, Floats]:
        """Pairs (source, other position in `near`) with source < other, closer than the limit on foot."""
        local, snap = self.local, self.snap
        local[nodes] = np.arange(nodes.size)
        matrix = self.graph.walk_matrix
        begin, count = matrix.indptr[nodes], np.diff(matrix.indptr)[nodes]
        idx = np.repeat(begin - np.r_[0, np.cumsum(count)[:-1]], count) + np.arange(count.sum())
        row = np.repeat(np.arange(nodes.size), count)
        col = local[matrix.indices[idx]]
        keep = col >= 0
        rows, cols, weights = [row[keep]], [col[keep]], [matrix.data[idx][keep]]
        near = np.sort(near)
        k, junction, metres = snap.ties(self.graph, near)
        to = local[junction]
        ok = to >= 0  # a junction outside the neighbourhood is farther than the limit
        rows += [nodes.size + k[ok], to[ok]]
        cols += [to[ok], nodes.size + k[ok]]
        weights += [metres[ok], metres[ok]]
        local[nodes] = -1
        extra = _along_shared_chains(snap, near, nodes.size, nodes.size + near.size)
        rows.append(extra[0])
        cols.append(extra[1])
        weights.append(extra[2])
        size = nodes.size + near.size + extra[3]
        sub = walk_matrix(np.concatenate(rows), np.concatenate(cols), np.concatenate(weights), size)
        source_at = np.searchsorted(near, sources)
        found_s, found_o, found_m = [], [], []
        step = max(1, _DIJKSTRA_CELLS // size)  # a bounded number of distances at once, however crowded
        for start in range(0, sources.size, step):
            part = np.arange(start, min(start + step, sources.size))
            dist = dijkstra(sub, directed=True, indices=nodes.size + source_at[part],
                            limit=self.limit)[:, nodes.size:nodes.size + near.size]
            s, o = np.nonzero((dist < self.limit) & (near[None, :] > sources[part][:, None]))
            found_s.append(sources[part][s])
            found_o.append(near[o])
            found_m.append(dist[s, o])
        return np.concatenate(found_s), np.concatenate(found_o), np.concatenate(found_m)


def _along_shared_chains(snap: Snap, near: Ints, first_position: int,
                         first_free: int) -> tuple[Ints, Ints, Floats, int]:
    """Edges that let positions on one chain walk straight along it: each such position's joining point
    becomes a vertex (numbered from `first_free`), tied to the position (vertex first_position + its index in
    `near`) by its off-network leg and to the next joining point along the chain by the metres between them —
    linear in the positions, however many share a chain. Returns (rows, cols, metres, vertices added)."""
    chain = snap.chain[near]
    order = np.lexsort((snap.to_start[near], chain))
    ordered = chain[order]
    same = ordered[1:] == ordered[:-1]
    shared = order[np.r_[same, False] | np.r_[False, same]]  # positions in `near`, by chain then along it
    if shared.size == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0), 0
    point = first_free + np.arange(shared.size)
    along = snap.to_start[near[shared]]
    link = np.flatnonzero(chain[shared][1:] == chain[shared][:-1])
    leg = snap.off_m[near[shared]]
    step = along[link + 1] - along[link]
    rows = np.r_[first_position + shared, point, point[link], point[link + 1]]
    cols = np.r_[point, first_position + shared, point[link + 1], point[link]]
    return rows, cols, np.r_[leg, leg, step, step], int(shared.size)
