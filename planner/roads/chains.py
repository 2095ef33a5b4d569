"""The road network with its shape points taken out: junctions joined by chains, the graph walks run on.

Most nodes of a road network only bend a road (about 60 % of a city's
OpenStreetMap nodes have exactly two segments). Walks need only the
junctions — nodes with one, three or more segments — and the chains of
segments between them, each as one edge of its whole length: a Dijkstra over
that graph visits a fraction of the nodes. A position on a road lies on one
chain at some distance from its start, so it ties to the chain's two
junctions, and two positions on one chain may also walk straight along it.
A closed ring of shape points with no junction gets one of its nodes as a
junction.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components, dijkstra

from planner.spatial.arrays import Bools, Floats, Ints

__all__ = ["Chains", "build_chains"]


@dataclass(frozen=True)
class Chains:
    node: Ints  # (J,) the road node of each junction
    start: Ints  # (C,) the junction each chain starts at
    end: Ints  # (C,) … and ends at (the same for a loop)
    length_m: Floats  # (C,) geodesic metres of each chain (the sum of its segments)
    segment_chain: Ints  # (E,) the chain of each segment
    segment_offset: Floats  # (E,) metres from the chain's start to the nearer end of the segment
    segment_forward: Bools  # (E,) the chain runs from the segment's u to its v

    @property
    def junctions(self) -> int:
        return int(self.node.size)


def _junction_nodes(nodes: int, u: Ints, v: Ints) -> Bools:
    """Nodes that are not plain shape points: not exactly two segment ends, plus one node of each closed ring
    made only of shape points."""
    degree = np.bincount(np.r_[u, v], minlength=nodes)
    junction = degree != 2
    inner = ~junction[u] & ~junction[v]
    ring_graph = coo_matrix((np.ones(int(inner.sum())), (u[inner], v[inner])), shape=(nodes, nodes))
    _, part = connected_components(ring_graph, directed=False)
    # A part of shape points touching no junction is a ring: its lowest node becomes a junction.
    touches = np.zeros(part.max() + 1, bool)
    border = junction[u] != junction[v]
    touches[part[np.where(junction[u], v, u)[border]]] = True
    shape_point = np.flatnonzero(~junction)
    lowest = np.full(part.max() + 1, -1, np.int64)
    lowest[part[shape_point[::-1]]] = shape_point[::-1]  # later writes win: the lowest node of each part
    rings = np.flatnonzero((lowest >= 0) & ~touches)
    junction[lowest[rings]] = True
    return np.asarray(junction, bool)


def build_chains(nodes: int, u: Ints, v: Ints, length_m: Floats) -> Chains:
    """Junctions and the chains of segments between them (every segment in exactly one chain)."""
    junction = _junction_nodes(nodes, u, v)
    edges = u.size
    # Split every junction into one copy per segment end, so walks cannot pass through a junction: what stays
    # connected is exactly one chain. Copies are numbered after the road nodes: N + 2 * segment + (0: u, 1: v).
    su = np.where(junction[u], nodes + 2 * np.arange(edges), u)
    sv = np.where(junction[v], nodes + 2 * np.arange(edges) + 1, v)
    size = nodes + 2 * edges
    split = coo_matrix((np.maximum(length_m, 1e-9), (su, sv)), shape=(size, size)).tocsr()
    _, part = connected_components(split, directed=False)
    chain_of_part = np.full(part.max() + 1, -1, np.int64)
    copies = np.r_[su[junction[u]], sv[junction[v]]]
    copies.sort()
    # Each chain starts at its lowest copy; a Dijkstra from every start gives offsets along the chains.
    first = np.unique(part[copies], return_index=True)[1]
    starts = copies[first]
    chain_of_part[part[starts]] = np.arange(starts.size)
    offset = dijkstra(split, directed=False, indices=starts, min_only=True)
    segment_chain = chain_of_part[part[su]]
    forward = offset[su] <= offset[sv]
    copy_node = np.empty(size, np.int64)  # the road node of every node of the split graph
    copy_node[:nodes] = np.arange(nodes)
    copy_node[nodes::2], copy_node[nodes + 1::2] = u, v
    # Each chain ends at its copy farthest from the start.
    order = np.lexsort((offset[copies], part[copies]))
    last = copies[order][np.r_[np.flatnonzero(np.diff(part[copies][order])), copies.size - 1]]
    junction_index = np.full(nodes, -1, np.int64)
    junction_node = np.flatnonzero(junction)
    junction_index[junction_node] = np.arange(junction_node.size)
    chains = starts.size
    end = np.empty(chains, np.int64)
    end[chain_of_part[part[last]]] = junction_index[copy_node[last]]
    length = np.empty(chains)
    length[chain_of_part[part[last]]] = offset[last]
    return Chains(junction_node, junction_index[copy_node[starts]], end, length, segment_chain,
                  np.minimum(offset[su], offset[sv]), forward)
