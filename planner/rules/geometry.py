"""The one rule set for positions and shapes that come in at any door.

Imports (CSV, XLSX, GeoJSON, GeoPackage, Shapefile), batch checks, the
single-site API and relocations judge coordinates here, and the registry's
read paths use the same test to leave out what was stored before these rules:

- a position is a finite WGS84 longitude in [-180, 180] and latitude in
  [-90, 90], checked again after any conversion; a latitude beyond 90 whose
  longitude would fit as a latitude is reported as swapped, never swapped back;
- a point is a non-empty Point;
- an area is a non-empty Polygon or MultiPolygon; an invalid one is repaired
  with shapely's `make_valid`, keeping only its polygonal parts, and the
  repair is reported; one that keeps no area is refused.

The rules return faults in English and Chinese; callers add file, row and column.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray

from planner.errors import UsageError
from planner.spatial.arrays import Bools, Floats, Geometries

__all__ = ["Fault", "area_repairs", "conversion_faults", "coordinate_faults", "position_faults", "require_position",
           "shape_faults", "usable_geometries", "usable_positions"]

_POINT_TYPES = ("Point",)
_AREA_TYPES = ("Polygon", "MultiPolygon")
_RANGES = "longitude -180…180, latitude -90…90"


@dataclass(frozen=True)
class Fault:
    """Why one position or geometry is refused (or, for a repair, what was done)."""

    en: str
    zh: str


def _n(value: float) -> str:
    return repr(float(value))  # 116.6, 1e+308, nan, inf


def _position_fault(lon: float, lat: float, kind: str, converted_from: str | None, vertex: bool) -> Fault:
    pair = f"({_n(lon)}, {_n(lat)})"
    what, what_zh = ("vertex ", "顶点 ") if vertex else ("", "")
    after_en = f" after conversion from {converted_from}" if converted_from else ""
    after_zh = f"（由 {converted_from} 转换后）" if converted_from else ""
    if kind == "finite":
        return Fault(f"{what}{pair} is not a finite longitude/latitude{after_en}",
                     f"{what_zh}{pair} 不是有限的经纬度数值{after_zh}")
    if kind == "swapped":
        return Fault(f"{what}longitude {_n(lon)} and latitude {_n(lat)} look swapped",
                     f"{what_zh}经度 {_n(lon)} 与纬度 {_n(lat)} 似乎填反了")
    return Fault(f"{what}{pair} is not a longitude/latitude in degrees ({_RANGES}){after_en}",
                 f"{what_zh}{pair} 不是以度为单位的经纬度（经度 -180…180，纬度 -90…90）{after_zh}")


def position_faults(lon: ArrayLike, lat: ArrayLike, *, converted_from: str | None = None,
                    vertex: bool = False) -> dict[int, Fault]:
    """Faults of the positions that break the rules, by index.

    `converted_from` names the system the values were converted from (the
    fault then says so, and a swap is not guessed: the user never wrote these
    numbers); `vertex` says the position is one vertex of a line or polygon.
    """
    lon = np.atleast_1d(np.asarray(lon, dtype=float))
    lat = np.atleast_1d(np.asarray(lat, dtype=float))
    with np.errstate(invalid="ignore"):
        finite = np.isfinite(lon) & np.isfinite(lat)
        swapped = finite & (np.abs(lat) > 90) & (np.abs(lon) <= 90) & (converted_from is None)
        outside = finite & ~swapped & ((np.abs(lon) > 180) | (np.abs(lat) > 90))
    faults: dict[int, Fault] = {}
    for kind, mask in (("finite", ~finite), ("swapped", swapped), ("range", outside)):
        for i in np.flatnonzero(mask):
            faults[int(i)] = _position_fault(lon[i], lat[i], kind, converted_from, vertex)
    return faults


def conversion_faults(x: ArrayLike, y: ArrayLike, lon: ArrayLike, lat: ArrayLike,
                      back: Callable[[Floats, Floats], tuple[ArrayLike, ArrayLike]], label: str, *,
                      vertex: bool = False) -> dict[int, Fault]:
    """Positions whose conversion to WGS84 does not come back: outside where `label` is defined.

    A projection far outside its domain can land anywhere, even on a plausible
    longitude/latitude (EPSG:3857's (1e308, 1e308) becomes (-180, 90)), so
    `back(lon, lat)` converts the result back and it must match (x, y)."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    ok = np.flatnonzero(usable_positions(lon, lat))
    if not ok.size:
        return {}
    bx, by = (np.asarray(v, dtype=float) for v in back(lon[ok], lat[ok]))
    with np.errstate(invalid="ignore", over="ignore"):
        near = ((np.abs(bx - x[ok]) <= 1e-6 * np.maximum(1.0, np.abs(x[ok])) + 1e-3)
                & (np.abs(by - y[ok]) <= 1e-6 * np.maximum(1.0, np.abs(y[ok])) + 1e-3))
    what, what_zh = ("vertex ", "顶点 ") if vertex else ("", "")
    return {int(i): Fault(f"{what}({_n(x[i])}, {_n(y[i])}) is outside the area where {label} converts to "
                          "longitude/latitude",
                          f"{what_zh}({_n(x[i])}, {_n(y[i])}) 超出 {label} 可换算为经纬度的范围")
            for i in ok[~near]}


def usable_positions(lon: ArrayLike, lat: ArrayLike) -> Bools:
    """True where a position passes the rules (vectorised, no messages: for read paths)."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    with np.errstate(invalid="ignore"):
        return cast(Bools, np.isfinite(lon) & np.isfinite(lat) & (np.abs(lon) <= 180) & (np.abs(lat) <= 90))


def require_position(lon: float, lat: float, *, where: str = "lon/lat") -> tuple[float, float]:
    """(lon, lat) as floats when they pass the rules; otherwise UsageError naming `where`."""
    lon, lat = float(lon), float(lat)
    if -180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0:  # the common case, without arrays (NaN fails here)
        return lon, lat
    fault = position_faults([lon], [lat]).get(0)
    if fault is not None:
        raise UsageError(f"{where}: {fault.en}", f"{where}：{fault.zh}")
    return lon, lat


def shape_faults(geoms: ArrayLike, kind: str) -> dict[int, Fault]:
    """Missing, empty or wrongly typed geometries: `kind` 'point' wants a Point, 'area' a (Multi)Polygon."""
    wanted = _POINT_TYPES if kind == "point" else _AREA_TYPES
    geoms = np.asarray(geoms, dtype=object)
    faults: dict[int, Fault] = {}
    missing = shapely.get_type_id(geoms) < 0
    empty = missing | shapely.is_empty(geoms)
    for i in np.flatnonzero(empty):
        faults[int(i)] = Fault("geometry is empty", "几何为空")
    for i in np.flatnonzero(~empty):
        found = geoms[i].geom_type
        if found not in wanted:
            faults[int(i)] = Fault(f"{found} where {' or '.join(wanted)} is expected",
                                   f"几何类型为 {found}，应为 {'或'.join(wanted)}")
    return faults


def coordinate_faults(geoms: ArrayLike, *, converted_from: str | None = None,
                      degrees: bool = True) -> dict[int, Fault]:
    """For each geometry with a bad vertex, the fault of its first one.

    With `degrees` false (a projected file before conversion) only finiteness
    is checked: the range applies after conversion."""
    geoms = np.asarray(geoms, dtype=object)
    xy, owner = shapely.get_coordinates(geoms, return_index=True)
    if degrees:
        bad = ~usable_positions(xy[:, 0], xy[:, 1])
    else:
        bad = ~(np.isfinite(xy[:, 0]) & np.isfinite(xy[:, 1]))
    if not bad.any():
        return {}
    rows, first = np.unique(owner[bad], return_index=True)
    where = np.flatnonzero(bad)[first]
    faults: dict[int, Fault] = {}
    for row, k in zip(rows, where):
        single = shapely.get_type_id(geoms[row]) == 0
        found = position_faults(xy[k:k + 1, 0], xy[k:k + 1, 1], converted_from=converted_from,
                                vertex=not single)
        faults[int(row)] = found.get(0) or _position_fault(xy[k, 0], xy[k, 1], "finite", None, not single)
    return faults


def usable_geometries(geoms: ArrayLike) -> Bools:
    """True where a geometry is present, not empty, and every vertex is a usable position."""
    geoms = np.asarray(geoms, dtype=object)
    ok = (shapely.get_type_id(geoms) >= 0) & ~shapely.is_empty(geoms)
    if ok.any():
        xy, owner = shapely.get_coordinates(geoms, return_index=True)
        bad_rows = np.unique(owner[~usable_positions(xy[:, 0], xy[:, 1])])
        ok[bad_rows] = False
    return ok


def area_repairs(geoms: ArrayLike) -> tuple[Geometries, dict[int, Fault], dict[int, Fault]]:
    """Areas as MultiPolygons: invalid ones repaired (keeping polygonal parts), degenerate ones refused.

    Returns (geometries, faults of refused rows, notes of repaired rows); the
    geometries must already have passed `shape_faults` and `coordinate_faults`.
    """
    geoms = np.asarray(geoms, dtype=object).copy()
    faults: dict[int, Fault] = {}
    repairs: dict[int, Fault] = {}
    invalid = np.flatnonzero(~shapely.is_valid(geoms))
    reasons: NDArray[np.object_] | list[str] = shapely.is_valid_reason(geoms[invalid]) if invalid.size else []
    for i, why in zip(invalid, reasons):
        fixed = _polygonal(shapely.make_valid(geoms[i]))
        if fixed.is_empty or fixed.area <= 0:
            faults[int(i)] = Fault(f"polygon has no area ({why}): nothing is left after repair",
                                   f"多边形没有面积（{why}），修复后无可保留部分")
            continue
        repairs[int(i)] = Fault(
            f"invalid polygon ({why}) repaired with make_valid: {len(fixed.geoms)} polygon part(s) kept",
            f"无效多边形（{why}）已用 make_valid 修复：保留 {len(fixed.geoms)} 个面")
        geoms[i] = fixed
    flat = np.flatnonzero(shapely.area(geoms) <= 0)
    for i in flat:
        faults.setdefault(int(i), Fault("polygon has no area", "多边形没有面积"))
    for k in range(geoms.size):
        if k not in faults and k not in repairs:
            geoms[k] = _polygonal(geoms[k])
    return geoms, faults, repairs


def _polygonal(geom: shapely.Geometry) -> shapely.MultiPolygon:
    """The polygons of any geometry (nested collections too) as one MultiPolygon."""
    polygons: list[shapely.Polygon] = []
    for part in shapely.get_parts(geom):
        if part.geom_type == "Polygon" and not part.is_empty:
            polygons.append(part)
        elif part.geom_type in ("MultiPolygon", "GeometryCollection"):
            polygons.extend(_polygonal(part).geoms)
    return shapely.MultiPolygon(polygons)
