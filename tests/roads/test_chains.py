"""Junctions and chains: shape points taken out of the walking graph, every segment in one chain."""

from __future__ import annotations

import numpy as np
import pytest

from planner.roads.chains import build_chains


def _chains(edges, lengths, nodes=None):
    u = np.array([a for a, _ in edges], np.int64)
    v = np.array([b for _, b in edges], np.int64)
    return build_chains(nodes or int(max(u.max(), v.max())) + 1, u, v, np.asarray(lengths, float))


def test_a_road_with_bends_is_one_chain_between_its_junctions():
    # 0 - 1 - 2 - 3 (a dead end at 0, a T at 3 with 4 and 5)
    chains = _chains([(0, 1), (2, 1), (2, 3), (3, 4), (3, 5)], [10, 20, 30, 5, 7])
    assert sorted(chains.node.tolist()) == [0, 3, 4, 5]
    road = chains.segment_chain[0]
    assert (chains.segment_chain[:3] == road).all()
    assert chains.length_m[road] == 60
    ends = {int(chains.node[chains.start[road]]), int(chains.node[chains.end[road]])}
    assert ends == {0, 3}
    # Segment (2, 1) is stored backwards: its nearer end to the start is 1 when the chain starts at 0.
    if chains.node[chains.start[road]] == 0:
        assert chains.segment_offset[:3].tolist() == [0, 10, 30]
        assert chains.segment_forward[:3].tolist() == [True, False, True]


def test_a_ring_of_shape_points_gets_one_junction():
    chains = _chains([(0, 1), (1, 2), (2, 0)], [1, 2, 3])
    assert chains.node.tolist() == [0]
    assert chains.start.tolist() == chains.end.tolist() == [0]
    assert chains.length_m.tolist() == [6]


def test_a_loop_back_to_one_junction_and_parallel_roads():
    # 0 - 1, a lens 1 - 2 - 1 through shape point 2, and two ways from 1 to junction 4 (which goes on to 5).
    chains = _chains([(0, 1), (1, 2), (2, 1), (1, 3), (3, 4), (1, 4), (4, 5)], [5, 10, 12, 7, 8, 30, 1])
    lens = chains.segment_chain[1]
    assert chains.segment_chain[2] == lens
    assert chains.start[lens] == chains.end[lens]
    assert chains.length_m[lens] == pytest.approx(22)
    # 3 is a shape point between 1 and 4: the chain 1-3-4 (15 m) beside the direct 1-4 (30 m).
    assert chains.segment_chain[3] == chains.segment_chain[4]
    assert chains.length_m[chains.segment_chain[3]] == 15
    assert chains.length_m[chains.segment_chain[5]] == 30
