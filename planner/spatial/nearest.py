"""Nearest post outlets / stations for many points, in geodesic metres.

A 3-D KD-tree over Earth-centred coordinates finds the neighbours (no map
projection, no zone boundaries); distances are then converted to metres on
the WGS84 ellipsoid and agree with `pyproj.Geod` to well under 0.1 m.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy.spatial import cKDTree

from planner.spatial.arrays import Floats, Ints
from planner.spatial.compared import compared_metres
from planner.spatial.geodesic import (
    chord_metres,
    chord_to_geodesic,
    ecef_of_point,
    to_ecef,
)

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["NearestResult", "SiteIndex", "check_lonlat", "nearest_other", "nearest_other_point", "nearest_sites"]


def check_lonlat(lon: ArrayLike, lat: ArrayLike, *, what: str = "points",
                 allow_nan: bool = False) -> tuple[Floats, Floats]:
    """Return lon/lat as float arrays, refusing values that are not degrees."""
    lon = np.atleast_1d(np.asarray(lon, dtype=float))
    lat = np.atleast_1d(np.asarray(lat, dtype=float))
    if lon.shape != lat.shape:
        msg = f"{what}: {lon.shape[0]} longitudes but {lat.shape[0]} latitudes"
        raise ValueError(msg)
    finite = np.isfinite(lon) & np.isfinite(lat)
    if not allow_nan and not finite.all():
        msg = f"{what}: {int((~finite).sum())} coordinates are missing or not finite"
        raise ValueError(msg)
    bad = finite & ((np.abs(lon) > 180.0) | (np.abs(lat) > 90.0))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        msg = (
            f"{what}: ({lon[i]}, {lat[i]}) is not longitude/latitude in degrees; "
            "projected coordinates must be converted to WGS84 first"
        )
        raise ValueError(msg)
    return lon, lat


@dataclass(frozen=True)
class NearestResult:
    """Positions (into the site arrays, -1 where none) and metres (inf where none)."""

    index: Ints  # (n, k)
    distance_m: Floats  # (n, k)


class SiteIndex:
    """Sites indexed once for many nearest-neighbour queries."""

    def __init__(self, lon: ArrayLike, lat: ArrayLike) -> None:
        self.lon, self.lat = check_lonlat(lon, lat, what="sites")
        self._tree: cKDTree | None = None
        if self.lon.size:
            self._tree = cKDTree(
                to_ecef(self.lon, self.lat), balanced_tree=False, compact_nodes=False
            )

    def __len__(self) -> int:
        return int(self.lon.size)

    def query_point(self, lon: float, lat: float, k: int = 1) -> list[tuple[int, float]]:
        """The k nearest sites of one point, closest first: [(position, metres)].

        The one-point path of `query` (a web request's question): same tree, same metres, without
        the array bookkeeping that costs more than the search itself for a single point.
        """
        if not (math.isfinite(lon) and math.isfinite(lat) and abs(lon) <= 180.0 and abs(lat) <= 90.0):
            check_lonlat(lon, lat, what="the point")  # raises with the usual message
        if self._tree is None:
            return []
        k = min(k, len(self))
        chords, found = self._tree.query(ecef_of_point(lon, lat), k=k)
        pairs = zip(np.atleast_1d(found).tolist(), np.atleast_1d(chords).tolist())
        return sorted(((i, chord_metres(c, lon, lat, float(self.lon[i]), float(self.lat[i]))) for i, c in pairs),
                      key=lambda pair: pair[1])

    def query(self, lon: ArrayLike, lat: ArrayLike, k: int = 1, *, workers: int = -1) -> NearestResult:
        """The k nearest sites of each point, closest first."""
        if k < 1:
            msg = f"k must be at least 1, got {k}"
            raise ValueError(msg)
        lon, lat = check_lonlat(lon, lat, what="query points", allow_nan=True)
        n = lon.size
        index = np.full((n, k), -1, dtype=np.int64)
        dist = np.full((n, k), np.inf)
        valid = np.isfinite(lon) & np.isfinite(lat)
        dist[~valid] = np.nan
        if self._tree is None or not valid.any():
            return NearestResult(index, dist)
        qlon, qlat = lon[valid], lat[valid]
        # Many points (an (n, 3) array) give arrays of chords and positions.
        chord, found = cast(tuple[Floats, Ints], self._tree.query(to_ecef(qlon, qlat), k=k, workers=workers))
        chord = chord.reshape(-1, k)
        found = found.reshape(-1, k)
        present = found < len(self)
        safe = np.where(present, found, 0)
        metres = chord_to_geodesic(
            chord,
            np.repeat(qlon[:, None], k, axis=1),
            np.repeat(qlat[:, None], k, axis=1),
            self.lon[safe],
            self.lat[safe],
        )
        metres = np.where(present, metres, np.inf)
        found = np.where(present, found, -1)
        if k > 1:
            # Past 50 km the exact geodesic may reorder near-ties of the chord.
            order = np.argsort(metres, axis=1, kind="stable")
            metres = np.take_along_axis(metres, order, axis=1)
            found = np.take_along_axis(found, order, axis=1)
        index[valid] = found
        dist[valid] = metres
        return NearestResult(index, dist)


def _lonlat_of(frame: gpd.GeoDataFrame, what: str) -> tuple[NDArray[np.floating[Any]], NDArray[np.floating[Any]]]:
    if frame.crs is None:
        msg = f"{what} have no CRS: set one (e.g. EPSG:4326) before measuring"
        raise ValueError(msg)
    if not frame.crs.is_geographic or frame.crs.to_epsg() != 4326:
        frame = frame.to_crs(4326)
    geom = frame.geometry
    if not (geom.geom_type == "Point").all():
        msg = f"{what} must be points"
        raise ValueError(msg)
    return geom.x.to_numpy(), geom.y.to_numpy()


def nearest_sites(points: gpd.GeoDataFrame, sites: gpd.GeoDataFrame, *, k: int = 1,
                  id_column: str | None = None) -> pd.DataFrame:
    """For each point of a GeoDataFrame, the k nearest sites and their metres.

    Returns a DataFrame indexed like `points` with columns `id_1`, `m_1`, …
    `id_k`, `m_k`; ids come from `id_column` (else the sites' index).
    """
    lon, lat = _lonlat_of(points, "points")
    site_lon, site_lat = _lonlat_of(sites, "sites")
    ids = sites[id_column].to_numpy() if id_column else sites.index.to_numpy()
    result = SiteIndex(site_lon, site_lat).query(lon, lat, k=k)
    columns: dict[str, ArrayLike] = {}
    for j in range(k):
        pos = result.index[:, j]
        columns[f"id_{j + 1}"] = pd.Series(ids[np.where(pos >= 0, pos, 0)]).where(pos >= 0)
        columns[f"m_{j + 1}"] = result.distance_m[:, j]
    return pd.DataFrame({key: np.asarray(val) for key, val in columns.items()}, index=points.index)


def nearest_other_point(index: SiteIndex, site_codes: NDArray[Any], code: object, lon: float,
                        lat: float) -> tuple[str, float] | None:
    """One point's nearest indexed site that is not itself (`code`): (code, metres to 0.01 m) or None."""
    for position, metres in index.query_point(lon, lat, k=2):
        if code is None or site_codes[position] != code:
            return str(site_codes[position]), compared_metres(metres)
    return None


def nearest_other(index: SiteIndex, site_codes: NDArray[Any], codes: NDArray[Any] | Sequence[object],
                  lon: ArrayLike, lat: ArrayLike) -> tuple[list[str | None], list[float | None]]:
    """Each point's nearest indexed site that is not itself (same code): ([code or None], [metres, 0.01 m])."""
    if not len(index):
        return [None] * len(codes), [None] * len(codes)
    k = min(2, len(index))
    found = index.query(lon, lat, k=k)
    first_is_self = site_codes[found.index[:, 0]] == codes
    pick = np.where(first_is_self & (k > 1), 1, 0)
    rows = np.arange(len(codes))
    chosen = found.index[rows, pick]
    metres = found.distance_m[rows, pick]
    usable = (chosen >= 0) & ~(first_is_self & (k == 1))
    names = [str(site_codes[i]) if ok else None for i, ok in zip(chosen, usable)]
    return names, [m if ok else None for m, ok in zip(compared_metres(metres).tolist(), usable)]
