"""Population on a regular grid of square cells, and sums over service discs.

The grid lives in a Gauss-Krüger plane chosen for the data (crs.metric_crs_for).
A cell is within a distance of a point when its centre is; disc radii are
multiplied by the projection's local scale factor at the point, so the
planar test matches the geodesic one to millimetres. Disc sums and
coverage use row prefix sums and per-row spans, never a per-cell loop.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Protocol, cast, overload

import numpy as np
from numpy.typing import ArrayLike, NDArray
from pyproj import CRS, Transformer

from planner.spatial.arrays import Floats, Ints

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["PeopleRaster", "PopulationGrid", "apply_raster", "build_population_grid", "spread_population"]

_MEAN_RADIUS_SQ = 6_371_000.0**2


class PeopleRaster(Protocol):
    """A population raster as `apply_raster` reads it (planner.registry.population_raster.Raster)."""

    @property
    def crs_wkt(self) -> str: ...

    def pixel_centres(self) -> tuple[Floats, Floats, Floats]:
        """x, y (in the raster's CRS) and people of every pixel with people."""
        ...


@dataclass
class PopulationGrid:
    """People per cell; row 0 is the northern edge (like a raster)."""

    crs: CRS
    west: float
    north: float
    cell_m: float
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
            pop = self.population.ravel()[self.orphan_cell]
            share = np.divide(flat[self.orphan_cell], pop, out=np.zeros(pop.size), where=pop > 0)
            moved = self.orphan_population * share
            host = flat_area[self.orphan_cell]
            np.subtract.at(sums, host[host >= 0], moved[host >= 0])
            np.add.at(sums, self.orphan_area, moved)
        return sums

    @property
    def shape(self) -> tuple[int, int]:
        return self.population.shape

    @cached_property
    def _to_metric(self) -> Transformer:
        return Transformer.from_crs(4326, self.crs, always_xy=True)

    @cached_property
    def _from_metric(self) -> Transformer:
        return Transformer.from_crs(self.crs, 4326, always_xy=True)

    @cached_property
    def _tm_params(self) -> tuple[float, float] | None:
        """(scale at the central meridian, false easting) of a Transverse Mercator plane."""
        operation = self.crs.coordinate_operation
        if operation is None or "transverse mercator" not in operation.method_name.lower():
            return None
        values = {p.name.lower(): p.value for p in operation.params}
        return (float(values.get("scale factor at natural origin", 1.0)),
                float(values.get("false easting", 0.0)))

    def project(self, lon: ArrayLike, lat: ArrayLike) -> tuple[Floats, Floats]:
        """WGS84 → grid plane metres."""
        return cast(tuple[Floats, Floats], self._to_metric.transform(np.asarray(lon, float), np.asarray(lat, float)))

    def unproject(self, x: ArrayLike, y: ArrayLike) -> tuple[Floats, Floats]:
        return cast(tuple[Floats, Floats], self._from_metric.transform(np.asarray(x, float), np.asarray(y, float)))

    def scale_factor(self, x: ArrayLike, y: ArrayLike) -> Floats:
        """Point scale of the projection: planar metres per ellipsoidal metre."""
        x = np.asarray(x, float)
        if self._tm_params is not None:
            k0, false_easting = self._tm_params
            u = (x - false_easting) / k0
            return k0 * (1.0 + u * u / (2.0 * _MEAN_RADIUS_SQ))
        from pyproj import Proj

        lon, lat = self.unproject(x, y)
        return np.asarray(Proj(self.crs).get_factors(lon, lat).meridional_scale)

    def cell_centres(self) -> tuple[Floats, Floats]:
        """x (cols,), y (rows,) of cell centres in the grid plane."""
        rows, cols = self.shape
        return cast(tuple[Floats, Floats], (self.west + (np.arange(cols) + 0.5) * self.cell_m,
                                            self.north - (np.arange(rows) + 0.5) * self.cell_m))

    def locate(self, x: ArrayLike, y: ArrayLike) -> tuple[Ints, Ints]:
        """(row, col) of the cells holding plane points; -1 outside the grid."""
        rows, cols = self.shape
        col = np.floor((np.asarray(x, float) - self.west) / self.cell_m)
        row = np.floor((self.north - np.asarray(y, float)) / self.cell_m)
        inside = (col >= 0) & (col < cols) & (row >= 0) & (row < rows)
        return np.where(inside, row, -1).astype(np.int64), np.where(inside, col, -1).astype(np.int64)

    def spans(self, x: ArrayLike, y: ArrayLike, radius_m: ArrayLike) -> tuple[Ints, Ints, Ints, Ints]:
        """Per (point, grid row) the column span of cell centres within the disc.

        Returns point index, row, first and last column (inclusive) of the
        non-empty spans. Points are in the grid plane; radii are ellipsoidal
        metres (one, or one per point). The cells of a disc are exactly those
        that `coverage_count` counts for it.
        """
        x = np.asarray(x, float)
        y = np.asarray(y, float)
        r = np.broadcast_to(np.asarray(radius_m, float), x.shape) * self.scale_factor(x, y)
        rows, cols = self.shape
        s = self.cell_m
        # Row j has centre y_j = north - (j + 0.5) s.
        first = np.ceil((self.north - y - r) / s - 0.5)
        last = np.floor((self.north - y + r) / s - 0.5)
        count = int(np.nanmax(last - first, initial=-1)) + 1
        if count <= 0:
            empty = np.empty(0, np.int64)
            return empty, empty, empty, empty
        point = np.repeat(np.arange(x.size), count)
        row = (np.repeat(first, count) + np.tile(np.arange(count), x.size))
        ok = (row <= np.repeat(last, count)) & (row >= 0) & (row < rows)
        point, row = point[ok], row[ok].astype(np.int64)
        dy = (self.north - (row + 0.5) * s) - y[point]
        half = np.sqrt(np.maximum(r[point] ** 2 - dy * dy, 0.0))
        lo = np.ceil((x[point] - half - self.west) / s - 0.5)
        hi = np.floor((x[point] + half - self.west) / s - 0.5)
        lo = np.clip(lo, 0, cols).astype(np.int64)
        hi = np.clip(hi, -1, cols - 1).astype(np.int64)
        keep = hi >= lo
        return point[keep], row[keep], lo[keep], hi[keep]

    @overload
    def disc_sums(self, values: NDArray[Any], x: ArrayLike, y: ArrayLike, radius_m: ArrayLike, *,
                  chunk: int = ...) -> Floats: ...
    @overload
    def disc_sums(self, values: Sequence[NDArray[Any]], x: ArrayLike, y: ArrayLike, radius_m: ArrayLike, *,
                  chunk: int = ...) -> list[Floats]: ...
    def disc_sums(self, values: NDArray[Any] | Sequence[NDArray[Any]], x: ArrayLike, y: ArrayLike,
                  radius_m: ArrayLike, *, chunk: int = 250_000) -> Floats | list[Floats]:
        """Sum of grid-shaped `values` over cells whose centre is within radius of each point.

        `values` may be one array or a list of arrays (then a list of sums comes back,
        sharing the disc geometry). Works row offset by row offset over all points at
        once: per offset, one span per point read from row prefix sums.
        """
        many = isinstance(values, (list, tuple))
        arrays = list(values) if many else [values]
        rows, cols = self.shape
        width = cols + 1
        prefixes = []
        for array in arrays:
            prefix: Floats = np.zeros((rows, width))
            np.cumsum(array, axis=1, out=prefix[:, 1:])
            prefixes.append(prefix.ravel())
        x = np.asarray(x, float)
        y = np.asarray(y, float)
        radius = np.broadcast_to(np.asarray(radius_m, float), x.shape)
        outs = [np.zeros(x.size) for _ in arrays]
        for start in range(0, x.size, chunk):
            part = slice(start, start + chunk)
            # Positions and radii in cell units, relative to cell centres.
            r = radius[part] * self.scale_factor(x[part], y[part]) / self.cell_m
            px = (x[part] - self.west) / self.cell_m - 0.5
            py = (self.north - y[part]) / self.cell_m - 0.5
            first = np.ceil(py - r)
            last = np.floor(py + r)
            count = int(np.nanmax(last - first, initial=-1)) + 1
            for k in range(max(count, 0)):
                row = first + k
                ok = (row <= last) & (row >= 0) & (row < rows)
                half = np.sqrt(np.maximum(r * r - (row - py) ** 2, 0.0))
                lo = np.clip(np.ceil(px - half), 0, cols)
                hi = np.clip(np.floor(px + half), -1, cols - 1)
                ok &= hi >= lo
                base = np.where(ok, row, 0).astype(np.int64) * width
                lo = base + np.where(ok, lo, 0).astype(np.int64)
                hi = base + np.where(ok, hi + 1, 0).astype(np.int64)
                for prefix, out in zip(prefixes, outs):
                    out[part] += prefix[hi] - prefix[lo]
        return outs if many else outs[0]

    def coverage_count(self, x: ArrayLike, y: ArrayLike, radius_m: ArrayLike, *,
                       chunk: int = 100_000) -> NDArray[np.int32]:
        """How many of the points have each cell centre within their radius (grid-shaped)."""
        rows, cols = self.shape
        diff = np.zeros((rows, cols + 1), dtype=np.int32)
        x = np.asarray(x, float)
        y = np.asarray(y, float)
        radius = np.broadcast_to(np.asarray(radius_m, float), x.shape)
        for start in range(0, x.size, chunk):
            part = slice(start, start + chunk)
            _, row, lo, hi = self.spans(x[part], y[part], radius[part])
            width = cols + 1
            flat = diff.reshape(-1)
            np.add.at(flat, row * width + lo, 1)
            np.add.at(flat, row * width + hi + 1, -1)
        return np.cumsum(diff, axis=1, dtype=np.int32)[:, :cols]


def _grid_frame(bounds: Sequence[float], cell_m: float) -> tuple[float, float, int, int]:
    west = np.floor(bounds[0] / cell_m) * cell_m
    south = np.floor(bounds[1] / cell_m) * cell_m
    east = np.ceil(bounds[2] / cell_m) * cell_m
    north = np.ceil(bounds[3] / cell_m) * cell_m
    cols = max(1, round(float((east - west) / cell_m)))
    rows = max(1, round(float((north - south) / cell_m)))
    return west, north, rows, cols


def build_population_grid(geometries: ArrayLike, population: ArrayLike, *, cell_m: float = 100.0,
                          crs: CRS | None = None, margin_m: float = 0.0,
                          raster: PeopleRaster | None = None) -> PopulationGrid:
    """Spread each area's population over the cells whose centre lies in it (area share).

    `geometries` are WGS84 polygons (a GeoSeries or array); `population` one
    number per area (NaN counts as 0). An area too small to hold a cell
    centre puts its people in the cell under its representative point, so
    totals are kept exactly.
    """
    import geopandas as gpd

    from planner.spatial.crs import metric_crs_for
    from planner.spatial.rasterize import label_cells

    series = gpd.GeoSeries(np.asarray(geometries, dtype=object), crs=4326)
    if crs is None:
        centres = series.representative_point()
        crs = metric_crs_for(centres.x.to_numpy(), centres.y.to_numpy())
    projected = series.to_crs(crs)
    b = projected.total_bounds
    west, north, rows, cols = _grid_frame((b[0] - margin_m, b[1] - margin_m, b[2] + margin_m, b[3] + margin_m),
                                          cell_m)
    area_index = label_cells(projected.values, west=west, north=north, cell=cell_m, shape=(rows, cols))
    grid = PopulationGrid(CRS(crs), west, north, cell_m, np.zeros((rows, cols)), area_index)
    spread_population(grid, projected, np.asarray(population, dtype=float))
    if raster is not None:
        apply_raster(grid, raster, np.asarray(population, dtype=float))
    return grid


def apply_raster(grid: PopulationGrid, raster: PeopleRaster, census: Floats) -> None:
    """Put a population raster's people on the grid, then scale each area to its census figure.

    Each pixel's people go to the cell holding the pixel centre. An area with a
    census figure but no people in the raster keeps the even spread; an area
    without a census figure keeps the raster's count.
    """
    rows, cols = grid.shape
    x, y, people = raster.pixel_centres()
    to_grid = Transformer.from_crs(CRS.from_wkt(raster.crs_wkt), grid.crs, always_xy=True)
    gx, gy = to_grid.transform(x, y)
    row, col = grid.locate(gx, gy)
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
