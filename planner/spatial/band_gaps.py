"""The gaps of a grid handed out band by band of rows (planner.spatial.bands), as `find_gaps` finds them.

A gap is the part of one area inside one 8-connected region of populated cells no site serves. Each band's
regions are labelled on their own; a region touching the band's first row is joined to the regions of the
previous band's last row it touches (8-connectivity: the cell above and its two diagonal neighbours), and
the joined regions form the whole grid's regions. Per (band region, area) the band keeps only a few numbers
(people, cells, the people-weighted sums of cell centres, its first cell), so memory follows the gaps, not
the grid. (A band is cut into pieces a few rows at a time: a piece is then a region's part in those rows.)
What a band gives on its own, its regions' pieces and its first and last rows (`band_pieces`), can be made
apart from the caller (a Dask worker, planner.coverage.band_spread); `BandGaps.add_pieces` numbers its
regions after those of the bands before and joins them.

The gaps come out in `find_gaps`' order: population descending, then cells descending, then the gap's first
cell in row-major order (find_gaps' ties keep the order in which its row-major scan first meets them). A
gap's people are added piece by piece here, cell by cell there: the sums may differ in their last bits, so
populations that agree to a millionth of a person are ordered as ties (find_gaps' own order between such
gaps is rounding noise).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from planner.spatial.arrays import Floats, Ints
from planner.spatial.plane import GridFrame

__all__ = ["BandGaps", "BandPieces", "band_pieces"]

_CHUNK_CELLS = 1_000_000  # cells made into pieces at once (a region may give a piece per chunk)
_TIE_DECIMALS = 6  # populations equal to a millionth of a person are ordered as ties
_COLUMNS = ["gap", "population", "cells", "lon", "lat", "area"]


_Parts = tuple[Ints, Ints, Floats, Ints, Floats, Floats, Ints]


@dataclass
class _Pieces:
    """Per (band region, area): the region's node, area (-1: none), people, cells, Σ people·x, Σ people·y,
    first flat cell of the whole grid."""

    parts: list[_Parts] = field(default_factory=list)

    def joined(self) -> _Parts:
        if not self.parts:
            empty_i, empty_f = np.empty(0, np.int64), np.empty(0)
            return empty_i, empty_i, empty_f, empty_i, empty_f, empty_f, empty_i
        columns = zip(*self.parts)
        return cast(_Parts, tuple(np.concatenate(column) for column in columns))


@dataclass(frozen=True)
class BandPieces:
    """A band's gap regions labelled on their own (`band_pieces`): what `BandGaps` keeps of the band, and all a
    Dask worker sends back of it (planner.coverage.band_spread). Regions are numbered 1…count in the band."""

    rows: int
    count: int
    top: NDArray[np.int32]  # region of each cell of the band's first row (0: not a gap cell)
    bottom: NDArray[np.int32]  # … of its last row
    parts: _Parts  # the band's pieces, regions as 0…count − 1


def band_pieces(frame: GridFrame, first: int, people: Floats, labels: NDArray[np.int32],
                served: NDArray[np.integer[Any]]) -> BandPieces:
    """The gap regions of the band of rows first..first + len(people) of the grid of `frame` (its people,
    area labels and served counts) and their pieces per (region, area)."""
    from scipy import ndimage

    mask = (served == 0) & (people > 0)
    region, count = ndimage.label(mask, structure=np.ones((3, 3), bool))  # int32, 0: not a gap cell
    cx, cy = frame.cell_centres()
    rows, cols = people.shape
    step = max(1, _CHUNK_CELLS // max(cols, 1))
    pieces = _Pieces()
    for top in range(0, rows if count else 0, step):  # a few rows at a time: the temporaries stay small
        part = slice(top, top + step)
        pieces.parts.append(_pieces_of(cx, cy, first + top, people[part], labels[part], mask[part], region[part]))
    edge = np.zeros(cols, np.int32)
    return BandPieces(rows, int(count), region[0].copy() if rows else edge, region[-1].copy() if rows else edge,
                      pieces.joined())


def _pieces_of(cx: Floats, cy: Floats, first: int, people: Floats, labels: NDArray[np.int32],
               mask: NDArray[np.bool_], region: NDArray[np.integer[Any]]) -> _Parts:
    """Per (band region, area), in the order find_gaps meets them: people, cells, centre sums, first cell."""
    span = np.int64(int(labels.max(initial=-1)) + 2)
    key = region[mask].astype(np.int64) * span
    key += labels[mask]
    key += 1
    code, keys = pd.factorize(key, sort=False)
    del key
    count = keys.size
    pop = people[mask]
    row, col = np.nonzero(mask)
    # np.bincount is typed as integer by numpy's stubs; with weights it gives floats.
    mass = cast(Floats, np.bincount(code, weights=pop, minlength=count))
    cells = np.bincount(code, minlength=count).astype(np.int64)
    sx = cast(Floats, np.bincount(code, weights=pop * cx[col], minlength=count))
    sy = cast(Floats, np.bincount(code, weights=pop * cy[first + row], minlength=count))
    # Codes are numbered as they first appear: code k's first cell is where the running maximum reaches k.
    top = np.maximum.accumulate(code)
    at = np.flatnonzero(np.r_[True, top[1:] > top[:-1]])
    first_cell = (first + row[at]).astype(np.int64) * cx.size + col[at]
    keys = np.asarray(keys, np.int64)
    return keys // span - 1, keys % span - 1, mass, cells, sx, sy, first_cell


class BandGaps:
    """Gaps of the grid of `frame`, from its bands given north to south (`add`, or `add_pieces` of what
    `band_pieces` made of them), then `table`."""

    def __init__(self, frame: GridFrame) -> None:
        self.frame = frame
        self.nodes = 0  # regions of the bands so far; node k is region k + 1 of the whole count
        self.edges: list[tuple[Ints, Ints]] = []
        self.last_row: Ints | None = None  # nodes + 1 of the previous band's last row (0: not a gap cell)
        self.end_row = 0
        self.pieces = _Pieces()

    def add(self, first: int, people: Floats, labels: NDArray[np.int32], served: NDArray[np.integer[Any]]) -> None:
        """The band of rows first..first + len(people): its people, area labels and served counts."""
        self.add_pieces(first, band_pieces(self.frame, first, people, labels, served))

    def add_pieces(self, first: int, band: BandPieces) -> None:
        """The band of rows first..first + band.rows, as `band_pieces` gives it: its regions become nodes
        after those of the bands before, joined to the previous band's last row where they touch it."""
        if first != self.end_row:
            msg = f"bands must come north to south without a gap: expected row {self.end_row}, got {first}"
            raise ValueError(msg)
        self.end_row = first + band.rows
        if band.count and self.last_row is not None:
            self._join(self.last_row, self._nodes_of(band.top), self.nodes + band.count)
        if band.rows:
            self.last_row = self._nodes_of(band.bottom)
        if band.count:
            node, area, mass, cells, sx, sy, first_cell = band.parts
            self.pieces.parts.append((node + self.nodes, area, mass, cells, sx, sy, first_cell))
        self.nodes += band.count

    def _nodes_of(self, region: NDArray[np.integer[Any]]) -> Ints:
        """A row's band regions as node + 1 (0: not a gap cell)."""
        nodes = region.astype(np.int64)
        nodes[nodes > 0] += self.nodes
        return nodes

    def _join(self, above: Ints, below: Ints, nodes: int) -> None:
        """Edges between the gap cells of the previous band's last row and this band's first row, each pair of
        regions once (a region as wide as a province touches the next band all along the row)."""
        cols = above.size
        pairs = []
        for shift in (-1, 0, 1):
            a = above[max(0, -shift):cols - max(0, shift)]
            b = below[max(0, shift):cols - max(0, -shift)]
            both = (a > 0) & (b > 0)
            pairs.append((a[both] - 1) * nodes + (b[both] - 1))
        pair = np.unique(np.concatenate(pairs))
        if pair.size:
            self.edges.append((pair // nodes, pair % nodes))

    def table(self, *, min_population: float = 1.0) -> pd.DataFrame:
        """The gaps as find_gaps tables them: gap, population, cells, lon, lat (people-weighted centre), area."""
        node, area, mass, cells, sx, sy, first_cell = self.pieces.joined()
        if node.size == 0:
            return pd.DataFrame(columns=_COLUMNS)
        whole = self._regions()[node]
        order = np.argsort(first_cell, kind="stable")  # each gap then first meets its first cell
        span = np.int64(int(area.max()) + 2)
        code, keys = pd.factorize(whole[order] * span + area[order] + 1, sort=False)
        count = keys.size
        people = np.bincount(code, weights=mass[order], minlength=count)
        table = pd.DataFrame({
            "population": people, "cells": np.bincount(code, weights=cells[order], minlength=count).astype(np.int64),
            "x": np.bincount(code, weights=sx[order], minlength=count) / people,
            "y": np.bincount(code, weights=sy[order], minlength=count) / people,
            "area": np.asarray(keys, np.int64) % span - 1})
        table = table[table["population"] >= min_population]
        table = table.assign(rank_people=np.round(table["population"], _TIE_DECIMALS))
        table = table.sort_values(["rank_people", "cells"], ascending=False, kind="stable").reset_index(drop=True)
        lon, lat = self.frame.unproject(table["x"].to_numpy(), table["y"].to_numpy())
        table = table.assign(lon=lon, lat=lat)
        table.insert(0, "gap", np.arange(1, len(table) + 1))
        return table[_COLUMNS]

    def _regions(self) -> Ints:
        """The whole grid's region of every band region (node), numbered 0…"""
        from scipy.sparse import coo_matrix
        from scipy.sparse.csgraph import connected_components

        if not self.edges:
            return np.arange(self.nodes, dtype=np.int64)
        a = np.concatenate([edge[0] for edge in self.edges])
        b = np.concatenate([edge[1] for edge in self.edges])
        graph = coo_matrix((np.ones(a.size, np.int8), (a, b)), shape=(self.nodes, self.nodes))
        _, labels = connected_components(graph, directed=False)
        return labels.astype(np.int64)
