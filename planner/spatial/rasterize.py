"""Label grid cells by the polygon their centre lies in: a vectorised scanline fill.

Every ring edge is intersected with the horizontal lines through the cell
centres it spans; per polygon and row, crossings sorted by x pair up
(even-odd rule, so holes and multipolygons need nothing special) into runs
of cell centres inside. No per-polygon Python loop: 50,000 polygons on a
16-million-cell grid take well under a second.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray

from planner.spatial.arrays import Floats, Ints

__all__ = ["RingEdges", "label_cells", "label_rows"]


@dataclass(frozen=True)
class RingEdges:
    """Every ring edge of some polygons as arrays: (x1, y1) to (x2, y2), and the polygon it belongs to."""

    x1: Floats
    y1: Floats
    x2: Floats
    y2: Floats
    owner: Ints

    @classmethod
    def of(cls, polygons: ArrayLike) -> RingEdges:
        parts, part_owner = shapely.get_parts(np.asarray(polygons, dtype=object), return_index=True)
        rings, ring_part = shapely.get_rings(parts, return_index=True)
        ring_owner = part_owner[ring_part]
        coords, coord_ring = shapely.get_coordinates(rings, return_index=True)
        same_ring = coord_ring[1:] == coord_ring[:-1]
        start = np.flatnonzero(same_ring)
        owner = ring_owner[coord_ring[start]]
        return cls(coords[start, 0], coords[start, 1], coords[start + 1, 0], coords[start + 1, 1], owner)


def label_cells(polygons: ArrayLike, *, west: float, north: float, cell: float, shape: tuple[int, int],
                fill: int = -1) -> NDArray[np.int32]:
    """(rows, cols) int32 array: index of the polygon containing each cell centre, else `fill`.

    Where polygons overlap, the one with the higher index wins.
    """
    polygons = np.asarray(polygons, dtype=object)
    if polygons.size == 0:
        return np.full(shape, fill, dtype=np.int32)
    return label_rows(RingEdges.of(polygons), west=west, north=north, cell=cell, rows=(0, shape[0]),
                      cols=shape[1], fill=fill)


def label_rows(edges: RingEdges, *, west: float, north: float, cell: float, rows: tuple[int, int], cols: int,
               fill: int = -1) -> NDArray[np.int32]:
    """`label_cells` of the grid rows (first, end) only, as an (end - first, cols) array: the whole grid's
    labels in those rows, exactly (cell centres are computed from the whole grid's row numbers)."""
    first_row, end_row = rows
    height = end_row - first_row
    out = np.empty(height * cols, dtype=np.int32)
    x1, y1, x2, y2, owner = edges.x1, edges.y1, edges.x2, edges.y2, edges.owner
    # Row r has its centre at north - (r + 0.5) cell; an edge crosses the rows whose
    # centre lies in [min(y), max(y)) (half-open so a shared vertex counts once).
    lo_y, hi_y = np.minimum(y1, y2), np.maximum(y1, y2)
    first = np.ceil((north - hi_y) / cell - 0.5).astype(np.int64)
    last = np.ceil((north - lo_y) / cell - 0.5).astype(np.int64) - 1
    first = np.maximum(first, first_row)
    last = np.minimum(last, end_row - 1)
    count = np.maximum(last - first + 1, 0)
    edge = np.repeat(np.arange(x1.size), count)
    row = np.repeat(first, count) + (np.arange(edge.size) - np.repeat(np.cumsum(count) - count, count))
    yc = north - (row + 0.5) * cell
    t = (yc - y1[edge]) / (y2[edge] - y1[edge])
    xc = x1[edge] + t * (x2[edge] - x1[edge])
    poly = owner[edge]
    row = row - first_row
    order = np.lexsort((xc, row, poly))
    poly, row, xc = poly[order], row[order], xc[order]
    # Crossings pair up within each (polygon, row): [0,1], [2,3], ...
    key = poly * max(height, 1) + row
    group_start = np.r_[0, np.flatnonzero(np.diff(key)) + 1]
    position = np.arange(key.size) - np.repeat(group_start, np.diff(np.r_[group_start, key.size]))
    starts = np.flatnonzero(position % 2 == 0)
    starts = starts[starts + 1 < key.size]
    starts = starts[key[starts + 1] == key[starts]]
    col_lo = np.ceil((xc[starts] - west) / cell - 0.5).astype(np.int64)
    col_hi = np.ceil((xc[starts + 1] - west) / cell - 0.5).astype(np.int64) - 1
    col_lo = np.maximum(col_lo, 0)
    col_hi = np.minimum(col_hi, cols - 1)
    length = np.maximum(col_hi - col_lo + 1, 0)
    keep = length > 0
    run_start = row[starts][keep] * cols + col_lo[keep]
    run_len, run_poly = length[keep], poly[starts][keep]
    return _fill_runs(out, run_start, run_len, run_poly, fill).reshape(height, cols)


def _fill_runs(out: NDArray[np.int32], run_start: Ints, run_len: Ints, run_poly: Ints, fill: int) -> NDArray[np.int32]:
    """Write each run's polygon index into `out` (flat)."""
    n = out.size
    run_end = run_start + run_len
    by_start = np.argsort(run_start, kind="stable")
    reach = np.maximum.accumulate(run_end[by_start])
    if not (run_start[by_start][1:] < reach[:-1]).any():
        # Runs do not overlap (areas tile the map): starts and ends are distinct, so a
        # running sum of "label + 1" steps is the label, in one int32 pass.
        step = np.zeros(n + 1, dtype=np.int32)
        step[run_start] += (run_poly + 1).astype(np.int32)
        step[run_end] -= (run_poly + 1).astype(np.int32)
        np.cumsum(step[:n], dtype=np.int32, out=out)
        out -= 1
        if fill != -1:
            out[out < 0] = fill
        return out
    out.fill(fill)
    order = np.argsort(run_poly, kind="stable")  # overlapping areas: the higher index is written last
    run_start, run_len, run_poly = run_start[order], run_len[order], run_poly[order]
    run_offsets = np.repeat(np.cumsum(run_len) - run_len, run_len)
    cells = np.repeat(run_start, run_len) + (np.arange(run_len.sum()) - run_offsets)
    out[cells] = np.repeat(run_poly, run_len).astype(np.int32)
    return out
