"""Positions from a table: parse coordinate cells, apply each row's CRS, convert to WGS84.

Problems are collected per row, never fixed silently: a latitude/longitude
pair that looks swapped is reported as such, not swapped back. Every position
and shape is judged by the one rule set of `planner.rules.geometry`, before
and after conversion.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from pyproj import CRS, Transformer

from planner.errors import RowProblem
from planner.files.cells import CellError, is_blank, parse_degrees, parse_distinct
from planner.files.tables import Table
from planner.rules.geometry import (
    Fault,
    area_repairs,
    conversion_faults,
    coordinate_faults,
    position_faults,
    shape_faults,
)
from planner.spatial.crs import (
    CoordSystem,
    UnknownCRSError,
    geometries_to_wgs84,
    parse_crs,
    points_to_wgs84,
)

__all__ = ["LayerShapes", "Positions", "file_crs_option", "layer_positions", "layer_shapes", "read_positions"]

_CRS_HELP_ZH = "请使用 wgs84、gcj02、bd09 或 EPSG:n"


def file_crs_option(crs: str | None) -> CoordSystem:
    """The coordinate system a user gave for a whole file (--crs); unknown names are a usage error."""
    from planner.errors import UsageError

    try:
        return parse_crs(crs)
    except UnknownCRSError as exc:
        raise UsageError(f"--crs: {exc}", f"--crs：未知坐标系“{exc.name}”，{_CRS_HELP_ZH}") from None


@dataclass
class Positions:
    lon: np.ndarray  # WGS84, NaN where the row has a problem
    lat: np.ndarray
    crs_labels: list[str]
    problems: dict[int, list[RowProblem]] = field(default_factory=lambda: defaultdict(list))

    @property
    def ok(self) -> np.ndarray:
        return np.isfinite(self.lon) & np.isfinite(self.lat)


def _problem(table: Table, i: int, column: str | None, en: str, zh: str) -> RowProblem:
    return RowProblem(table.path, int(table.row_numbers[i]), column, en, zh)


def read_positions(table: Table, columns: dict[str, int], default_crs: CoordSystem) -> Positions:
    """Parse lon/lat (and an optional crs column) of every row of `table`."""
    n = len(table)
    lon_raw = np.full(n, np.nan)
    lat_raw = np.full(n, np.nan)
    result = Positions(np.full(n, np.nan), np.full(n, np.nan), [default_crs.label] * n)
    lon_header = table.headers[columns["lon"]]
    lat_header = table.headers[columns["lat"]]
    for target, pos, header in ((lon_raw, columns["lon"], lon_header),
                                (lat_raw, columns["lat"], lat_header)):
        cells = table.column(pos)
        # Fast path: plain numbers. Only the other cells go through the text parser.
        target[:] = pd.to_numeric(cells, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        for i in np.flatnonzero(~np.isfinite(target)):
            value = cells.iat[i]
            if is_blank(value):
                result.problems[i].append(_problem(table, i, header, "coordinate is empty", "坐标为空"))
                continue
            try:
                target[i] = parse_degrees(value)
            except CellError as exc:
                result.problems[i].append(_problem(table, i, header, exc.en, exc.zh))
    system_of_row = np.zeros(n, dtype=np.int64)  # index into `systems`
    systems = [default_crs]
    if "crs" in columns:
        crs_header = table.headers[columns["crs"]]
        parsed, failures = parse_distinct(table.column(columns["crs"]), parse_crs, errors=(UnknownCRSError,))
        for i, exc in failures.items():
            result.problems[i].append(_problem(
                table, i, crs_header, str(exc), f"未知坐标系“{exc.name}”：{_CRS_HELP_ZH}"))
        for system in {p for p in parsed if p is not None}:
            rows = np.flatnonzero(parsed == system)
            systems.append(system)
            system_of_row[rows] = len(systems) - 1
            for i in rows:
                result.crs_labels[i] = system.label
    geographic = np.array([s.kind != "epsg" for s in systems])[system_of_row]
    where = f"{lon_header}/{lat_header}"
    raw = np.flatnonzero(geographic & ~_has_problem(result, n))  # numbers the user wrote in degrees
    _add_faults(table, result, raw, position_faults(lon_raw[raw], lat_raw[raw]), where)
    bad = _has_problem(result, n)
    for k, system in enumerate(systems):
        rows = np.flatnonzero((system_of_row == k) & ~bad)
        if rows.size:
            _convert(table, result, rows, lon_raw[rows], lat_raw[rows], system, where)
    return result


def _convert(table, result: Positions, rows, x, y, system: CoordSystem, where: str) -> None:
    """Convert rows of one system to WGS84; the rules hold after conversion too."""
    lon, lat = points_to_wgs84(x, y, system)
    if system.kind != "wgs84":
        faults = position_faults(lon, lat, converted_from=system.label)
        if system.kind == "epsg":
            faults = conversion_faults(x, y, lon, lat, _from_wgs84(CRS.from_epsg(system.epsg)), system.label) | faults
        _add_faults(table, result, rows, faults, where)
        lon[list(faults)] = lat[list(faults)] = np.nan
    result.lon[rows], result.lat[rows] = lon, lat


def _from_wgs84(crs: CRS):
    """lon, lat arrays → x, y arrays in `crs` (to see whether a conversion comes back)."""
    return Transformer.from_crs(CRS.from_epsg(4326), crs, always_xy=True).transform


def _has_problem(result: Positions, n: int) -> np.ndarray:
    bad = np.zeros(n, bool)
    bad[[i for i, p in result.problems.items() if p]] = True
    return bad


def _add_faults(table, result: Positions, rows, faults: dict, where: str) -> None:
    """Faults found on the sub-array `rows` (keyed by position in it) as row problems."""
    for k, fault in faults.items():
        i = int(rows[k])
        result.problems[i].append(_problem(table, i, where, fault.en, fault.zh))


@dataclass
class LayerShapes:
    """A GIS layer's geometries in WGS84 after the rules: None where a row is refused."""

    geoms: np.ndarray
    label: str  # the system they came from
    faults: dict[int, Fault]  # refused rows
    repairs: dict[int, Fault]  # areas repaired (kept, and said so)


def _layer_source(table: Table, default_crs: CoordSystem):
    """(convert, label, geographic, source CRS or None): how a layer's raw geometries become WGS84.

    A file with its own CRS (other than WGS84/CGCS2000) is converted from it;
    otherwise `default_crs` applies (GeoJSON is WGS84 by definition, but data
    copied from Amap is GCJ-02 however it is labelled). The source CRS is
    given when pyproj converts (the result is then converted back to compare).
    """
    import geopandas as gpd

    file_crs = table.file_crs
    if file_crs is not None and file_crs.to_epsg() not in (4326, 4490):
        epsg = file_crs.to_epsg()
        label = f"EPSG:{epsg}" if epsg else file_crs.name
        return (lambda g: np.asarray(gpd.GeoSeries(g, crs=file_crs).to_crs(4326).values, dtype=object),
                label, file_crs.is_geographic, file_crs)
    source = CRS.from_epsg(default_crs.epsg) if default_crs.kind == "epsg" else None
    geographic = source is None or source.is_geographic
    return (lambda g: geometries_to_wgs84(g, default_crs)), default_crs.label, geographic, source


def layer_shapes(table: Table, default_crs: CoordSystem, kind: str) -> LayerShapes:
    """Geometries of a GIS layer in WGS84, judged by the rules (`kind` 'point' or 'area').

    The raw geometries are checked first (type, emptiness, finite vertices, and
    the degree ranges when the file is in degrees); only the rest are converted,
    then checked again; areas are finally repaired or refused.
    """
    raw = np.asarray(table.geometry.values, dtype=object)
    convert, label, geographic, source = _layer_source(table, default_crs)
    faults = shape_faults(raw, kind)
    rows = _without(raw.size, faults)
    _merge(faults, rows, coordinate_faults(raw[rows], degrees=geographic))
    rows = _without(raw.size, faults)
    geoms = np.full(raw.size, None, dtype=object)
    repairs = {}
    if rows.size:
        geoms[rows] = convert(raw[rows])
        if label != "wgs84":
            _merge(faults, rows, coordinate_faults(geoms[rows], converted_from=label))
            if source is not None:
                _merge(faults, rows, _layer_conversion_faults(raw[rows], geoms[rows], source, label))
            rows = _without(raw.size, faults)
    if kind == "area" and rows.size:
        fixed, refused, repaired = area_repairs(geoms[rows])
        geoms[rows] = fixed
        _merge(faults, rows, refused)
        _merge(repairs, rows, repaired)
    geoms[list(faults)] = None
    return LayerShapes(geoms, label, faults, repairs)


def _layer_conversion_faults(raw, converted, source: CRS, label: str) -> dict[int, Fault]:
    """Per geometry, the first vertex whose conversion does not come back (`conversion_faults`)."""
    import shapely

    xy, owner = shapely.get_coordinates(raw, return_index=True)
    lonlat = shapely.get_coordinates(converted)
    points = bool((shapely.get_type_id(raw) == 0).all())
    found = conversion_faults(xy[:, 0], xy[:, 1], lonlat[:, 0], lonlat[:, 1], _from_wgs84(source), label,
                              vertex=not points)
    faults = {}
    for k in sorted(found):
        faults.setdefault(int(owner[k]), found[k])
    return faults


def _without(n: int, faults: dict) -> np.ndarray:
    keep = np.ones(n, bool)
    keep[list(faults)] = False
    return np.flatnonzero(keep)


def _merge(into: dict, rows: np.ndarray, found: dict) -> None:
    into.update({int(rows[k]): fault for k, fault in found.items()})


def layer_positions(table: Table, default_crs: CoordSystem) -> Positions:
    """Positions of a GIS point layer; anything but a usable point is a row problem."""
    import shapely

    n = len(table)
    shapes = layer_shapes(table, default_crs, "point")
    result = Positions(np.full(n, np.nan), np.full(n, np.nan), [shapes.label] * n)
    for i, fault in shapes.faults.items():
        result.problems[i].append(_problem(table, i, "geometry", fault.en, fault.zh))
    good = _without(n, shapes.faults)
    if good.size:
        xy = shapely.get_coordinates(shapes.geoms[good])
        result.lon[good], result.lat[good] = xy[:, 0], xy[:, 1]
    return result
