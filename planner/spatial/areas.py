"""Which polygon holds each point: the area a position lies in, for the per-area limit of every check."""

from __future__ import annotations

import numpy as np
import shapely
from numpy.typing import ArrayLike

from planner.spatial.arrays import Geometries, Ints

__all__ = ["containing_area", "stations_per_area"]


def containing_area(polygons: Geometries, lon: ArrayLike, lat: ArrayLike) -> Ints:
    """Per point, the position of the first polygon (in the given order) that contains it, -1 for none.

    A point on a polygon's boundary is not inside it (shapely's `within`), and NaN points are in none.
    """
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    out = np.full(lon.size, -1, dtype=np.int64)
    ok = np.flatnonzero(np.isfinite(lon) & np.isfinite(lat))
    if ok.size == 0 or len(polygons) == 0:
        return out
    tree = shapely.STRtree(np.asarray(polygons, dtype=object))
    point_pos, area_pos = tree.query(shapely.points(lon[ok], lat[ok]), predicate="within")
    order = np.lexsort((area_pos, point_pos))  # per point, the first polygon in the given order
    point_pos, area_pos = point_pos[order], area_pos[order]
    first = np.unique(point_pos, return_index=True)
    out[ok[first[0]]] = area_pos[first[1]]
    return out


def stations_per_area(station_area: Ints, areas: int) -> Ints:
    """How many stations each of `areas` areas holds, from each station's `containing_area` (-1: none)."""
    station_area = np.asarray(station_area, dtype=np.int64)
    return np.bincount(station_area[station_area >= 0], minlength=areas).astype(np.int64)
