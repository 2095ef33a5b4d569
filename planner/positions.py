"""Positions from a table: parse coordinate cells, apply each row's CRS, convert to WGS84.

Problems are collected per row, never fixed silently: a latitude/longitude
pair that looks swapped is reported as such, not swapped back.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from planner.cells import CellError, is_blank, parse_degrees
from planner.errors import RowProblem
from planner.spatial.crs import CoordSystem, UnknownCRSError, parse_crs, points_to_wgs84
from planner.tabular import Table

__all__ = ["Positions", "read_positions"]


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
        for i, value in enumerate(table.column(pos)):
            if is_blank(value):
                result.problems[i].append(_problem(table, i, header, "coordinate is empty", "坐标为空"))
                continue
            try:
                target[i] = parse_degrees(value)
            except CellError as exc:
                result.problems[i].append(_problem(table, i, header, exc.en, exc.zh))
    systems = [default_crs] * n
    if "crs" in columns:
        crs_header = table.headers[columns["crs"]]
        for i, value in enumerate(table.column(columns["crs"])):
            if is_blank(value):
                continue
            try:
                systems[i] = parse_crs(str(value))
                result.crs_labels[i] = systems[i].label
            except UnknownCRSError as exc:
                result.problems[i].append(_problem(
                    table, i, crs_header, str(exc),
                    f"未知坐标系“{exc.name}”：请使用 wgs84、gcj02、bd09 或 EPSG:n"))
    _check_ranges(table, lon_raw, lat_raw, systems, result, lon_header, lat_header)
    by_system = defaultdict(list)
    for i, system in enumerate(systems):
        if not result.problems.get(i):
            by_system[system].append(i)
    for system, rows in by_system.items():
        rows = np.asarray(rows)
        lon, lat = points_to_wgs84(lon_raw[rows], lat_raw[rows], system)
        result.lon[rows] = lon
        result.lat[rows] = lat
    return result


def _check_ranges(table, lon, lat, systems, result, lon_header, lat_header):
    for i in np.flatnonzero(np.isfinite(lon) & np.isfinite(lat)):
        if systems[i].kind == "epsg":
            continue  # projected coordinates: pyproj decides
        x, y = lon[i], lat[i]
        if abs(y) > 90 and abs(x) <= 90:
            result.problems[i].append(_problem(
                table, i, f"{lon_header}/{lat_header}",
                f"longitude {x} and latitude {y} look swapped",
                f"经度 {x} 与纬度 {y} 似乎填反了"))
        elif abs(x) > 180 or abs(y) > 90:
            result.problems[i].append(_problem(
                table, i, f"{lon_header}/{lat_header}",
                f"({x}, {y}) is not a longitude/latitude in degrees",
                f"（{x}，{y}）不是以度为单位的经纬度"))
