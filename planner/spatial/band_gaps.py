"""The gaps of a grid handed out band by band of rows (planner.spatial.bands), as `find_gaps` finds them.

A gap is the part of one area inside one 8-connected region of populated cells no site serves. Each band's
regions are labelled on their own; a region touching the band's first row is joined to the regions of the
previous band's last row it touches (8-connectivity: the cell above and its two diagonal neighbours), and
the joined regions form the whole grid's regions. Per (band region, area) the band keeps only a few numbers
(people, cells, the people-weighted sums of cell centres, its first cell), so memory follows the gaps, not
the grid. (A band is cut into pieces a few rows at a time: a piece is then a region's part in those rows.)

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

__all__ = ["BandGaps"]

_CHUNK_CELLS = 1_000_000  # cells made into pieces at once (a region may give a piece per chunk)
_TIE_DECIMALS = 6  # populations equal to a millionth of a person are ordered as ties
_COLUMNS = ["gap", "population", "cells", "lon", "lat", "area"]


@dataclass
class _Pieces:
    """Per (band region, area): the region's node, area (-1: none), people, cells, Σ people·x, Σ people·y,
    first flat cell of the whole grid."""

    parts: list[tuple[Ints, Ints, Floats, Ints, Floats, Floats, Ints]] = field(default_factory=list)

    def joined(self) -> tuple[Ints, Ints, Floats, Ints, Floats, Floats, Ints]:
        if not self.parts:
            empty_i, empty_f = np.empty(0, np.int64), np.empty(0)
            return empty_i, empty_i, empty_f, empty_i, empty_f, empty_f, empty_i
        columns = zip(*self.parts)
        return cast(tuple[Ints, Ints, Floats, Ints, Floats, Floats, Ints],
                    tuple(np.concatenate(column) for column in columns))


class BandGaps:
    """Gaps of the grid of `frame`, from its bands given north to south (`add`), then `table`."""

    def __init__(self, frame: GridFrame) -> None:
        self.frame = frame
        self.cx, self.cy = frame.cell_centres()
        self.nodes = 0  # regions of the bands so far; node k is region k + 1 of the whole count
        self.edges: list[tuple[Ints, Ints]] = []
        self.last_row: Ints | None = None  # nodes + 1 of the previous band's last row (0: not a gap cell)
        self.end_row = 0
        self.pieces = _Pieces()

    def add(self, first: int, people: Floats, labels: NDArray[np.int32], served: NDArray[np.integer[Any]]) -> None:
        """The band of rows first..first + len(people): its people, area labels and served counts."""
        from scipy import ndimage

        if first != self.end_row:
            msg = f"bands must come north to south without a gap: expected row {self.end_row}, got {first}"
            raise ValueError(msg)
        self.end_row = first + people.shape[0]
        mask = (served == 0) & (people > 0)
        region, count = ndimage.label(mask, structure=np.ones((3, 3), bool))  # int32, 0: not a gap cell
        if count and self.last_row is not None:
            self._join(self.last_row, self._nodes_of(region[0]), self.nodes + count)
        if region.shape[0]:
            self.last_row = self._nodes_of(region[-1])
        rows, cols = people.shape
        step = max(1, _CHUNK_CELLS // max(cols, 1))
        for top in range(0, rows if count else 0, step):  # a few rows at a time: the temporaries stay small
            rows_part = slice(top, top + step)
            self._pieces_of(first + top, people[rows_part], labels[rows_part], mask[rows_part], region[rows_part])
        self.nodes += count

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

    def _pieces_of(self, first: int, people: Floats, labels: NDArray[np.int32], mask: NDArray[np.bool_],
                   region: NDArray[np.integer[Any]]) -> None:
        """Per (band region, area), in the order find_gaps meets them: people, cells, centre sums, first cell."""
        span = np.int64(int(labels.max(initial=-1)) + 2)
        key = (region[mask].astype(np.int64) + self.nodes) * span
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
        sx = cast(Floats, np.bincount(code, weights=pop * self.cx[col], minlength=count))
        sy = cast(Floats, np.bincount(code, weights=pop * self.cy[first + row], minlength=count))
        # Codes are numbered as they first appear: code k's first cell is where the running maximum reaches k.
        top = np.maximum.accumulate(code)
        at = np.flatnonzero(np.r_[True, top[1:] > top[:-1]])
        first_cell = (first + row[at]).astype(np.int64) * self.frame.shape[1] + col[at]
        keys = np.asarray(keys, np.int64)
        self.pieces.parts.append((keys // span - 1, keys % span - 1, mass, cells, sx, sy, first_cell))

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
