"""The coordinate reference systems /ogc/ serves (OGC API – Features Part 2, CRS by reference).

Stored geometry is WGS84 longitude/latitude, served by default as CRS84. A client may ask for CGCS2000
(EPSG:4490, China's geodetic datum: latitude first, as EPSG orders its axes) or for the district's
projected CGCS2000 3-degree Gauss-Krüger zone — the one the project's planar work picks for the registry's
data (planner.spatial.crs.metric_crs_for, centred on the registry's extent): EPSG:4534–4554, northing
first. Coordinates are written in each CRS's authority axis order, converted by pyproj.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import shapely
from pyproj import CRS, Transformer

from planner.errors import UsageError
from planner.recent import Recent
from planner.registry.tables import extent
from planner.spatial.crs import metric_crs_for

__all__ = ["CGCS2000", "CRS84", "ServedCrs", "bbox_in_crs84", "geometries_to_crs", "parse_crs", "served_crs", "to_crs"]

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
CGCS2000 = "http://www.opengis.net/def/crs/EPSG/0/4490"
_EPSG_URI = "http://www.opengis.net/def/crs/EPSG/0/"
_DISTRICT = Recent(8)  # (database URL, registry version) -> the district's projected CRS URI or None


@dataclass(frozen=True)
class ServedCrs:
    """One CRS a response can be in: its URI, and how many decimals its coordinates keep (about a centimetre)."""

    uri: str
    decimals: int

    @property
    def default(self) -> bool:
        return self.uri == CRS84


def served_crs(engine, version) -> list[str]:
    """The CRS URIs every collection offers: CRS84, CGCS2000 and, for a registry with data, its district's
    Gauss-Krüger zone."""
    key = (engine.url.render_as_string(hide_password=True), version)
    found = _DISTRICT.get(key)
    if found is None:
        box = extent(engine)
        found = ("",) if box is None else (_EPSG_URI + str(metric_crs_for(
            [(box[0] + box[2]) / 2], [(box[1] + box[3]) / 2]).to_epsg()),)
        _DISTRICT.put(key, found)
    return [CRS84, CGCS2000] + [uri for uri in found if uri]


def parse_crs(value: str | None, offered: list[str], name: str = "crs") -> ServedCrs:
    """The CRS a `crs` or `bbox-crs` parameter names (a URI, or the safe-CURIE `[EPSG:n]`), one of `offered`."""
    if value is None or value == "":
        return ServedCrs(CRS84, 7)
    uri = value.strip()
    if uri.startswith("[") and uri.endswith("]"):
        uri = uri[1:-1]
    if uri.upper().startswith("EPSG:"):
        uri = _EPSG_URI + uri[5:]
    elif uri.upper() in ("OGC:CRS84", "CRS84"):
        uri = CRS84
    uri = uri.replace("https://", "http://")
    if uri not in offered:
        raise UsageError(f"{name} {value!r} is not offered here: use one of " + ", ".join(offered),
                         f"不支持参数 {name} 的坐标系 {value!r}：可用 " + "、".join(offered))
    return ServedCrs(uri, 2 if _crs(uri).is_projected else 7)


@lru_cache(maxsize=16)
def _crs(uri: str) -> CRS:
    return CRS.from_user_input("OGC:CRS84" if uri == CRS84 else "EPSG:" + uri.rsplit("/", 1)[1])


@lru_cache(maxsize=16)
def _transformer(source: str, target: str) -> Transformer:
    return Transformer.from_crs(_crs(source), _crs(target))  # authority axis order on both sides


def to_crs(lon: np.ndarray, lat: np.ndarray, target: ServedCrs) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 positions in `target`, as (first axis, second axis) of that CRS."""
    if target.default:
        return lon, lat
    first, second = _transformer(CRS84, target.uri).transform(np.asarray(lon, float), np.asarray(lat, float))
    return np.asarray(first), np.asarray(second)


def geometries_to_crs(geometries, target: ServedCrs):
    """Shapely geometries (WGS84) in `target`'s axis order."""
    if target.default:
        return geometries

    def convert(coords):
        first, second = to_crs(coords[:, 0], coords[:, 1], target)
        return np.column_stack([first, second])

    return shapely.transform(np.asarray(geometries), convert)


def bbox_in_crs84(box: tuple[float, ...], crs: ServedCrs) -> tuple[float, float, float, float]:
    """A bbox given in `crs` (lower corner, upper corner, in its axis order) as west, south, east, north."""
    if crs.default:
        return box[0], box[1], box[2], box[3]
    transformer = _transformer(crs.uri, CRS84)
    west, south, east, north = transformer.transform_bounds(box[0], box[1], box[2], box[3], densify_pts=21)
    return west, south, east, north
