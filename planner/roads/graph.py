"""The walkable road network as a graph: geodesic segment lengths, a sparse matrix, a snapping index.

Built once per registry version from `RoadSegments`. Segment lengths are
geodesic metres (pyproj.Geod). The sparse matrix keeps, for every pair of
nodes joined by more than one segment, the shortest one (a CSR matrix built
from COO entries would add duplicates together); a zero-length segment (two
OSM nodes at one position) becomes a tiny positive length so the sparse
graph keeps it as an edge. Snapping searches segments in a planar
(Gauss–Krüger / UTM) copy of the nodes; every metre it reports comes from the
ellipsoid (see snap.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from pyproj import CRS, Transformer
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from planner.roads.chains import Chains, build_chains
from planner.roads.segments import RoadSegments
from planner.spatial.arrays import Floats, Ints
from planner.spatial.crs import metric_crs_for
from planner.spatial.geodesic import geodesic_distance

__all__ = ["SAMPLE_M", "ZERO_EDGE_M", "RoadGraph", "build_road_graph", "shortest_matrix", "walk_matrix"]

ZERO_EDGE_M = 1e-6  # a zero-length segment still joins its two nodes
SAMPLE_M = 20.0  # spacing of the points along segments that snapping searches first


@dataclass(frozen=True, eq=False)
class RoadGraph:
    node_lon: Floats
    node_lat: Floats
    u: Ints  # every segment, each pair of nodes once (a segment given twice is one road)
    v: Ints
    length_m: Floats  # geodesic metres of each segment
    crs: CRS  # the planar CRS of x, y
    x: Floats  # planar node coordinates (metres), for searching only
    y: Floats
    # The graph proper: one undirected edge per joined pair of nodes, at its shortest length.
    edge_from: Ints = field(repr=False)
    edge_to: Ints = field(repr=False)
    edge_m: Floats = field(repr=False)

    @property
    def nodes(self) -> int:
        return int(self.node_lon.size)

    @property
    def segments(self) -> int:
        return int(self.u.size)

    @cached_property
    def matrix(self) -> csr_matrix:
        """The symmetric N × N sparse matrix of the walkable edges."""
        return self.matrix_with(np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0), 0)

    def matrix_with(self, extra_from: Ints, extra_to: Ints, extra_m: Floats, extra_nodes: int) -> csr_matrix:
        """The matrix with `extra_nodes` more nodes (numbered from N) and extra undirected edges."""
        size = self.nodes + extra_nodes
        rows = np.concatenate([self.edge_from, self.edge_to, extra_from, extra_to])
        cols = np.concatenate([self.edge_to, self.edge_from, extra_to, extra_from])
        data = np.concatenate([self.edge_m, self.edge_m, extra_m, extra_m])
        return shortest_matrix(rows, cols, data, size)

    @cached_property
    def chains(self) -> Chains:
        """Junctions and the chains of segments between them (planner.roads.chains)."""
        return build_chains(self.nodes, self.u, self.v, self.length_m)

    @property
    def vertices(self) -> int:
        """How many junctions the walking graph has (its vertices; extra ones are numbered from here)."""
        return self.chains.junctions

    @cached_property
    def _walk_edges(self) -> tuple[Ints, Ints, Floats]:
        chains = self.chains
        return _shortest_per_pair(chains.start, chains.end, chains.length_m)

    @cached_property
    def walk_matrix(self) -> csr_matrix:
        """The symmetric junctions × junctions matrix of the chains (each pair at its shortest chain)."""
        return self.walk_matrix_with(np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0), 0)

    def walk_matrix_with(self, extra_from: Ints, extra_to: Ints, extra_m: Floats, extra: int) -> csr_matrix:
        """The walking matrix with `extra` more vertices (numbered from `vertices`) and extra undirected edges."""
        edge_from, edge_to, edge_m = self._walk_edges
        size = self.vertices + extra
        rows = np.concatenate([edge_from, edge_to, extra_from, extra_to])
        cols = np.concatenate([edge_to, edge_from, extra_to, extra_from])
        data = np.concatenate([edge_m, edge_m, extra_m, extra_m])
        return walk_matrix(rows, cols, data, size)

    @property
    def vertex_xy(self) -> tuple[Floats, Floats]:
        """Planar coordinates of the junctions."""
        return self.x[self.chains.node], self.y[self.chains.node]

    @cached_property
    def component(self) -> Ints:
        """The connected part of the network each node belongs to."""
        return connected_components(self.matrix, directed=False)[1].astype(np.int64)

    @cached_property
    def to_planar(self) -> Transformer:
        return Transformer.from_crs(4326, self.crs, always_xy=True)

    @cached_property
    def sample_tree(self) -> tuple[cKDTree, Ints]:
        """A KD-tree of points along every segment (both ends, and at most SAMPLE_M apart), and the segment
        of each: the quick first search of snapping (planner.roads.snap)."""
        x0, y0, x1, y1 = self.x[self.u], self.y[self.u], self.x[self.v], self.y[self.v]
        pieces = np.maximum(np.ceil(np.hypot(x1 - x0, y1 - y0) / SAMPLE_M), 1).astype(np.int64)
        segment = np.repeat(np.arange(self.segments), pieces + 1)
        start = np.repeat(np.cumsum(pieces + 1) - (pieces + 1), pieces + 1)
        t = (np.arange(segment.size) - start) / pieces[segment]
        xy = np.column_stack([x0[segment] + t * (x1 - x0)[segment], y0[segment] + t * (y1 - y0)[segment]])
        return cKDTree(xy, balanced_tree=False, compact_nodes=False), segment


def shortest_matrix(rows: Ints, cols: Ints, metres: Floats, size: int) -> csr_matrix:
    """A size × size sparse graph of the edges rows[k] → cols[k], keeping the shortest where an edge is given
    more than once (a CSR matrix built from COO entries would add them together: a position on a loop ties
    twice to the same junction), and a zero-length edge as a tiny positive one (the sparse graph keeps it)."""
    key = np.asarray(rows, np.int64) * np.int64(size) + np.asarray(cols, np.int64)
    order = np.lexsort((metres, key))
    first = order[np.r_[True, key[order][1:] != key[order][:-1]]] if key.size else order
    return csr_matrix((np.maximum(np.asarray(metres)[first], ZERO_EDGE_M),
                       (np.asarray(rows)[first], np.asarray(cols)[first])), shape=(size, size))


def walk_matrix(rows: Ints, cols: Ints, metres: Floats, size: int) -> csr_matrix:
    """A size × size sparse graph of edges given once each (chains at their shortest, ties from
    `Snap.ties`); a zero-length edge becomes a tiny positive one, which the sparse graph keeps."""
    return csr_matrix((np.maximum(metres, ZERO_EDGE_M), (rows, cols)), shape=(size, size))


def _shortest_per_pair(u: Ints, v: Ints, metres: Floats) -> tuple[Ints, Ints, Floats]:
    """One (a < b) edge per joined pair of distinct nodes, at the shortest length among its segments."""
    keep = u != v  # a loop never shortens a walk
    a, b, m = np.minimum(u, v)[keep], np.maximum(u, v)[keep], metres[keep]
    order = np.lexsort((m, b, a))
    a, b, m = a[order], b[order], m[order]
    first = np.ones(a.size, bool)
    first[1:] = (a[1:] != a[:-1]) | (b[1:] != b[:-1])
    return a[first], b[first], m[first]


def build_road_graph(segments: RoadSegments) -> RoadGraph:
    """The graph of `segments` (at least one segment)."""
    lon, lat = np.asarray(segments.node_lon, float), np.asarray(segments.node_lat, float)
    u, v = np.asarray(segments.u, np.int64), np.asarray(segments.v, np.int64)
    if u.size == 0:
        raise ValueError("a road graph needs at least one segment")
    # A segment given twice (either way round) is one road: two positions on it must meet along it, not via
    # its ends, whichever copy each would snap to (a footway drawn again as a pedestrian area's outline).
    key = np.minimum(u, v) * np.int64(lon.size) + np.maximum(u, v)
    first = np.sort(np.unique(key, return_index=True)[1])
    u, v = u[first], v[first]
    metres = geodesic_distance(lon[u], lat[u], lon[v], lat[v])
    crs = metric_crs_for(lon, lat)
    x, y = Transformer.from_crs(4326, crs, always_xy=True).transform(lon, lat)
    edge_from, edge_to, edge_m = _shortest_per_pair(u, v, metres)
    return RoadGraph(lon, lat, u, v, metres, crs, np.asarray(x), np.asarray(y), edge_from, edge_to, edge_m)
