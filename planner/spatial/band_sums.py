"""Per-area coverage sums of a grid handed out band by band of rows (planner.spatial.bands).

The same figures `area_coverage` and `population_centres` give from the whole grid, bit for bit: people
binned by times served (0, 1, 2+) per area, the people-weighted sums of cell centres per area, and the areas
smaller than a cell taking their share of their host cell (as `PopulationGrid.move_orphans` hands it).

np.bincount adds a bin's weights one after the other in the order of the cells; `np.add.at` into running
sums continues that very fold band after band, and cells without people add nothing (x + 0.0 is x), so
only the populated cells of a band are added. `area_coverage` bins each column tile of the grid apart
(`tile_bins`, `column_tiles`) and adds the tiles in order: the running sums here are kept per (area, tile),
for the tiles each area's columns can reach (`area_tiles`), and added tile by tile at the end.

A band may also come as its populated cells only (`PopulatedCells`: what a Dask worker sends back,
planner.coverage.band_spread): the same cells in the same order, so the same sums.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from planner.spatial.arrays import Floats, Ints
from planner.spatial.coverage import TILE_COLUMNS, AreaCoverage
from planner.spatial.grid import move_to_orphans
from planner.spatial.plane import GridFrame

__all__ = ["BandSums", "PopulatedCells"]

_CHUNK_CELLS = 1_000_000  # cells added at once: the temporaries of a chunk stay near 100 MB


@dataclass(frozen=True)
class PopulatedCells:
    """A band of rows as BandSums needs it, its populated cells only (and the cells holding the areas smaller
    than a cell), in row-major order: a band's answer, far smaller than the band itself."""

    shape: tuple[int, int]  # the band's rows and columns
    cell: NDArray[np.integer[Any]]  # flat index within the band, increasing
    slot: NDArray[np.int32]  # area + 1 (0: none)
    people: Floats
    times: NDArray[np.int8]  # times served: 0, 1, 2 for two or more
    count_slot: Ints  # every cell of the band, populated or not: the slots present and how many cells each holds
    count: Ints

    @classmethod
    def of(cls, people: Floats, slot: NDArray[np.integer[Any]], served: NDArray[np.integer[Any]],
           keep: Ints) -> PopulatedCells:
        """From a band's people, slots (area + 1) and served counts; `keep`: flat cells kept even if empty (the
        orphans' host cells; those beyond the band are left out)."""
        flat, slots = people.ravel(), slot.ravel()
        chosen = flat != 0
        chosen[keep[(keep >= 0) & (keep < flat.size)]] = True
        cell = np.flatnonzero(chosen)
        counts = np.bincount(slots)
        present = np.flatnonzero(counts)
        return cls((int(people.shape[0]), int(people.shape[1])),
                   cell.astype(np.int32) if flat.size < 2**31 else cell, slots[cell].astype(np.int32),
                   flat[cell], np.minimum(served.ravel()[cell], 2).astype(np.int8), present, counts[present])


class BandSums:
    """Per-area sums of the grid of `frame` over `n_areas` areas, from its bands (`add`), then `coverage`
    and `centres`. `orphan_cell`: the flat cells holding the areas smaller than a cell (GridBands);
    `area_tiles`: per area, the first and last column tile (of `tile_columns`) its cells can lie in
    (None: any)."""

    def __init__(self, frame: GridFrame, n_areas: int, orphan_cell: Ints, *,
                 area_tiles: tuple[Ints, Ints] | None = None, tile_columns: int = TILE_COLUMNS) -> None:
        self.frame, self.n_areas, self.tile_columns = frame, n_areas, tile_columns
        self.cx, self.cy = frame.cell_centres()
        size = n_areas + 1
        tiles = max(1, -(-frame.shape[1] // tile_columns))
        low, high = area_tiles if area_tiles is not None else (np.zeros(n_areas, np.int64),
                                                               np.full(n_areas, tiles - 1, np.int64))
        # Slot 0 (no area) may lie in any tile; an area's running sums sit at base + tile − its first tile.
        self.low = np.r_[0, np.clip(low, 0, tiles - 1)].astype(np.int64)
        self.high = np.r_[tiles - 1, np.clip(high, 0, tiles - 1)].astype(np.int64)
        self.high = np.maximum(self.high, self.low)
        self.spans = self.high - self.low + 1
        self.base = np.r_[0, np.cumsum(self.spans)[:-1]].astype(np.int64)
        self.folds = np.zeros((3, int(self.spans.sum())))  # people by times served × (area, tile)
        self.weight = np.zeros(size)  # people, Σ people·x, Σ people·y per area + 1 (slot 0: none)
        self.sx = np.zeros(size)
        self.sy = np.zeros(size)
        self.cells = np.zeros(size, np.int64)
        self.orphan_cell = np.asarray(orphan_cell, np.int64)
        self.host_people = np.zeros(self.orphan_cell.size)
        self.host_times = np.zeros(self.orphan_cell.size, np.int64)
        self.host_area = np.full(self.orphan_cell.size, -1, np.int64)

    def add(self, first: int, people: Floats, labels: NDArray[np.int32], served: NDArray[np.integer[Any]]) -> None:
        """The band of rows first..first + len(people): its people, area labels and served counts."""
        rows, cols = people.shape
        slot = labels.ravel() + 1
        flat = people.ravel()
        self.cells += np.bincount(slot, minlength=self.n_areas + 1)
        self._hosts(first, rows * cols, flat, slot, served.ravel())
        step = max(1, _CHUNK_CELLS // max(cols, 1))
        for top in range(0, rows, step):  # a few rows at a time: the temporaries stay small, the order is kept
            part = slice(top * cols, min(top + step, rows) * cols)
            self._add_cells(first + top, cols, flat[part], slot[part], served.ravel()[part])

    def add_populated(self, first: int, cells: PopulatedCells) -> None:
        """The band of rows from `first` on, as its populated cells (`PopulatedCells`): the same sums as `add`."""
        rows, cols = cells.shape
        np.add.at(self.cells, cells.count_slot, cells.count)
        here, local = self._here(first, rows * cols)
        at = np.minimum(np.searchsorted(cells.cell, local), max(cells.cell.size - 1, 0))
        if local.size and (cells.cell.size == 0 or not np.array_equal(cells.cell[at], local)):
            msg = "a band's cells must hold the cells of the areas smaller than a cell"
            raise ValueError(msg)
        self.host_people[here], self.host_times[here] = cells.people[at], cells.times[at]
        self.host_area[here] = cells.slot[at] - 1
        populated = np.flatnonzero(cells.people != 0)  # in row-major order: the whole grid's order of addition
        for start in range(0, populated.size, _CHUNK_CELLS):  # the temporaries stay small, the order is kept
            part = populated[start:start + _CHUNK_CELLS]
            self._fold(first, cols, cells.cell[part], cells.slot[part], cells.people[part], cells.times[part])

    def _add_cells(self, first: int, cols: int, flat: Floats, slot: NDArray[np.integer[Any]],
                   served: NDArray[np.integer[Any]]) -> None:
        """Add whole rows from `first` on (flattened) to the running sums, populated cells in row-major order."""
        cell = np.flatnonzero(flat != 0)  # in row-major order: the whole grid's order of addition
        self._fold(first, cols, cell, slot[cell], flat[cell], np.minimum(served[cell], 2))

    def _fold(self, first: int, cols: int, cell: NDArray[np.integer[Any]], area: NDArray[np.integer[Any]],
              weight: Floats, times: NDArray[np.integer[Any]]) -> None:
        """Add populated cells (flat within the rows from `first` on, row-major), their slots, people and times
        served (clipped to 2) to the running sums."""
        col = cell % cols
        np.add.at(self.weight, area, weight)
        np.add.at(self.sx, area, weight * self.cx[col])
        np.add.at(self.sy, area, weight * self.cy[first + cell // cols])
        tile = col // self.tile_columns
        del col
        if ((tile < self.low[area]) | (tile > self.high[area])).any():
            msg = "an area's cells lie beyond the column tiles given for it"
            raise ValueError(msg)
        key = times.astype(np.int64)
        key *= self.folds.shape[1]
        key += self.base[area]
        key += tile
        key -= self.low[area]
        np.add.at(self.folds.reshape(-1), key, weight)

    def _here(self, first: int, cells: int) -> tuple[NDArray[np.bool_], Ints]:
        """Which orphans' host cells lie in the `cells` cells from row `first` on, and where (flat, in them)."""
        start = first * self.frame.shape[1]
        here = (self.orphan_cell >= start) & (self.orphan_cell < start + cells)
        return here, self.orphan_cell[here] - start

    def _hosts(self, first: int, cells: int, flat: Floats, slot: NDArray[np.integer[Any]],
               served: NDArray[np.integer[Any]]) -> None:
        """The people, times served and area of the orphans' host cells in this band."""
        here, local = self._here(first, cells)
        self.host_people[here] = flat[local]
        self.host_times[here] = served[local]
        self.host_area[here] = slot[local] - 1

    def _bins(self) -> Floats:
        """(3, n_areas + 1): the tiles' running sums added tile by tile, as `area_coverage` adds its tiles."""
        size, spans = self.n_areas + 1, self.spans
        entry_slot = np.repeat(np.arange(size), spans)
        entry_tile = np.repeat(self.low, spans) + np.arange(int(spans.sum())) - np.repeat(self.base, spans)
        sums = np.zeros((3, size))
        for tile in range(int(self.high.max(initial=0)) + 1):
            chosen = entry_tile == tile
            sums[:, entry_slot[chosen]] += self.folds[:, chosen]
        return sums

    def cell_counts(self) -> Ints:
        """Per area, how many cell centres it holds (0: an area smaller than a cell)."""
        return self.cells[1:]

    def coverage(self, orphan_area: Ints, orphan_population: Floats) -> AreaCoverage:
        """Per area: people, people covered, people within reach of two or more sites (as `area_coverage`)."""
        sums = self._bins()[:, 1:]
        population, covered, twice = sums.sum(axis=0), sums[1] + sums[2], sums[2].copy()
        if orphan_area.size:
            hosts = (self.host_people, self.host_area, orphan_area, orphan_population)
            move_to_orphans(population, self.host_people, *hosts)
            move_to_orphans(covered, np.where(self.host_times > 0, self.host_people, 0.0), *hosts)
            move_to_orphans(twice, np.where(self.host_times > 1, self.host_people, 0.0), *hosts)
        return AreaCoverage(population, covered, twice)

    def centres(self, orphan_area: Ints, orphan_population: Floats) -> tuple[Floats, Floats]:
        """Population-weighted centre (lon, lat) of each area; NaN without people (as `population_centres`)."""
        weight, sx, sy = self.weight[1:].copy(), self.sx[1:].copy(), self.sy[1:].copy()
        if orphan_area.size:
            cols = self.frame.shape[1]
            hosts = (self.host_people, self.host_area, orphan_area, orphan_population)
            move_to_orphans(weight, self.host_people, *hosts)
            move_to_orphans(sx, self.host_people * self.cx[self.orphan_cell % cols], *hosts)
            move_to_orphans(sy, self.host_people * self.cy[self.orphan_cell // cols], *hosts)
        with np.errstate(invalid="ignore", divide="ignore"):
            mx, my = sx / weight, sy / weight
        lon, lat = self.frame.unproject(mx, my)
        return np.where(weight > 0, lon, np.nan), np.where(weight > 0, lat, np.nan)
