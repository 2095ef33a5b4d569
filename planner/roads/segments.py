"""Walkable road segments as plain arrays: what the readers produce and the registry stores.

A segment is a straight piece of road between two consecutive vertices of a
way or line (u → v, node numbers 0..N-1); a pedestrian may walk it in both
directions. Nodes shared by two segments join them: that is the topology.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from planner.spatial.arrays import Floats, Ints

__all__ = ["RoadSegments"]


@dataclass(frozen=True)
class RoadSegments:
    node_lon: Floats  # (N,) WGS84 longitude of every node
    node_lat: Floats  # (N,) WGS84 latitude
    u: Ints  # (E,) first node of each segment
    v: Ints  # (E,) second node
    source: str = ""  # the file name, for the history
    notes: tuple[str, ...] = ()  # what the reader left out and why, one line each

    def __post_init__(self) -> None:
        if self.node_lon.shape != self.node_lat.shape or self.u.shape != self.v.shape:
            raise ValueError("node and segment arrays must pair up")
        if self.u.size and (min(self.u.min(), self.v.min()) < 0
                            or max(self.u.max(), self.v.max()) >= self.node_lon.size):
            raise ValueError("segment ends must be node numbers")

    @property
    def nodes(self) -> int:
        return int(self.node_lon.size)

    @property
    def edges(self) -> int:
        return int(self.u.size)

    @classmethod
    def empty(cls, source: str = "") -> RoadSegments:
        return cls(np.empty(0), np.empty(0), np.empty(0, np.int64), np.empty(0, np.int64), source)
