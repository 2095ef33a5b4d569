"""Is a position plausible for the registry: by the country rule its region follows, and inside its district?

The region follows the registry, not a country. A registry is in China when
most of its outlets, existing stations and areas are (an empty registry
counts as in China); there, a position outside China — or inside it once
longitude and latitude are swapped — is refused. A registry elsewhere (a test
city from OpenStreetMap, say) takes WGS84 and EPSG positions as they are, but
still refuses GCJ-02 and BD-09 positions outside China: those systems are
defined only inside China, so such a number converts to no real place.
Everywhere, a position is refused when it lies farther than about 1 km from
every village or community of the profile's levels or, in a registry without
areas, more than 50 km from every site.

`region_refusals` is the one rule every door applies, for one position or
millions: the batch check, the single-site API and its fast path, the station
page's relocation preview and relocations (`require_in_region`). A refusal is
(reason key, values) for `planner.rules.reasons.reason`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol, cast

import numpy as np
import shapely
from numpy.typing import ArrayLike
from pyproj import Transformer

from planner.errors import UsageError
from planner.rules.reasons import reason
from planner.spatial.arrays import Bools, Floats
from planner.spatial.grid import GridPlane, PopulationGrid
from planner.spatial.nearest import SiteIndex

__all__ = ["NETWORK_REACH_KM", "OFFSET_SYSTEMS", "REGION_TOLERANCE_M", "AreaReach", "District", "Region",
           "area_reach", "china_refusals", "coarse_blocks", "in_china", "near_areas", "reach_block", "reach_of_blocks",
           "region_of", "region_refusals", "registry_in_china", "require_in_region"]

REGION_TOLERANCE_M = 1_000.0
NETWORK_REACH_KM = 50.0
# Input systems defined only inside China (their labels in planner.spatial.crs, and their names).
OFFSET_SYSTEMS = {"gcj02": "GCJ-02", "bd09": "BD-09"}

_OUTLINE = Path(__file__).resolve().parent / "data" / "china_outline.geojson"

# A refusal: (reason key, values for `planner.rules.reasons.reason`).
Refusal = tuple[str, dict[str, Any]]


class District(Protocol):
    """What `region_of` reads of a registry (`planner.sites.postal.Network`)."""

    @property
    def grid(self) -> PopulationGrid | None: ...

    def site_positions(self) -> tuple[Floats, Floats]:
        """lon, lat of every outlet and existing station."""
        ...

    def area_positions(self) -> tuple[Floats, Floats]:
        """lon, lat of a point inside every area."""
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


def registry_in_china(lon: ArrayLike, lat: ArrayLike) -> bool:
    """Whether a registry whose sites and areas stand at these points is in China: when at least half
    of them are (a registry with none counts as in China)."""
    inside = in_china(lon, lat)
    return inside.size == 0 or 2 * int(inside.sum()) >= inside.size


@dataclass(frozen=True, eq=False)
class AreaReach:
    """Where a point lies within about a tolerance of an area: the blocks of an area grid that hold
    an area's cell, widened by one block. A few kilobytes, so a web worker can keep it."""

    to_plane: Transformer  # WGS84 → the grid's plane
    west: float
    north: float
    block_m: float
    blocks: Bools  # (rows, cols) of blocks

    def contains(self, lon: ArrayLike, lat: ArrayLike) -> Bools:
        lon = np.asarray(lon, float)
        lat = np.asarray(lat, float)
        out = np.zeros(lon.shape, bool)
        ok = np.isfinite(lon) & np.isfinite(lat)
        if not ok.any():
            return out
        x, y = self.to_plane.transform(lon[ok], lat[ok])
        col = np.floor((np.asarray(x) - self.west) / self.block_m).astype(np.int64)
        row = np.floor((self.north - np.asarray(y)) / self.block_m).astype(np.int64)
        rows, cols = self.blocks.shape
        inside = (row >= 0) & (row < rows) & (col >= 0) & (col < cols)
        hit = np.zeros(row.shape, bool)
        hit[inside] = self.blocks[row[inside], col[inside]]
        out[ok] = hit
        return out


def area_reach(grid: PopulationGrid, tolerance_m: float = REGION_TOLERANCE_M) -> AreaReach:
    """The `AreaReach` of the areas on `grid`, in blocks of about `tolerance_m`."""
    block = reach_block(grid.cell_m, tolerance_m)
    return reach_of_blocks(grid, block, coarse_blocks(grid.area_index >= 0, block))


def reach_block(cell_m: float, tolerance_m: float = REGION_TOLERANCE_M) -> int:
    """Cells per side of the blocks an `AreaReach` is kept in."""
    return max(1, int(np.ceil(tolerance_m / cell_m)))


def coarse_blocks(has_area: Bools, block: int) -> Bools:
    """Blocks of `block` × `block` cells holding an area's cell (the grid padded at its south and east
    edges): a band of rows, a whole number of blocks high, gives the whole grid's blocks of those rows."""
    rows, cols = has_area.shape
    mask = np.pad(has_area, ((0, (-rows) % block), (0, (-cols) % block)))
    return cast(Bools, mask.reshape(mask.shape[0] // block, block, mask.shape[1] // block, block).any(axis=(1, 3)))


def reach_of_blocks(plane: GridPlane, block: int, coarse: Bools) -> AreaReach:
    """The `AreaReach` of a grid's `coarse_blocks`: each block and its neighbours."""
    from scipy.ndimage import binary_dilation

    coarse = binary_dilation(coarse, structure=np.ones((3, 3), bool))
    return AreaReach(Transformer.from_crs(4326, plane.crs, always_xy=True), plane.west, plane.north,
                     plane.cell_m * block, coarse)


def near_areas(grid: PopulationGrid, lon: ArrayLike, lat: ArrayLike, tolerance_m: float = 1_000.0) -> Bools:
    """True where a point lies within about `tolerance_m` of a cell that belongs to an area."""
    return area_reach(grid, tolerance_m).contains(lon, lat)


@dataclass(frozen=True, eq=False)
class Region:
    """A registry as the region rules read it: which country rule holds, and where its district is."""

    in_china: bool = True
    reach: AreaReach | None = None  # near the areas, when the registry has areas
    sites: SiteIndex | None = None  # else its outlets and stations (none: no district to leave)


def region_of(district: District, *, reach: AreaReach | None = None) -> Region:
    """The `Region` of a registry (`planner.sites.postal.Network`); `reach`: its areas' reach, when already
    made (else it is made from the district's grid)."""
    site_lon, site_lat = district.site_positions()
    area_lon, area_lat = district.area_positions()
    china = registry_in_china(np.concatenate([site_lon, area_lon]), np.concatenate([site_lat, area_lat]))
    if reach is not None:
        return Region(china, reach=reach)
    grid = district.grid
    if grid is not None:
        return Region(china, reach=area_reach(grid, REGION_TOLERANCE_M))
    return Region(china, sites=SiteIndex(site_lon, site_lat) if site_lon.size else None)


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


def region_refusals(region: Region, lon: ArrayLike, lat: ArrayLike,
                    systems: ArrayLike | None = None) -> dict[int, Refusal]:
    """Finite WGS84 positions the registry's region refuses, by index: the country rule, then the district.

    `systems` are the labels of the systems the positions were given in ('wgs84', 'gcj02', 'bd09',
    'EPSG:n'; None: all WGS84): outside China, GCJ-02 and BD-09 positions are refused whatever the
    registry."""
    lon = np.atleast_1d(np.asarray(lon, float))
    lat = np.atleast_1d(np.asarray(lat, float))
    refused = _country_refusals(region, lon, lat, systems)
    rest = np.flatnonzero(np.isfinite(lon) & np.isfinite(lat))
    rest = rest[~np.isin(rest, list(refused))]
    for k, refusal in _district_refusals(region, lon[rest], lat[rest]).items():
        refused[int(rest[k])] = refusal
    return refused


def require_in_region(region: Region, lon: float, lat: float) -> None:
    """UsageError, in the batch check's words, when the region refuses one WGS84 position."""
    refusal = region_refusals(region, [lon], [lat]).get(0)
    if refusal is not None:
        key, values = refusal
        raise UsageError(reason(key, "en", **values), reason(key, "zh", **values))


def _country_refusals(region: Region, lon: Floats, lat: Floats, systems: ArrayLike | None) -> dict[int, Refusal]:
    if region.in_china:
        return china_refusals(lon, lat)
    if systems is None:
        return {}
    labels = np.atleast_1d(np.asarray(systems, dtype=object))
    offset = np.flatnonzero(np.isin(labels, list(OFFSET_SYSTEMS)))
    refused: dict[int, Refusal] = {}
    for k, (key, values) in china_refusals(lon[offset], lat[offset]).items():
        i = int(offset[k])
        refused[i] = (key, values) if key == "swapped" else (
            "offset_outside_china", {**values, "crs": OFFSET_SYSTEMS[labels[i]]})
    return refused


def _district_refusals(region: Region, lon: Floats, lat: Floats) -> dict[int, Refusal]:
    """Positions (all finite) outside the district: far from its areas, or from its sites without areas."""
    if lon.size == 0:
        return {}
    if region.reach is not None:
        inside = region.reach.contains(lon, lat)
        return {int(i): ("outside_region", {"km": REGION_TOLERANCE_M / 1000}) for i in np.flatnonzero(~inside)}
    if region.sites is None:
        return {}
    far = region.sites.query(lon, lat).distance_m[:, 0] > NETWORK_REACH_KM * 1000
    return {int(i): ("far_from_network", {"km": NETWORK_REACH_KM}) for i in np.flatnonzero(far)}
