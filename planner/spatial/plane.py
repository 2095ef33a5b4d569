"""The plane of a population grid: its cells, the projection, and sums over service discs.

`GridPlane` is where cells lie (a Gauss-Krüger plane chosen for the data,
planner.spatial.crs.metric_crs_for; row 0 is the northern edge). A cell is
within a distance of a point when its centre is; disc radii are multiplied by
the projection's local scale factor at the point, so the planar test matches
the geodesic one to millimetres. Disc sums read row prefix sums (`RowPrefixes`),
which can be kept apart from the grid's people: a batch check needs only them
(planner.sites.grid_cache keeps them per registry version).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, cast, overload

import numpy as np
from numpy.typing import ArrayLike, NDArray
from pyproj import CRS, Transformer

from planner.spatial.arrays import Floats, Ints

__all__ = ["GridFrame", "GridPlane", "RowPrefixes"]

_MEAN_RADIUS_SQ = 6_371_000.0**2


@dataclass
class GridPlane:
    """Square cells of `cell_m` in the plane of `crs`, from (`west`, `north`); the shape comes from a subclass."""

    crs: CRS
    west: float
    north: float
    cell_m: float

    @property
    def shape(self) -> tuple[int, int]:
        raise NotImplementedError

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

    def rows_reached(self, x: ArrayLike, y: ArrayLike, radius_m: float) -> tuple[int, int]:
        """The band of grid rows (first, end) that the discs of these plane points reach (as
        `RowPrefixes.disc_sums` reads them: a `band` for `RowPrefixes.of`)."""
        x = np.asarray(x, float)
        y = np.asarray(y, float)
        if x.size == 0:
            return 0, 0
        r = radius_m * self.scale_factor(x, y) / self.cell_m
        py = (self.north - y) / self.cell_m - 0.5
        first = int(np.clip(np.nanmin(np.ceil(py - r)), 0, self.shape[0]))
        end = int(np.clip(np.nanmax(np.floor(py + r)) + 1, first, self.shape[0]))
        return first, end

    def disc_cells(self, x: ArrayLike, y: ArrayLike, radius_m: ArrayLike) -> tuple[Ints, Ints]:
        """Every (point, flat cell index) pair of a cell centre within a point's disc, by point then cell: the
        cells `coverage_count` counts, listed."""
        point, row, lo, hi = self.spans(x, y, radius_m)
        lengths = hi - lo + 1
        starts = np.repeat(np.cumsum(lengths) - lengths, lengths)
        cell = np.repeat(row * self.shape[1] + lo, lengths) + (np.arange(lengths.sum()) - starts)
        return np.repeat(point, lengths), cell

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
        sharing the disc geometry). See `RowPrefixes.disc_sums`.
        """
        many = isinstance(values, (list, tuple))
        arrays = list(values) if many else [cast(NDArray[Any], values)]
        outs = RowPrefixes.of(self, arrays).disc_sums(x, y, radius_m, chunk=chunk)
        return outs if many else outs[0]

    def coverage_count(self, x: ArrayLike, y: ArrayLike, radius_m: ArrayLike, *, chunk: int = 100_000,
                       columns: tuple[int, int] | None = None,
                       rows: tuple[int, int] | None = None) -> NDArray[np.int32]:
        """How many of the points have each cell centre within their radius (grid-shaped).

        `columns` (first, end) counts only those columns of the grid, `rows` (first, end) only those rows:
        the whole grid's spans clipped to them, so a tile's or a band's counts are exactly the whole
        grid's there (planner.coverage.spread, planner.spatial.bands).
        """
        first, end = columns if columns is not None else (0, self.shape[1])
        top, bottom = rows if rows is not None else (0, self.shape[0])
        width = end - first + 1
        diff = np.zeros((bottom - top, width), dtype=np.int32)
        flat = diff.reshape(-1)
        x = np.asarray(x, float)
        y = np.asarray(y, float)
        radius = np.broadcast_to(np.asarray(radius_m, float), x.shape)
        for start in range(0, x.size, chunk):
            part = slice(start, start + chunk)
            _, row, lo, hi = self.spans(x[part], y[part], radius[part])
            lo = np.maximum(lo, first) - first
            hi = np.minimum(hi, end - 1) - first
            keep = (hi >= lo) & (row >= top) & (row < bottom)
            row, lo, hi = row[keep] - top, lo[keep], hi[keep]
            np.add.at(flat, row * width + lo, 1)
            np.add.at(flat, row * width + hi + 1, -1)
        return np.cumsum(diff, axis=1, dtype=np.int32)[:, :width - 1]


@dataclass
class GridFrame(GridPlane):
    """A grid plane of a given shape, without any cell values (what kept prefix sums are read on)."""

    rows: int = 0
    cols: int = 0

    @property
    def shape(self) -> tuple[int, int]:
        return self.rows, self.cols


@dataclass(frozen=True)
class RowPrefixes:
    """Row prefix sums of grid-shaped quantities: each (rows, cols + 1), flattened, column 0 zero.

    The sum of a row's cells lo..hi is prefix[hi + 1] - prefix[lo]: a disc is one span per grid row.
    `band` (first row, end row): prefix sums of those rows only, for discs that lie within them (each row's
    sums are the whole grid's, bit for bit: a row's prefix never reads another row).
    """

    plane: GridPlane
    prefixes: list[Floats]
    band: tuple[int, int] | None = None

    @classmethod
    def of(cls, plane: GridPlane, arrays: Sequence[NDArray[Any]], *,
           band: tuple[int, int] | None = None) -> RowPrefixes:
        rows, cols = plane.shape
        first, end = band if band is not None else (0, rows)
        prefixes = []
        for array in arrays:
            prefix: Floats = np.zeros((end - first, cols + 1))
            np.cumsum(array[first:end], axis=1, out=prefix[:, 1:])
            prefixes.append(prefix.ravel())
        return cls(plane, prefixes, band)


    def disc_sums(self, x: ArrayLike, y: ArrayLike, radius_m: ArrayLike, *, chunk: int = 250_000) -> list[Floats]:
        """Per array, the sum over cells whose centre is within radius of each plane point.

        Works row offset by row offset over all points at once: per offset, one span
        per point read from the row prefix sums.
        """
        plane = self.plane
        rows, cols = plane.shape
        band_first, band_end = self.band if self.band is not None else (0, rows)
        x = np.asarray(x, float)
        y = np.asarray(y, float)
        radius = np.broadcast_to(np.asarray(radius_m, float), x.shape)
        outs = [np.zeros(x.size) for _ in self.prefixes]
        for start in range(0, x.size, chunk):
            part = slice(start, start + chunk)
            # Positions and radii in cell units, relative to cell centres.
            r = radius[part] * plane.scale_factor(x[part], y[part]) / plane.cell_m
            px = (x[part] - plane.west) / plane.cell_m - 0.5
            py = (plane.north - y[part]) / plane.cell_m - 0.5
            first = np.ceil(py - r)
            last = np.floor(py + r)
            count = int(np.nanmax(last - first, initial=-1)) + 1
            for k in range(max(count, 0)):
                row = first + k
                ok = (row <= last) & (row >= band_first) & (row < band_end)
                half = np.sqrt(np.maximum(r * r - (row - py) ** 2, 0.0))
                lo = np.clip(np.ceil(px - half), 0, cols)
                hi = np.clip(np.floor(px + half), -1, cols - 1)
                ok &= hi >= lo
                lo, hi = self._flat(np.where(ok, row, band_first).astype(np.int64),
                                    np.where(ok, lo, 0).astype(np.int64), np.where(ok, hi + 1, 0).astype(np.int64))
                for prefix, out in zip(self.prefixes, outs):
                    out[part] += prefix[hi] - prefix[lo]
        return outs

    def _flat(self, row: Ints, lo: Ints, end: Ints) -> tuple[Ints, Ints]:
        """Where the prefix sums before columns `lo` and `end` of grid rows `row` are kept."""
        first = self.band[0] if self.band is not None else 0
        base = (row - first) * (self.plane.shape[1] + 1)
        return base + lo, base + end
