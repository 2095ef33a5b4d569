"""The network as a profile sees it: counted outlets, existing stations, areas, population grid.

Read once from the registry for a check, a coverage run or a ranking.
"Existing stations" are stations that are not closed plus applicants already
approved in the registry (they count as existing for new applicants).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import cached_property

import geopandas as gpd
import numpy as np
import pandas as pd
from sqlalchemy import Engine

from planner.population_raster import active_raster
from planner.profiles import Profile
from planner.registry import read_points, read_table, registry_version
from planner.spatial.grid import PopulationGrid, build_population_grid
from planner.spatial.nearest import SiteIndex

__all__ = ["Network", "load_network"]

DEFAULT_CELL_M = 100.0


@dataclass
class Network:
    outlets: gpd.GeoDataFrame  # code, name, kind, geometry
    stations: gpd.GeoDataFrame  # code, name, status, source ('station' | 'approved'), geometry
    areas: gpd.GeoDataFrame  # areas of the profile's levels
    cell_m: float = DEFAULT_CELL_M
    raster: object = None  # a population raster, when one is imported
    _grid: PopulationGrid | None = field(default=None, repr=False)
    _uncovered: dict = field(default_factory=dict, repr=False)

    @cached_property
    def outlet_index(self) -> SiteIndex:
        return SiteIndex(self.outlets.geometry.x.to_numpy(), self.outlets.geometry.y.to_numpy())

    @cached_property
    def station_index(self) -> SiteIndex:
        return SiteIndex(self.stations.geometry.x.to_numpy(), self.stations.geometry.y.to_numpy())

    @property
    def grid(self) -> PopulationGrid | None:
        """Area population on cells (None when the registry has no areas)."""
        if self._grid is None and len(self.areas):
            self._grid = build_population_grid(self.areas.geometry.values, self.areas["population"].to_numpy(),
                                               cell_m=self.cell_m, margin_m=2_000.0, raster=self.raster)
        return self._grid

    def uncovered_population(self, radius_m: float) -> np.ndarray:
        """Grid population with the cells within `radius_m` of any outlet or station set to 0."""
        cached = self._uncovered.get(radius_m)
        if cached is None:
            grid = self.grid
            site_lon, site_lat = self.site_positions()
            covered = (grid.coverage_count(*grid.project(site_lon, site_lat), radius_m) > 0) if site_lon.size \
                else np.zeros(grid.shape, bool)
            cached = self._uncovered[radius_m] = np.where(covered, 0.0, grid.population)
        return cached

    def prepare(self, profile: Profile) -> "Network":
        """Build the indexes, grid and coverage a check with `profile` needs, now."""
        _ = self.outlet_index, self.station_index
        if self.grid is not None:
            self.uncovered_population(profile.service_distance_m)
        return self

    def site_positions(self):
        """lon, lat of every outlet and existing station together."""
        frames = [f for f in (self.outlets, self.stations) if len(f)]
        if not frames:
            return np.empty(0), np.empty(0)
        return (np.concatenate([f.geometry.x.to_numpy() for f in frames]),
                np.concatenate([f.geometry.y.to_numpy() for f in frames]))


def load_network(engine: Engine, profile: Profile, *, cell_m: float = DEFAULT_CELL_M,
                 with_areas: bool = True) -> Network:
    """Outlets, existing stations and (unless `with_areas` is false: nearest-site work only) areas."""
    outlets = read_points(engine, "outlets", ("code", "name", "kind"))
    outlets = outlets[outlets["kind"].isin(profile.outlet_kinds)].reset_index(drop=True)
    stations = read_points(engine, "stations", ("code", "name", "status"))
    stations = stations[stations["status"] != "closed"].assign(source="station")
    approved = read_points(engine, "candidates", ("code", "name", "status"))
    approved = approved[approved["status"] == "approved"].assign(source="approved")
    keep = ["code", "name", "status", "source", "geometry"]
    existing = gpd.GeoDataFrame(pd.concat([stations[keep], approved[keep]], ignore_index=True),
                                geometry="geometry", crs=4326)
    areas = read_table(engine, "areas", columns=("code", "name", "level", "population", "parent_code"),
                       codes=None if with_areas else [])
    areas = areas[areas["level"].isin(profile.area_levels)].reset_index(drop=True)
    raster = active_raster(engine) if with_areas else None
    return Network(outlets[["code", "name", "kind", "geometry"]], existing, areas, cell_m, raster)


_CACHE: dict = {}
_CACHE_SIZE = 4
_CACHE_LOCK = threading.Lock()


def cached_network(engine: Engine, profile: Profile) -> Network:
    """Outlets and existing stations with their indexes (no areas), kept per process while the
    registry is unchanged: the web app's repeated nearest-site questions."""
    key = (engine.url.render_as_string(hide_password=True), tuple(profile.outlet_kinds), registry_version(engine))
    with _CACHE_LOCK:
        found = _CACHE.get(key)
    if found is None:
        found = load_network(engine, profile, with_areas=False)
        _ = found.outlet_index, found.station_index
        with _CACHE_LOCK:
            _CACHE[key] = found
            while len(_CACHE) > _CACHE_SIZE:
                _CACHE.pop(next(iter(_CACHE)))
    return found
