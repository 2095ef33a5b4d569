"""Population on a regular grid of square cells.

The grid lives in a Gauss-Krüger plane chosen for the data (crs.metric_crs_for);
where cells lie, and sums over service discs, are planner.spatial.plane's. Disc
sums and coverage use row prefix sums and per-row spans, never a per-cell loop.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, cast

import numpy as np
from numpy.typing import ArrayLike, NDArray
from pyproj import CRS, Transformer

from planner.spatial.arrays import Floats, Ints
from planner.spatial.plane import GridFrame, GridPlane, RowPrefixes

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["GridFrame", "GridPlane", "PeopleRaster", "PopulationGrid", "RowPrefixes", "apply_raster",
           "build_population_grid", "grid_frame", "move_to_orphans", "raster_pixels", "spread_population"]


class PeopleRaster(Protocol):
    """A population raster as `apply_raster` reads it (planner.registry.population_raster.Raster)."""

    @property
    def crs_wkt(self) -> str: ...

    def pixel_centres(self) -> tuple[Floats, Floats, Floats]:
        """x, y (in the raster's CRS) and people of every pixel with people."""
        ...


def move_to_orphans(sums: Floats, in_hosts: Floats, host_people: Floats, host_area: NDArray[np.integer[Any]],
                    orphan_area: Ints, orphan_population: Floats) -> None:
    """Every orphan area (an area smaller than a cell; in `sums`, per area, changed in place) takes its
    people's share of its host cell's value (`in_hosts`; the host holds `host_people` and is labelled
    `host_area`, -1 none), taken from the host cell's area: for a whole grid and for one handed out in bands."""
    share = np.divide(in_hosts, host_people, out=np.zeros(host_people.size), where=host_people > 0)
    moved = orphan_population * share
    np.subtract.at(sums, host_area[host_area >= 0], moved[host_area >= 0])
    np.add.at(sums, orphan_area, moved)


@dataclass
class PopulationGrid(GridPlane):
    """People per cell; row 0 is the northern edge (like a raster)."""

    population: Floats  # (rows, cols)
    area_index: NDArray[np.int32]  # (rows, cols), -1 where no area
    # Areas too small to hold a cell centre: their people sit in the cell under their
    # representative point (flat cell index), which may be labelled with another area.
    orphan_area: Ints = field(default_factory=lambda: np.empty(0, np.int64))
    orphan_cell: Ints = field(default_factory=lambda: np.empty(0, np.int64))
    orphan_population: Floats = field(default_factory=lambda: np.empty(0))

    def area_sums(self, values: NDArray[Any], n_areas: int) -> Floats:
        """Per area, the sum of a grid-shaped quantity of people (orphan areas included).

        `values` must be `population` or population masked by something (covered, …):
        an orphan area gets its own people's share of the value in its host cell.
        """
        flat_area = self.area_index.ravel()
        flat = values.ravel()
        # numpy's stubs type every bincount as integers; with weights it gives floats.
        sums = cast(Floats, np.bincount(flat_area + 1, weights=flat, minlength=n_areas + 1)[1:])
        if self.orphan_area.size:
            self.move_orphans(sums, flat[self.orphan_cell])
        return sums

    def move_orphans(self, sums: Floats, in_hosts: Floats) -> None:
        """Hand every orphan area, in `sums` (per area, changed in place), its people's share of its host
        cell's value (`in_hosts`: the summed quantity at `orphan_cell`), taken from the host cell's area."""
        move_to_orphans(sums, in_hosts, self.population.ravel()[self.orphan_cell],
                        self.area_index.ravel()[self.orphan_cell], self.orphan_area, self.orphan_population)

    @property
    def shape(self) -> tuple[int, int]:
        return cast(tuple[int, int], self.population.shape)


def _grid_frame(bounds: Sequence[float], cell_m: float) -> tuple[float, float, int, int]:
    west = np.floor(bounds[0] / cell_m) * cell_m
    south = np.floor(bounds[1] / cell_m) * cell_m
    east = np.ceil(bounds[2] / cell_m) * cell_m
    north = np.ceil(bounds[3] / cell_m) * cell_m
    cols = max(1, round(float((east - west) / cell_m)))
    rows = max(1, round(float((north - south) / cell_m)))
    return west, north, rows, cols


def grid_frame(geometries: ArrayLike, *, cell_m: float = 100.0, crs: CRS | None = None,
               margin_m: float = 0.0) -> tuple[GridFrame, gpd.GeoSeries]:
    """The frame `build_population_grid` lays over these WGS84 polygons (its plane, corner and shape), and
    the polygons in that plane."""
    import geopandas as gpd

    from planner.spatial.crs import metric_crs_for

    series = gpd.GeoSeries(np.asarray(geometries, dtype=object), crs=4326)
    if crs is None:
        centres = series.representative_point()
        crs = metric_crs_for(centres.x.to_numpy(), centres.y.to_numpy())
    projected = series.to_crs(crs)
    b = projected.total_bounds
    west, north, rows, cols = _grid_frame((b[0] - margin_m, b[1] - margin_m, b[2] + margin_m, b[3] + margin_m),
                                          cell_m)
    return GridFrame(CRS(crs), west, north, cell_m, rows, cols), projected


def build_population_grid(geometries: ArrayLike, population: ArrayLike, *, cell_m: float = 100.0,
                          crs: CRS | None = None, margin_m: float = 0.0,
                          raster: PeopleRaster | None = None) -> PopulationGrid:
    """Spread each area's population over the cells whose centre lies in it (area share).

    `geometries` are WGS84 polygons (a GeoSeries or array); `population` one
    number per area (NaN counts as 0). An area too small to hold a cell
    centre puts its people in the cell under its representative point, so
    totals are kept exactly.
    """
    from planner.spatial.rasterize import label_cells

    frame, projected = grid_frame(geometries, cell_m=cell_m, crs=crs, margin_m=margin_m)
    west, north, (rows, cols) = frame.west, frame.north, frame.shape
    area_index = label_cells(projected.values, west=west, north=north, cell=cell_m, shape=(rows, cols))
    grid = PopulationGrid(frame.crs, west, north, cell_m, np.zeros((rows, cols)), area_index)
    spread_population(grid, projected, np.asarray(population, dtype=float))
    if raster is not None:
        apply_raster(grid, raster, np.asarray(population, dtype=float))
    return grid


def raster_pixels(plane: GridPlane, raster: PeopleRaster) -> tuple[Ints, Ints, Floats]:
    """The cell (row, col; -1 outside the grid) holding each populated pixel's centre, and its people."""
    x, y, people = raster.pixel_centres()
    to_grid = Transformer.from_crs(CRS.from_wkt(raster.crs_wkt), plane.crs, always_xy=True)
    row, col = plane.locate(*to_grid.transform(x, y))
    return row, col, np.asarray(people, float)


def apply_raster(grid: PopulationGrid, raster: PeopleRaster, census: Floats) -> None:
    """Put a population raster's people on the grid, then scale each area to its census figure.

    Each pixel's people go to the cell holding the pixel centre. An area with a
    census figure but no people in the raster keeps the even spread; an area
    without a census figure keeps the raster's count.
    """
    rows, cols = grid.shape
    row, col, people = raster_pixels(grid, raster)
    ok = row >= 0
    # numpy's stubs type every bincount as integers; with weights it gives floats.
    values = cast(Floats, np.bincount(row[ok] * cols + col[ok], weights=people[ok], minlength=rows * cols))
    flat_area = grid.area_index.ravel()
    raster_total = cast(Floats, np.bincount(flat_area + 1, weights=values, minlength=census.size + 1)[1:])
    has_census = np.isfinite(census) & (census > 0)
    factor = np.ones(census.size + 1)
    scale = has_census & (raster_total > 0)
    factor[1:][scale] = census[scale] / raster_total[scale]
    values = values * factor[flat_area + 1]
    keep_even = np.zeros(census.size + 1, bool)
    keep_even[1:] = has_census & (raster_total <= 0)
    even = keep_even[flat_area + 1]
    even_spread = grid.population.ravel()
    if grid.orphan_cell.size:  # the even spread also holds the orphans' people: take them out here
        even_spread = even_spread.copy()
        np.subtract.at(even_spread, grid.orphan_cell, grid.orphan_population)
    values[even] = even_spread[even]
    if grid.orphan_cell.size:  # areas smaller than a cell keep their census people at their point
        np.add.at(values, grid.orphan_cell, grid.orphan_population)
    grid.population = values.reshape(grid.shape)


def spread_population(grid: PopulationGrid, projected: gpd.GeoSeries, population: Floats) -> None:
    """Fill grid.population from per-area totals by equal shares of each area's cells."""
    population = np.nan_to_num(np.asarray(population, float), nan=0.0)
    flat_index = grid.area_index.ravel()
    counts = np.bincount(flat_index + 1, minlength=population.size + 1)[1:]
    # Slot 0 is "no area": cells outside every area get 0 people.
    per_cell = np.zeros(population.size + 1)
    np.divide(population, counts, out=per_cell[1:], where=counts > 0)
    values = per_cell[flat_index + 1]
    orphans = np.flatnonzero((counts == 0) & (population > 0))
    if orphans.size:
        points = cast("gpd.GeoSeries", projected.iloc[orphans]).representative_point()
        row, col = grid.locate(points.x.to_numpy(), points.y.to_numpy())
        ok = row >= 0
        cells = row[ok] * grid.shape[1] + col[ok]
        np.add.at(values, cells, population[orphans[ok]])
        grid.orphan_area, grid.orphan_cell, grid.orphan_population = orphans[ok], cells, population[orphans[ok]]
    grid.population = values.reshape(grid.shape)
