"""Positions from a table: parse coordinate cells, apply each row's CRS, convert to WGS84.

Problems are collected per row, never fixed silently: a latitude/longitude
pair that looks swapped is reported as such, not swapped back.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from planner.cells import CellError, is_blank, parse_degrees, parse_distinct
from planner.errors import RowProblem
from planner.spatial.crs import CoordSystem, UnknownCRSError, geometries_to_wgs84, parse_crs, points_to_wgs84
from planner.tabular import Table

__all__ = ["Positions", "file_crs_option", "layer_geometries", "layer_positions", "read_positions"]

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
    _check_ranges(table, lon_raw, lat_raw, geographic, result, lon_header, lat_header)
    bad = np.zeros(n, bool)
    bad[[i for i, p in result.problems.items() if p]] = True
    for k, system in enumerate(systems):
        rows = np.flatnonzero((system_of_row == k) & ~bad)
        if rows.size:
            result.lon[rows], result.lat[rows] = points_to_wgs84(lon_raw[rows], lat_raw[rows], system)
    return result


def _check_ranges(table, lon, lat, geographic, result, lon_header, lat_header):
    with np.errstate(invalid="ignore"):
        swapped = geographic & (np.abs(lat) > 90) & (np.abs(lon) <= 90)
        outside = geographic & ~swapped & ((np.abs(lon) > 180) | (np.abs(lat) > 90))
    where = f"{lon_header}/{lat_header}"
    for i in np.flatnonzero(swapped):
        result.problems[i].append(_problem(table, i, where, f"longitude {lon[i]} and latitude {lat[i]} look swapped",
                                           f"经度 {lon[i]} 与纬度 {lat[i]} 似乎填反了"))
    for i in np.flatnonzero(outside):
        result.problems[i].append(_problem(table, i, where, f"({lon[i]}, {lat[i]}) is not a longitude/latitude in degrees",
                                           f"（{lon[i]}，{lat[i]}）不是以度为单位的经纬度"))


def layer_geometries(table: Table, default_crs: CoordSystem):
    """A GIS layer's geometries in WGS84, and the label of the system they came from.

    A file with its own CRS (other than WGS84/CGCS2000) is converted from it;
    otherwise `default_crs` applies (GeoJSON is WGS84 by definition, but data
    copied from Amap is GCJ-02 however it is labelled).
    """
    file_crs = table.file_crs
    if file_crs is not None and file_crs.to_epsg() not in (4326, 4490):
        return np.asarray(table.geometry.to_crs(4326).values, dtype=object), f"EPSG:{file_crs.to_epsg()}"
    return geometries_to_wgs84(np.asarray(table.geometry.values, dtype=object), default_crs), default_crs.label


def layer_positions(table: Table, default_crs: CoordSystem) -> Positions:
    """Positions of a GIS point layer; anything but a point is a row problem."""
    import shapely

    n = len(table)
    geoms, label = layer_geometries(table, default_crs)
    result = Positions(np.full(n, np.nan), np.full(n, np.nan), [label] * n)
    is_point = np.array([g is not None and not g.is_empty and g.geom_type == "Point" for g in geoms], bool)
    for i in np.flatnonzero(~is_point):
        kind = "empty" if geoms[i] is None or geoms[i].is_empty else geoms[i].geom_type
        result.problems[i].append(_problem(table, i, "geometry", f"{kind} geometry where a point is expected",
                                           f"几何为 {kind}，应为点"))
    if is_point.any():
        xy = shapely.get_coordinates(geoms[is_point])
        result.lon[is_point] = xy[:, 0]
        result.lat[is_point] = xy[:, 1]
    return result
