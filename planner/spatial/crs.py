"""Coordinate systems: names users write, conversion to stored WGS84, metric CRS.

Everything the registry stores is WGS84 longitude/latitude. Input may come in
WGS84 (GPS, Tianditu, CGCS2000), GCJ-02 (Amap, Tencent), BD-09 (Baidu) or any
EPSG code. Planar work happens in a CGCS2000 3-degree Gauss-Krüger zone chosen
for the data; reported distances come from the ellipsoid (see geodesic.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, cast

import numpy as np
import shapely
from numpy.typing import ArrayLike
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from planner.spatial import chinacoords
from planner.spatial.arrays import Floats, Geometries

if TYPE_CHECKING:
    from geopandas.array import GeometryArray

__all__ = [
    "CoordSystem",
    "UnknownCRSError",
    "geometries_for_display",
    "geometries_to_wgs84",
    "metric_crs_for",
    "parse_crs",
    "points_to_wgs84",
    "wgs84_to_display",
]

_WGS84_NAMES = {"wgs84", "wgs-84", "wgs 84", "epsg:4326", "4326", "cgcs2000", "epsg:4490", "gps"}
_GCJ_NAMES = {"gcj02", "gcj-02", "gcj", "amap", "gaode", "高德", "tencent", "腾讯", "火星坐标"}
_BD_NAMES = {"bd09", "bd-09", "bd09ll", "baidu", "百度"}


class UnknownCRSError(ValueError):
    """A coordinate system name that is neither a Chinese offset nor an EPSG code."""

    def __init__(self, name: str) -> None:
        self.name = name
        msg = (
            f"unknown coordinate system {name!r}: use wgs84, gcj02, bd09 or EPSG:n"
        )
        super().__init__(msg)


@dataclass(frozen=True)
class CoordSystem:
    """A parsed coordinate system: 'wgs84', 'gcj02', 'bd09' or an EPSG code."""

    kind: str  # "wgs84" | "gcj02" | "bd09" | "epsg"
    epsg: int | None = None

    @property
    def label(self) -> str:
        return f"EPSG:{self.epsg}" if self.kind == "epsg" else self.kind


WGS84 = CoordSystem("wgs84")


@lru_cache(maxsize=256)
def parse_crs(name: str | None) -> CoordSystem:
    """Parse what a user wrote for a coordinate system; empty means WGS84."""
    if name is None:
        return WGS84
    text = str(name).strip()
    key = text.lower()
    if not key:
        return WGS84
    if key in _WGS84_NAMES:
        return WGS84
    if key in _GCJ_NAMES:
        return CoordSystem("gcj02")
    if key in _BD_NAMES:
        return CoordSystem("bd09")
    match = re.fullmatch(r"(?:epsg:)?(\d{4,6})", key)
    if match:
        code = int(match.group(1))
        try:
            CRS.from_epsg(code)
        except CRSError as exc:
            raise UnknownCRSError(text) from exc
        if code in (4326, 4490):
            return WGS84
        return CoordSystem("epsg", code)
    raise UnknownCRSError(text)


@lru_cache(maxsize=64)
def _to_wgs84_transformer(epsg: int) -> Transformer:
    return Transformer.from_crs(CRS.from_epsg(epsg), CRS.from_epsg(4326), always_xy=True)


def points_to_wgs84(x: ArrayLike, y: ArrayLike, crs: CoordSystem) -> tuple[Floats, Floats]:
    """Convert coordinate arrays in `crs` to WGS84 lon/lat arrays."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if crs.kind == "wgs84":
        return x, y
    if crs.kind == "gcj02":
        return chinacoords.gcj02_to_wgs84(x, y)
    if crs.kind == "bd09":
        return chinacoords.bd09_to_wgs84(x, y)
    # The other kind, 'epsg', always carries its code (parse_crs).
    return cast(tuple[Floats, Floats], _to_wgs84_transformer(cast(int, crs.epsg)).transform(x, y))


def wgs84_to_display(lon: ArrayLike, lat: ArrayLike, base_map_crs: str) -> tuple[Floats, Floats]:
    """Shift WGS84 points for drawing on a base map in another system (Amap: GCJ-02)."""
    if base_map_crs == "gcj02":
        return chinacoords.wgs84_to_gcj02(lon, lat)
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)


def geometries_for_display(geometries: Geometries | GeometryArray, base_map_crs: str) -> Geometries | GeometryArray:
    """WGS84 shapely geometries shifted like `wgs84_to_display` (returned as they are for WGS84)."""
    if base_map_crs == "wgs84":
        return geometries

    def shift(coords: Floats) -> Floats:
        lon, lat = wgs84_to_display(coords[:, 0], coords[:, 1], base_map_crs)
        return np.column_stack([lon, lat])

    return shapely.transform(geometries, shift)


def geometries_to_wgs84(geometries: ArrayLike, crs: CoordSystem) -> Geometries:
    """Convert an array of shapely geometries in `crs` to WGS84."""
    if crs.kind == "wgs84":
        return np.asarray(geometries)

    def _convert(coords: Floats) -> Floats:
        lon, lat = points_to_wgs84(coords[:, 0], coords[:, 1], crs)
        return np.column_stack([lon, lat])

    return shapely.transform(np.asarray(geometries), _convert)


def metric_crs_for(lon: ArrayLike, lat: ArrayLike) -> CRS:
    """A CGCS2000 3-degree Gauss-Krüger CRS centred on the data (metres).

    Inside China's longitudes (75°E–135°E) this is one of EPSG:4534–4554; for
    data elsewhere it falls back to the UTM zone of the centre. Only planar
    work (grids, buffers, prefilters) uses it: distances are reported from
    the ellipsoid.
    """
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    centre_lon = float(np.nanmedian(lon))
    centre_lat = float(np.nanmedian(lat))
    zone_index = round((centre_lon - 75.0) / 3.0)
    if 0 <= zone_index <= 20 and centre_lat > 0:
        return CRS.from_epsg(4534 + zone_index)
    utm_zone = int((centre_lon + 180.0) // 6.0) + 1
    return CRS.from_epsg((32600 if centre_lat >= 0 else 32700) + utm_zone)
