"""Number the nodes of road segments densely: vertices with one key are one node.

Both readers end here. The OpenStreetMap reader keys a vertex by its node id
(ways share a node by id); the line-layer reader by its position rounded to
1e-7 degree (lines share a node where their vertices meet). Only vertices at
the end of a kept segment become nodes, so no node stands alone.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from planner.roads.segments import RoadSegments
from planner.spatial.arrays import Floats, Ints

__all__ = ["number_segments"]


def number_segments(keys: NDArray[np.integer[Any]], lon: Floats, lat: Floats, start: Ints, end: Ints, *,
                    source: str = "", notes: tuple[str, ...] = ()) -> RoadSegments:
    """Segments from vertex `start[i]` to vertex `end[i]`, their vertices joined by `keys` and numbered 0..N-1.

    A node takes the position of one of its vertices (they differ by less than
    the keys' rounding, if at all); nodes are numbered in the order of their keys.
    """
    ends = np.concatenate([np.asarray(start, np.int64), np.asarray(end, np.int64)])
    _, first, number = np.unique(np.asarray(keys)[ends], return_index=True, return_inverse=True)
    at = ends[first]
    number = number.reshape(-1).astype(np.int64)
    count = len(start)
    return RoadSegments(np.asarray(lon, float)[at], np.asarray(lat, float)[at], number[:count], number[count:],
                        source=source, notes=notes)
