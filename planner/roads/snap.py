"""Joining positions to the road network: the nearest walkable segment, split at the nearest point on it.

Not the nearest node: on a city graph the median nearest-node error is about
15 m, and the walking rules' thresholds are 200 m and 300 m. The segment is
found in the graph's planar copy (an R-tree); the point on it is the foot
of the perpendicular in Earth-centred coordinates (no map projection), and
every metre reported — the off-network leg from the position to that point,
and the two pieces of the segment on either side of it — is geodesic.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from planner.roads.graph import SAMPLE_M, RoadGraph
from planner.spatial.arrays import Bools, Floats, Ints
from planner.spatial.geodesic import geodesic_distance, to_ecef

__all__ = ["Snap", "snap_points"]


@dataclass(frozen=True)
class Snap:
    """Where each position joins the network (segment -1: no usable position)."""

    segment: Ints
    along_u: Floats  # geodesic metres from the segment's first node to the joining point
    along_v: Floats  # … from the joining point to its second node
    off_m: Floats  # geodesic metres from the position to the joining point (the off-network leg)
    lon: Floats  # the joining point
    lat: Floats
    chain: Ints  # the chain of the segment (planner.roads.chains): what walks tie the position to
    to_start: Floats  # metres along the chain from its start junction to the joining point
    to_end: Floats  # … from the joining point to its end junction

    def __len__(self) -> int:
        return int(self.segment.size)

    @property
    def joined(self) -> Bools:
        return self.segment >= 0

    def take(self, rows: ArrayLike) -> Snap:
        rows = np.asarray(rows, np.int64)
        return Snap(self.segment[rows], self.along_u[rows], self.along_v[rows], self.off_m[rows],
                    self.lon[rows], self.lat[rows], self.chain[rows], self.to_start[rows], self.to_end[rows])

    def ends(self, graph: RoadGraph) -> tuple[Ints, Ints]:
        """The first and second node of each joined position's segment (-1 where not joined)."""
        seg = np.maximum(self.segment, 0)
        return (np.where(self.joined, graph.u[seg], -1), np.where(self.joined, graph.v[seg], -1))

    def ties(self, graph: RoadGraph, rows: Ints) -> tuple[Ints, Ints, Floats]:
        """How joined positions `rows` join the walking graph: (k, junction, metres) per tie, k indexing `rows` —
        two ties each, to the start and end junction of its chain (off-network leg + the piece of chain), or one,
        the shorter way round, when its chain is a loop (two entries for one edge would add up)."""
        chain = self.chain[rows]  # joined positions only: every row has a chain
        start, end = graph.chains.start[chain], graph.chains.end[chain]
        k = np.arange(rows.size)
        loop = start == end
        to_start, to_end = self.to_start[rows], self.to_end[rows]
        first = np.where(loop, np.minimum(to_start, to_end), to_start)
        two = np.flatnonzero(~loop)
        return (np.r_[k, two], np.r_[start, end[two]],
                np.r_[self.off_m[rows] + first, self.off_m[rows][two] + to_end[two]])

    def junctions(self, graph: RoadGraph) -> tuple[Ints, Ints]:
        """The start and end junction (walking-graph vertex) of each joined position's chain (-1: not joined)."""
        chain = np.maximum(self.chain, 0)
        chains = graph.chains
        return (np.where(self.joined, chains.start[chain], -1), np.where(self.joined, chains.end[chain], -1))


def snap_points(graph: RoadGraph, lon: ArrayLike, lat: ArrayLike, *, within_m: float | None = None) -> Snap:
    """Join every finite position to its nearest segment (non-finite positions: segment -1, NaN metres).

    With `within_m`, positions farther than about that from every segment are left unjoined (a quicker
    search for questions that cannot use them, e.g. cells beyond the service distance of any road)."""
    lon = np.asarray(lon, float)
    lat = np.asarray(lat, float)
    n = lon.size
    segment = np.full(n, -1, np.int64)
    chain = np.full(n, -1, np.int64)
    out = {name: np.full(n, np.nan) for name in ("along_u", "along_v", "off_m", "lon", "lat", "to_start", "to_end")}
    ok = np.flatnonzero(np.isfinite(lon) & np.isfinite(lat))
    if ok.size == 0 or graph.segments == 0:
        return Snap(segment, chain=chain, **out)
    x, y = graph.to_planar.transform(lon[ok], lat[ok])
    seg, planar = _nearest_segment(graph, np.asarray(x), np.asarray(y))
    if within_m is not None:
        # The planar copy's scale differs from the ellipsoid's by well under 1 % inside its zone.
        near = planar <= within_m * 1.01 + 1.0
        ok, seg = ok[near], seg[near]
        if ok.size == 0:
            return Snap(segment, chain=chain, **out)
    a, b = graph.u[seg], graph.v[seg]
    t = _foot_fraction(graph, a, b, lon[ok], lat[ok])
    on_lon = graph.node_lon[a] + t * (graph.node_lon[b] - graph.node_lon[a])
    on_lat = graph.node_lat[a] + t * (graph.node_lat[b] - graph.node_lat[a])
    segment[ok] = seg
    out["lon"][ok], out["lat"][ok] = on_lon, on_lat
    out["off_m"][ok] = geodesic_distance(lon[ok], lat[ok], on_lon, on_lat)
    # The two pieces of the segment, each geodesic; at an end the piece is exactly 0 and the other the whole.
    out["along_u"][ok] = np.where(t <= 0, 0.0, np.where(t >= 1, graph.length_m[seg],
                                                         geodesic_distance(graph.node_lon[a], graph.node_lat[a],
                                                                           on_lon, on_lat)))
    out["along_v"][ok] = np.where(t >= 1, 0.0, np.where(t <= 0, graph.length_m[seg],
                                                         geodesic_distance(on_lon, on_lat, graph.node_lon[b],
                                                                           graph.node_lat[b])))
    _place_on_chains(graph, ok, seg, chain, out)
    return Snap(segment, chain=chain, **out)


def _place_on_chains(graph: RoadGraph, ok: Ints, seg: Ints, chain: Ints, out: dict[str, Floats]) -> None:
    """The chain of each joined position and its metres from the chain's two junctions (in place)."""
    chains = graph.chains
    chain[ok] = chains.segment_chain[seg]
    forward = chains.segment_forward[seg]
    out["to_start"][ok] = chains.segment_offset[seg] + np.where(forward, out["along_u"][ok], out["along_v"][ok])
    out["to_end"][ok] = np.maximum(chains.length_m[chain[ok]] - out["to_start"][ok], 0.0)


_CANDIDATES = 16  # sample points asked per position in the first round


def _nearest_segment(graph: RoadGraph, x: Floats, y: Floats) -> tuple[Ints, Floats]:
    """The planar-nearest segment of each point and its planar distance.

    The nearest point of the true nearest segment lies within SAMPLE_M / 2 of one of that segment's sample
    points. First round: the segments of each point's 16 nearest samples; when the farthest of those samples is
    farther than the best of them plus SAMPLE_M / 2, no other segment can be nearer. Second round, for the
    points where that cannot be shown (crowded junctions, far from every road): every sample within the best
    distance so far plus SAMPLE_M / 2, which must include one of the true nearest segment's samples."""
    tree, sample_segment = graph.sample_tree
    if x.size == 0:
        return np.empty(0, np.int64), np.empty(0)
    k = min(_CANDIDATES, tree.n)
    sample_m, sample = tree.query(np.column_stack([x, y]), k=k)
    sample_m, sample = np.reshape(sample_m, (x.size, k)), np.reshape(sample, (x.size, k))
    seg, distance = _nearest_of(graph, x, y, sample_segment[sample])
    unsure = np.flatnonzero((sample_m[:, -1] <= distance + SAMPLE_M / 2) & (k < tree.n))
    if unsure.size:
        balls = tree.query_ball_point(np.column_stack([x[unsure], y[unsure]]), distance[unsure] + SAMPLE_M / 2,
                                      return_sorted=False)
        sizes = np.fromiter((len(ball) for ball in balls), np.int64, unsure.size)
        flat = sample_segment[np.fromiter(itertools.chain.from_iterable(balls), np.int64, int(sizes.sum()))]
        owner = np.repeat(np.arange(unsure.size), sizes)
        planar = _planar_distance(graph, x[unsure][owner], y[unsure][owner], flat)
        order = np.lexsort((planar, owner))
        first = order[np.r_[0, np.flatnonzero(np.diff(owner[order])) + 1]]
        seg[unsure], distance[unsure] = flat[first], planar[first]
    return seg, distance


def _planar_distance(graph: RoadGraph, x: Floats, y: Floats, segment: Ints) -> Floats:
    """Planar distance from points to segments (arrays of one shape)."""
    x0, y0 = graph.x[graph.u[segment]], graph.y[graph.u[segment]]
    dx, dy = graph.x[graph.v[segment]] - x0, graph.y[graph.v[segment]] - y0
    squared = dx * dx + dy * dy
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.clip(np.where(squared > 0, ((x - x0) * dx + (y - y0) * dy) / squared, 0.0), 0.0, 1.0)
    return np.asarray(np.hypot(x0 + t * dx - x, y0 + t * dy - y))


def _nearest_of(graph: RoadGraph, x: Floats, y: Floats, candidate: Ints) -> tuple[Ints, Floats]:
    """For each point (row), the nearest of its candidate segments (columns) and its planar distance."""
    planar = _planar_distance(graph, x[:, None], y[:, None], candidate)
    best = np.argmin(planar, axis=1)
    rows = np.arange(x.size)
    return candidate[rows, best].astype(np.int64), planar[rows, best]


def _foot_fraction(graph: RoadGraph, a: Ints, b: Ints, lon: Floats, lat: Floats) -> Floats:
    """Where the perpendicular from each position meets its segment a → b, as a fraction in [0, 1]."""
    start = to_ecef(graph.node_lon[a], graph.node_lat[a])
    direction = to_ecef(graph.node_lon[b], graph.node_lat[b]) - start
    offset = to_ecef(lon, lat) - start
    squared = np.einsum("ij,ij->i", direction, direction)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.einsum("ij,ij->i", offset, direction) / squared
    return np.clip(np.where(squared > 0, t, 0.0), 0.0, 1.0)
