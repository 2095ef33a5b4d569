"""Row prefix sums kept only where people live: a country's grid, mostly empty, in a fraction of its cells.

A 100 m grid over China has about 3·10⁹ cells; its row prefix sums would take
24 GB per quantity. Most cells hold nobody (the west, the sea, the land
between villages), and a row's prefix sum is constant across empty cells. So
each row keeps only its runs of populated cells (runs closer than `GAP`
empty cells are one run): for a run of columns [s, e), the row's prefix sums
before columns s..e. Any other column's prefix is the one kept at the end of
the last run before it in its row, or 0. The kept numbers are taken from the
whole row's prefix sums, so every disc sum equals `RowPrefixes`' bit for bit.
"""

from __future__ import annotations

import itertools
import mmap
from dataclasses import dataclass, field
from typing import cast

import numpy as np
from numpy.typing import ArrayLike, NDArray

from planner.spatial.arrays import Floats, Ints
from planner.spatial.plane import GridPlane, RowPrefixes

__all__ = ["GAP", "RunPrefixes", "band_runs"]

GAP = 256  # empty cells that still split a row's run (shorter gaps are kept as zeros)
ROWS_READ = 1_024
WINDOW_CELLS = 16_000_000  # cells of whole rows copied out at once for a block of points (128 MB per quantity)


@dataclass(frozen=True)
class RunPrefixes(RowPrefixes):
    """`RowPrefixes` kept by runs. `prefixes[k][0]` is 0 (no run yet); run i's values start at `offset[i]`."""

    run_key: Ints = field(default_factory=lambda: np.empty(0, np.int64))  # row * (cols + 1) + first column
    run_length: Ints = field(default_factory=lambda: np.empty(0, np.int64))  # columns in the run
    offset: Ints = field(default_factory=lambda: np.empty(0, np.int64))

    @classmethod
    def of_runs(cls, plane: GridPlane, run_key: Ints, run_length: Ints, values: list[Floats]) -> RunPrefixes:
        """From runs as `band_runs` gives them, bands concatenated in order; each of `values` starts with one 0
        (the prefix before a row's first run), then the runs' values."""
        offset = np.cumsum(run_length + 1) - run_length  # 1 + where each run's values start
        return cls(plane, values, None, run_key=run_key, run_length=run_length, offset=offset)

    @property
    def kept_cells(self) -> int:
        return int(self.prefixes[0].size) if self.prefixes else 0

    def _flat(self, row: Ints, lo: Ints, end: Ints) -> tuple[Ints, Ints]:
        return self._at(row, lo), self._at(row, end)

    def disc_sums(self, x: ArrayLike, y: ArrayLike, radius_m: ArrayLike, *, chunk: int = 250_000) -> list[Floats]:
        """`RowPrefixes.disc_sums`, block of columns by block: each block's points read a window of whole rows
        copied out of the runs, and the pages read are let go before the next block. Reading the kept files
        directly would map tens of kilobytes around every row a disc touches: gigabytes for points spread
        north to south. The window holds the same numbers, added in the same order: the same sums, bit for
        bit."""
        plane = self.plane
        x = np.asarray(x, float)
        y = np.asarray(y, float)
        radius = np.broadcast_to(np.asarray(radius_m, float), x.shape)
        outs = [np.zeros(x.size) for _ in self.prefixes]
        reach = radius * plane.scale_factor(x, y) / plane.cell_m
        column = (x - plane.west) / plane.cell_m - 0.5
        row = (plane.north - y) / plane.cell_m - 0.5
        ok = np.flatnonzero(np.isfinite(column + row + reach))
        rows, cols = plane.shape
        block_cols = max(64, WINDOW_CELLS // max(rows, 1))
        block = np.floor(column[ok] / block_cols)
        order = np.argsort(block, kind="stable")
        starts = np.r_[0, np.flatnonzero(np.diff(block[order])) + 1, order.size] if order.size else np.zeros(1, int)
        for first, end in itertools.pairwise(starts):
            part = ok[order[first:end]]
            edges = (np.floor(np.min(row[part] - reach[part])) - 1, np.ceil(np.max(row[part] + reach[part])) + 2,
                     np.floor(np.min(column[part] - reach[part])) - 1, np.ceil(np.max(column[part] + reach[part])) + 2)
            window = self._window(*(int(np.clip(v, 0, limit)) for v, limit in zip(edges, (rows, rows, cols, cols))))
            for out, part_sums in zip(outs, window.disc_sums(x[part], y[part], radius[part], chunk=chunk)):
                out[part] = part_sums
            self._let_go()
        return outs

    def _window(self, top: int, bottom: int, left: int, right: int) -> _Window:
        """Whole-row prefix sums of rows top..bottom - 1 before columns left..right, copied out of the runs."""
        width = right - left + 1
        values = [np.empty((bottom - top) * width) for _ in self.prefixes]
        columns = np.arange(left, right + 1, dtype=np.int64)
        # A few thousand rows at a time: each row read maps some tens of kilobytes of the files around it.
        step = min(max(1, WINDOW_CELLS // 8 // width), ROWS_READ)
        for first in range(top, bottom, step):
            end = min(first + step, bottom)
            grid_row = np.repeat(np.arange(first, end, dtype=np.int64), width)
            at = self._at(grid_row, np.tile(columns, end - first))
            for kept, out in zip(self.prefixes, values):
                out[(first - top) * width:(end - top) * width] = kept[at]
            self._let_go()
        return _Window(self.plane, values, (top, bottom), left=left, width=width)

    def _let_go(self) -> None:
        """Unmap the kept files' pages read so far (they stay in the page cache): a process's resident memory
        is then what it computes with, not the files it read."""
        for kept in self.prefixes:
            mapped = getattr(kept, "_mmap", None)
            if mapped is not None:
                mapped.madvise(mmap.MADV_DONTNEED)


    def _at(self, row: Ints, column: Ints) -> Ints:
        width = self.plane.shape[1] + 1
        run = np.searchsorted(self.run_key, row * width + column, side="right") - 1
        safe = np.maximum(run, 0)
        start = self.run_key[safe] % width
        same_row = (run >= 0) & (self.run_key[safe] // width == row)
        kept = self.offset[safe] + np.minimum(column - start, self.run_length[safe])
        return np.where(same_row, kept, 0)


@dataclass(frozen=True)
class _Window(RowPrefixes):
    """Whole-row prefix sums of a band of rows before columns left..left + width - 1 (`band`: the rows)."""

    left: int = 0
    width: int = 0

    def _flat(self, row: Ints, lo: Ints, end: Ints) -> tuple[Ints, Ints]:
        base = (row - cast(tuple[int, int], self.band)[0]) * self.width
        # Spans of no cell come as (first row, 0, 0): any index equal for both does; real spans lie inside.
        return base + np.maximum(lo - self.left, 0), base + np.maximum(end - self.left, 0)


def band_runs(people: NDArray[np.floating], prefixes: list[Floats], first_row: int, *,
              gap: int = GAP) -> tuple[Ints, Ints, list[Floats]]:
    """The runs of a band of grid rows (people: (rows, cols)) and, per prefix array of the band ((rows,
    cols + 1) each, `bands.prefix_band`), the values they keep: (run_key, run_length, values)."""
    rows, cols = people.shape
    width = cols + 1
    edges = np.zeros((rows, cols + 2), np.int8)
    edges[:, 1:-1] = people != 0
    step = np.diff(edges, axis=1)
    start_row, start_col = np.nonzero(step == 1)
    _, end_col = np.nonzero(step == -1)  # same order: each run's end follows its start in its row
    new = np.ones(start_row.size, bool)
    new[1:] = (start_row[1:] != start_row[:-1]) | (start_col[1:] - end_col[:-1] >= gap)
    first = np.flatnonzero(new)
    last = np.r_[first[1:] - 1, start_row.size - 1] if first.size else first
    run_row, run_start, run_end = start_row[first], start_col[first], end_col[last]
    length = (run_end - run_start).astype(np.int64)
    count = length + 1
    within = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
    index = np.repeat(run_row * width + run_start, count) + within
    values = [np.asarray(p).reshape(-1)[index] for p in prefixes]
    return (run_row.astype(np.int64) + first_row) * width + run_start, length, values
