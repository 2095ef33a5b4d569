"""The population grid band by band of rows: what a batch check keeps of it, never the whole grid at once.

A province's 100 m grid fits in memory; a country's (about 10⁹ cells) does not. A batch check reads
only the row prefix sums of the people and of the people not yet served, and the coarse reach of the
areas (planner.sites.grid_cache). `GridBands` gives the grid's people and area labels for any band of
rows, with the very numbers `build_population_grid` puts there: a first pass over the bands counts
each area's cells (and, with a population raster, its pixels' people, added in the whole grid's order),
then each band's people follow from those counts. A row's prefix sums never read another row, so sums
written band by band are the whole grid's, bit for bit.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

import numpy as np
from numpy.typing import ArrayLike, NDArray
from pyproj import CRS

from planner.spatial.arrays import Bools, Floats, Ints
from planner.spatial.grid import GridFrame, PeopleRaster, grid_frame, raster_pixels
from planner.spatial.rasterize import RingEdges, label_rows

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["BAND_CELLS", "BandSites", "GridBands", "prefix_band"]

BAND_CELLS = 8_000_000  # cells per band: people, labels and two prefix blocks, about 250 MB of work at once


@dataclass(frozen=True)
class _RasterCells:
    """A population raster's pixels on the grid: flat cell index and people, sorted by row (stable: a cell's
    pixels keep their order, so a band's sums add them as the whole grid's do), and the per-area factors."""

    cell: Ints
    people: Floats
    row_starts: Ints  # position of each grid row's first pixel (rows + 1)
    factor: Floats  # (n_areas + 1): census / raster people per area, 1 where kept as is
    keep_even: Bools  # (n_areas + 1): areas with a census figure but no raster people keep the even spread


@dataclass(frozen=True)
class GridBands:
    """The grid `build_population_grid` would build for these areas, handed out band by band of rows."""

    frame: GridFrame
    edges: RingEdges
    per_cell: Floats  # (n_areas + 1): people of each of an area's cells (slot 0: no area)
    orphan_cell: Ints  # areas too small to hold a cell centre: their people at this flat cell
    orphan_population: Floats
    band_rows: int
    raster: _RasterCells | None = None
    orphan_area: Ints = field(default_factory=lambda: np.empty(0, np.int64))  # which area each orphan is

    @classmethod
    def build(cls, geometries: ArrayLike, population: ArrayLike, *, cell_m: float = 100.0, crs: CRS | None = None,
              margin_m: float = 0.0, raster: PeopleRaster | None = None, band_cells: int | None = None,
              row_multiple: int = 1) -> GridBands:
        """Bands of about `band_cells` cells (default BAND_CELLS), a whole number of `row_multiple` rows each
        (but the last)."""
        band_cells = band_cells or BAND_CELLS
        frame, projected = grid_frame(geometries, cell_m=cell_m, crs=crs, margin_m=margin_m)
        people = np.nan_to_num(np.asarray(population, float), nan=0.0)
        cols = frame.shape[1]
        band_rows = max(row_multiple, band_cells // max(cols, 1) // row_multiple * row_multiple)
        edges = RingEdges.of(projected.values) if people.size else RingEdges(*(np.empty(0),) * 4,
                                                                                np.empty(0, np.int64))
        counts = np.zeros(people.size + 1, np.int64)
        located = _located_pixels(frame, raster) if raster is not None else None
        raster_total = np.zeros(people.size + 1)
        plain = cls(frame, edges, np.zeros(people.size + 1), np.empty(0, np.int64), np.empty(0), band_rows)
        for first, end in plain.bands():
            labels = plain.labels(first, end).ravel() + 1
            counts += np.bincount(labels, minlength=people.size + 1)
            if located is not None:  # in flat order, band after band: the whole grid's additions, in its order
                np.add.at(raster_total, labels, _pixel_values(located, frame, first, end))
        per_cell = np.zeros(people.size + 1)
        np.divide(people, counts[1:], out=per_cell[1:], where=counts[1:] > 0)
        orphans = np.flatnonzero((counts[1:] == 0) & (people > 0))
        orphan_cell, orphan_population, orphan_area = np.empty(0, np.int64), np.empty(0), np.empty(0, np.int64)
        if orphans.size:
            points = cast("gpd.GeoSeries", projected.iloc[orphans]).representative_point()
            row, col = frame.locate(points.x.to_numpy(), points.y.to_numpy())
            ok = row >= 0
            orphan_cell, orphan_population, orphan_area = row[ok] * cols + col[ok], people[orphans[ok]], orphans[ok]
        cells = None
        if located is not None:
            has_census = np.isfinite(people) & (people > 0)
            factor = np.ones(people.size + 1)
            scale = has_census & (raster_total[1:] > 0)
            factor[1:][scale] = people[scale] / raster_total[1:][scale]
            keep_even = np.zeros(people.size + 1, bool)
            keep_even[1:] = has_census & (raster_total[1:] <= 0)
            cells = _RasterCells(*located, factor, keep_even)
        return cls(frame, edges, per_cell, orphan_cell, orphan_population, band_rows, cells, orphan_area)

    def bands(self) -> Iterator[tuple[int, int]]:
        """(first row, end row) of every band, north to south."""
        rows = self.frame.shape[0]
        for first in range(0, rows, self.band_rows):
            yield first, min(first + self.band_rows, rows)

    def labels(self, first: int, end: int) -> NDArray[np.int32]:
        """The area of every cell of rows first..end (-1: none)."""
        frame = self.frame
        if self.edges.owner.size == 0:
            return np.full((end - first, frame.shape[1]), -1, np.int32)
        return label_rows(self.edges, west=frame.west, north=frame.north, cell=frame.cell_m, rows=(first, end),
                          cols=frame.shape[1])

    def band(self, first: int, end: int) -> tuple[Floats, NDArray[np.int32]]:
        """People and area labels of rows first..end, as `build_population_grid` has them there."""
        cols = self.frame.shape[1]
        labels = self.labels(first, end)
        slot = labels.ravel() + 1
        values = self.per_cell[slot]
        here = (self.orphan_cell >= first * cols) & (self.orphan_cell < end * cols)
        cell, people = self.orphan_cell[here] - first * cols, self.orphan_population[here]
        np.add.at(values, cell, people)  # the even spread, orphans at their cells
        if self.raster is not None:
            even_spread = values.copy()
            np.subtract.at(even_spread, cell, people)
            values = _pixel_values((self.raster.cell, self.raster.people, self.raster.row_starts), self.frame,
                                   first, end) * self.raster.factor[slot]
            even = self.raster.keep_even[slot]
            values[even] = even_spread[even]
            np.add.at(values, cell, people)
        return values.reshape(end - first, cols), labels


def _located_pixels(frame: GridFrame, raster: PeopleRaster) -> tuple[Ints, Floats, Ints]:
    """The raster's pixels in the grid (as `apply_raster` places them), sorted by row, stably."""
    rows, cols = frame.shape
    row, col, people = raster_pixels(frame, raster)
    ok = row >= 0
    order = np.argsort(row[ok], kind="stable")
    cell = (row[ok] * cols + col[ok])[order]
    starts = np.searchsorted(row[ok][order], np.arange(rows + 1), side="left")
    return cell, people[ok][order], starts


def _pixel_values(located: tuple[Ints, Floats, Ints], frame: GridFrame, first: int, end: int) -> Floats:
    """Per cell of rows first..end (flat), the raster people in it."""
    cell, people, starts = located
    cols = frame.shape[1]
    part = slice(int(starts[first]), int(starts[end]))
    # numpy's stubs type every bincount as integers; with weights it gives floats.
    return cast(Floats, np.bincount(cell[part] - first * cols, weights=people[part],
                                    minlength=(end - first) * cols))


def prefix_band(values: Floats, out: Floats) -> None:
    """Row prefix sums of a band of rows (values: (rows, cols)) into `out` ((rows, cols + 1), column 0 zero),
    exactly as planner.spatial.plane.RowPrefixes.of computes them."""
    out[:, 0] = 0.0
    np.cumsum(values, axis=1, out=out[:, 1:])


class BandSites:
    """Sites in a grid's plane, and the served counts of a band of rows from those whose discs can reach it."""

    def __init__(self, frame: GridFrame, lon: ArrayLike, lat: ArrayLike, radius_m: float) -> None:
        self.frame, self.radius_m = frame, radius_m
        lon = np.asarray(lon, float)
        self.x, self.y = frame.project(lon, lat) if lon.size else (np.empty(0), np.empty(0))
        reach = radius_m * frame.scale_factor(self.x, self.y) / frame.cell_m + 2.0  # rows, and a margin
        centre = (frame.north - self.y) / frame.cell_m - 0.5
        self.first, self.last = centre - reach, centre + reach

    def count(self, first: int, end: int) -> NDArray[np.int32]:
        """How many sites serve each cell of rows first..end (the whole grid's counts there: a site too far to
        reach the band adds nothing, so leaving it out changes no count)."""
        near = (self.last >= first - 1) & (self.first <= end)
        return self.frame.coverage_count(self.x[near], self.y[near], self.radius_m, rows=(first, end))
