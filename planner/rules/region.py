"""Is a position plausible: inside China, and inside the district the registry covers?

The batch check refuses positions outside China (or inside it once longitude
and latitude are swapped) — and a station's relocation by the same rule —
then those farther than about 1 km from every village or community of the
profile's levels or, in a registry without areas, more than 50 km from every
site. A refusal is (reason key, values) for `planner.rules.reasons.reason`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Protocol, cast

import numpy as np
import shapely
from numpy.typing import ArrayLike

from planner.spatial.arrays import Bools, Floats
from planner.spatial.grid import PopulationGrid

__all__ = ["NETWORK_REACH_KM", "REGION_TOLERANCE_M", "china_refusals", "district_refusals", "in_china",
           "near_areas"]

REGION_TOLERANCE_M = 1_000.0
NETWORK_REACH_KM = 50.0

_OUTLINE = Path(__file__).resolve().parent / "data" / "china_outline.geojson"

# A refusal: (reason key, values for `planner.rules.reasons.reason`).
Refusal = tuple[str, dict[str, float]]


class District(Protocol):
    """What `district_refusals` reads of a registry's network (`planner.sites.postal.Network`)."""

    @property
    def grid(self) -> PopulationGrid | None: ...

    def site_positions(self) -> tuple[Floats, Floats]:
        """lon, lat of every outlet and existing station."""
        ...


@lru_cache(maxsize=1)
def _china() -> shapely.Geometry:
    import json

    data = json.loads(_OUTLINE.read_text(encoding="utf-8"))
    geom = shapely.geometry.shape(data["features"][0]["geometry"])
    shapely.prepare(geom)
    return geom


def in_china(lon: ArrayLike, lat: ArrayLike) -> Bools:
    """True where a WGS84 point lies in China (land boundary widened by about 5 km)."""
    lon = np.asarray(lon, float)
    lat = np.asarray(lat, float)
    out = np.zeros(lon.shape, bool)
    ok = np.isfinite(lon) & np.isfinite(lat)
    if ok.any():
        out[ok] = shapely.contains_xy(_china(), lon[ok], lat[ok])
    return out


def near_areas(grid: PopulationGrid, lon: ArrayLike, lat: ArrayLike, tolerance_m: float = 1_000.0) -> Bools:
    """True where a point lies within about `tolerance_m` of a cell that belongs to an area."""
    from scipy.ndimage import binary_dilation

    lon = np.asarray(lon, float)
    lat = np.asarray(lat, float)
    out = np.zeros(lon.shape, bool)
    ok = np.isfinite(lon) & np.isfinite(lat)
    if not ok.any():
        return out
    block = max(1, int(np.ceil(tolerance_m / grid.cell_m)))
    rows, cols = grid.shape
    pad_r, pad_c = (-rows) % block, (-cols) % block
    mask = np.pad(grid.area_index >= 0, ((0, pad_r), (0, pad_c)))
    coarse = cast(Bools, mask.reshape(mask.shape[0] // block, block, mask.shape[1] // block, block).any(axis=(1, 3)))
    coarse = binary_dilation(coarse, structure=np.ones((3, 3), bool))
    x, y = grid.project(lon[ok], lat[ok])
    col = np.floor((x - grid.west) / (grid.cell_m * block)).astype(np.int64)
    row = np.floor((grid.north - y) / (grid.cell_m * block)).astype(np.int64)
    inside = (row >= 0) & (row < coarse.shape[0]) & (col >= 0) & (col < coarse.shape[1])
    hit = np.zeros(row.shape, bool)
    hit[inside] = coarse[row[inside], col[inside]]
    out[ok] = hit
    return out


def china_refusals(lon: ArrayLike, lat: ArrayLike) -> dict[int, Refusal]:
    """Finite positions outside China, by index: ('swapped' | 'outside_china', values)."""
    lon = np.asarray(lon, float)
    lat = np.asarray(lat, float)
    outside = np.flatnonzero(np.isfinite(lon) & np.isfinite(lat) & ~in_china(lon, lat))
    if not outside.size:
        return {}
    swapped = in_china(lat[outside], lon[outside])
    return {int(i): ("swapped" if flip else "outside_china", {"lon": lon[i], "lat": lat[i]})
            for i, flip in zip(outside, swapped)}


def district_refusals(network: District, lon: ArrayLike, lat: ArrayLike) -> dict[int, Refusal]:
    """Finite positions outside the registry's district, by index.

    `network` is a `planner.sites.postal.Network`: its areas' grid when it has
    areas, else its outlets and stations (no sites at all: nothing refused)."""
    lon = np.asarray(lon, float)
    lat = np.asarray(lat, float)
    todo = np.flatnonzero(np.isfinite(lon) & np.isfinite(lat))
    if todo.size == 0:
        return {}
    if network.grid is not None:
        inside = near_areas(network.grid, lon[todo], lat[todo], REGION_TOLERANCE_M)
        return {int(i): ("outside_region", {"km": REGION_TOLERANCE_M / 1000}) for i in todo[~inside]}
    site_lon, site_lat = network.site_positions()
    if site_lon.size == 0:
        return {}
    from planner.spatial.nearest import SiteIndex

    far = SiteIndex(site_lon, site_lat).query(lon[todo], lat[todo]).distance_m[:, 0] > NETWORK_REACH_KM * 1000
    return {int(i): ("far_from_network", {"km": NETWORK_REACH_KM}) for i in todo[far]}
