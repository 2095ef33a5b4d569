"""Banded coverage's bands built on a Dask cluster (issue #14), with the numbers one process gives.

A band's task gets what the band's people, area labels and served counts are made of, and nothing of the
rest of the grid: the ring edges that cross its rows (their areas numbered afresh, 0… in the order of the
areas: `label_rows` sorts crossings by area and lets the higher area win, so the order is all it reads),
those areas' people per cell (and raster factors), the raster pixels and the orphans (areas smaller than a
cell) in its rows, and the sites whose discs can reach it. It builds the band as `GridBands.band` and
`BandSites.count` do in one process (the same functions, the same numbers) and sends back, with the areas'
own numbers, its populated cells only (planner.spatial.band_sums.PopulatedCells) and its gap regions,
labelled on their own, as their pieces per area and their first and last rows
(planner.spatial.band_gaps.band_pieces, what BandGaps.add keeps of a band in one process).

The caller adds the bands in band order, as one process does: the per-area sums continue the very fold of
`np.add.at` (planner.spatial.band_sums: float addition is not associative, so the fold stays here), and the
bands' gap regions are joined across band borders here (planner.spatial.band_gaps), so the tables are
identical bit for bit, whatever the workers. A worker's memory follows its band, never the grid; the
caller holds a few bands' answers at a time (planner.tasks.in_order). Tasks carry their arrays (nothing is
scattered), so Dask can run a band again on another worker when one is lost. Progress shows per band on a
terminal (and in the log); each band's own time is kept in `Spread.seconds`.
"""

from __future__ import annotations

import dataclasses
import time
import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np
from numpy.typing import NDArray

from planner.spatial.arrays import Floats, Ints
from planner.spatial.band_gaps import BandPieces, band_pieces
from planner.spatial.band_sums import PopulatedCells
from planner.spatial.bands import BandSites, GridBands
from planner.spatial.grid import GridFrame
from planner.spatial.rasterize import RingEdges
from planner.tasks import in_order

__all__ = ["BandAnswer", "BandInputs", "spread_bands"]


@dataclasses.dataclass(frozen=True)
class BandAnswer:
    """A band's answer, numbers only."""

    cells: PopulatedCells  # for the per-area sums
    gaps: BandPieces  # the band's gap regions and their pieces
    seconds: float  # the task's own time on its worker


def _band_cells(part: GridBands, slots: NDArray[np.int32], first: int, end: int, x: Floats, y: Floats,
                radius_m: float) -> BandAnswer:
    """The populated cells and gap pieces of rows first..end (runs on a worker). `part`: the grid's bands with
    only what these rows need, areas numbered afresh; `slots`: each fresh area + 1's own area + 1."""
    started = time.perf_counter()
    people, fresh = part.band(first, end)
    labels = slots[fresh + 1] - 1  # the areas' own numbers
    del fresh
    served = part.frame.coverage_count(x, y, radius_m, rows=(first, end))
    cells = PopulatedCells.of(people, labels + 1, served, part.orphan_cell - first * part.frame.shape[1])
    gaps = band_pieces(part.frame, first, people, labels, served)
    return BandAnswer(cells, gaps, time.perf_counter() - started)


class BandInputs:
    """What each band's task carries, cut from the whole grid's bands and sites."""

    def __init__(self, bands: GridBands, sites: BandSites) -> None:
        self.bands, self.sites = bands, sites
        edges, frame = bands.edges, bands.frame
        # A frame of its own, without the caller's cached transformers: those would travel with every task and
        # be built again on the worker (a quarter of a second each).
        self.frame = GridFrame(frame.crs, frame.west, frame.north, frame.cell_m, *frame.shape)
        rows = frame.shape[0]
        # The rows each edge can cross (label_rows': the row centres within its y extent), a row wider each side.
        low, high = np.minimum(edges.y1, edges.y2), np.maximum(edges.y1, edges.y2)
        with np.errstate(invalid="ignore"):
            top = np.floor((frame.north - high) / frame.cell_m) - 1
            bottom = np.floor((frame.north - low) / frame.cell_m) + 1
        known = np.isfinite(top) & np.isfinite(bottom)
        top = np.where(known, np.clip(top, 0, rows), 0).astype(np.int64)
        bottom = np.where(known, np.clip(bottom, -1, rows - 1), rows - 1).astype(np.int64)
        first_band, last_band = top // bands.band_rows, bottom // bands.band_rows
        spans = np.maximum(last_band - first_band + 1, 0)
        size = edges.owner.size  # a country has some 10⁸ edges: their numbers in int32 when they fit
        edge = np.repeat(np.arange(size, dtype=np.int32 if size < 2**31 else np.int64), spans)
        band = np.repeat(first_band, spans) + np.arange(edge.size) - np.repeat(np.cumsum(spans) - spans, spans)
        order = np.argsort(band, kind="stable")  # per band, its edges in their own order
        self.edge = edge[order]
        self.starts = np.searchsorted(band[order], np.arange(-(-rows // bands.band_rows) + 1))

    def __call__(self, first: int, end: int) -> tuple[GridBands, NDArray[np.int32], Floats, Floats]:
        """(the bands with only what rows first..end need, each fresh area + 1's own, sites' x, y)."""
        bands, sites = self.bands, self.sites
        k = first // bands.band_rows
        chosen = self.edge[self.starts[k]:self.starts[k + 1]]
        edges = bands.edges
        owners, fresh = np.unique(edges.owner[chosen], return_inverse=True)
        slots = np.r_[0, owners + 1].astype(np.int64)
        cols = bands.frame.shape[1]
        here = (bands.orphan_cell >= first * cols) & (bands.orphan_cell < end * cols)
        part = GridBands(self.frame, RingEdges(edges.x1[chosen], edges.y1[chosen], edges.x2[chosen],
                                                edges.y2[chosen], fresh.reshape(-1).astype(edges.owner.dtype)),
                         bands.per_cell[slots], bands.orphan_cell[here], bands.orphan_population[here],
                         bands.band_rows, _raster_rows(bands, slots, first, end), bands.orphan_area[here])
        near = (sites.last >= first - 1) & (sites.first <= end)  # BandSites.count's choice
        return part, slots.astype(np.int32), sites.x[near], sites.y[near]


def _raster_rows(bands: GridBands, slots: Ints, first: int, end: int) -> Any:
    """The raster's pixels in rows first..end, and its factors for the band's areas (`slots`), as GridBands
    holds them (None without a raster)."""
    raster = bands.raster
    if raster is None:
        return None
    part = slice(int(raster.row_starts[first]), int(raster.row_starts[end]))
    starts = np.zeros_like(raster.row_starts)
    starts[end:] = part.stop - part.start  # GridBands reads only the band's own first and end rows
    return dataclasses.replace(raster, cell=raster.cell[part], people=raster.people[part], row_starts=starts,
                               factor=raster.factor[slots], keep_even=raster.keep_even[slots])


def spread_bands(spread: Any, bands: GridBands, sites: BandSites) -> Iterator[tuple[int, BandAnswer]]:
    """(first row, answer) of every band, north to south, built on `spread`'s Dask cluster
    (planner.coverage.spread.Spread); each band's own time goes to `spread.seconds`."""
    inputs = BandInputs(bands, sites)
    rows = list(bands.bands())

    def submit(k: int) -> Any:
        first, end = rows[k]
        part, slots, x, y = inputs(first, end)
        with warnings.catch_warnings():  # tasks carry their arrays on purpose: a lost worker's task can rerun
            warnings.filterwarnings("ignore", message=".*large graph", category=UserWarning)
            return spread.client.submit(_band_cells, part, slots, first, end, x, y, sites.radius_m, pure=False,
                                        retries=3)

    spread.seconds = []
    for (first, _), answer in zip(rows, in_order(spread.client, submit, len(rows), "bands")):
        spread.seconds.append(answer.seconds)
        yield first, answer
