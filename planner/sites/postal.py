"""The network as a profile sees it: counted outlets, existing stations, areas, population grid.

Read once from the registry for a check, a coverage run or a ranking.
"Existing stations" are stations that are not closed plus applicants already
approved in the registry (they count as existing for new applicants).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import geopandas as gpd
import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine

from planner.recent import Recent
from planner.registry.engine import connected
from planner.registry.population_raster import active_raster
from planner.registry.roads import read_road_segments, road_network_version
from planner.registry.tables import read_point_columns, read_points, read_table
from planner.roads.cells import PopulatedCells, populated_cells, served_cells_on_foot
from planner.roads.graph import RoadGraph, build_road_graph
from planner.roads.walking import SitesOnFoot, sites_on_foot
from planner.rules.profiles import Profile
from planner.rules.region import Region, region_of
from planner.rules.vocabulary import (
    EXISTING_APPLICANT_STATUSES,
    EXISTING_STATION_STATUSES,
)
from planner.sites.on_foot import FootAnswer, WalkingSites
from planner.spatial.bands import GridBands
from planner.spatial.grid import PopulationGrid, build_population_grid
from planner.spatial.nearest import SiteIndex, nearest_other_point

__all__ = ["NearestSites", "Network", "load_nearest_sites", "load_network", "load_road_graph"]

DEFAULT_CELL_M = 100.0
GRID_MARGIN_M = 2_000.0  # the grid reaches this far beyond the areas: discs of applicants at their edge
_GRAPHS = Recent(2)  # (database URL, network import) -> RoadGraph: built once per import per process


def load_road_graph(db: Engine | Connection) -> RoadGraph | None:
    """The registry's road network as a graph (None: the registry has none), built once per network import
    per process — every check, page and decision of a walking profile asks for it."""
    with connected(db) as conn:
        version = road_network_version(conn)
        if version is None:
            return None
        key = (conn.engine.url.render_as_string(hide_password=True), version)
        graph = _GRAPHS.get(key)
        if graph is None:
            segments = read_road_segments(conn)
            if segments is None:
                return None
            graph = build_road_graph(segments)
            _GRAPHS.put(key, graph)
    return graph


@dataclass
class Network:
    outlets: gpd.GeoDataFrame  # code, name, kind, geometry
    stations: gpd.GeoDataFrame  # code, name, status, source ('station' | 'approved'), geometry
    areas: gpd.GeoDataFrame  # areas of the profile's levels
    cell_m: float = DEFAULT_CELL_M
    raster: object = None  # a population raster, when one is imported
    roads: RoadGraph | None = None  # the walkable road network, loaded for walking profiles
    _grid: PopulationGrid | None = field(default=None, repr=False)
    _uncovered: dict = field(default_factory=dict, repr=False)

    @cached_property
    def outlet_index(self) -> SiteIndex:
        return SiteIndex(self.outlets.geometry.x.to_numpy(), self.outlets.geometry.y.to_numpy())

    @cached_property
    def station_index(self) -> SiteIndex:
        return SiteIndex(self.stations.geometry.x.to_numpy(), self.stations.geometry.y.to_numpy())

    @cached_property
    def outlets_on_foot(self) -> SitesOnFoot:
        """The counted outlets joined to the road network, every node's nearest one on foot."""
        return _on_foot(self.roads, self.outlets)

    @cached_property
    def stations_on_foot(self) -> SitesOnFoot:
        return _on_foot(self.roads, self.stations)

    @property
    def grid(self) -> PopulationGrid | None:
        """Area population on cells (None when the registry has no areas)."""
        if self._grid is None and len(self.areas):
            self._grid = build_population_grid(self.areas.geometry.values, self.areas["population"].to_numpy(),
                                               cell_m=self.cell_m, margin_m=GRID_MARGIN_M, raster=self.raster)
        return self._grid

    def grid_bands(self, *, row_multiple: int = 1) -> GridBands:
        """The same grid band by band of rows (planner.spatial.bands: never whole in memory)."""
        return GridBands.build(self.areas.geometry.values, self.areas["population"].to_numpy(), cell_m=self.cell_m,
                               margin_m=GRID_MARGIN_M, raster=self.raster, row_multiple=row_multiple)

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

    def populated_cells(self, radius_m: float) -> PopulatedCells:
        """The grid's populated cells within reach of a road, joined to it (walking profiles)."""
        key = ("cells", radius_m)
        if key not in self._uncovered:
            self._uncovered[key] = populated_cells(self.grid, self.roads, radius_m)
        return self._uncovered[key]

    def served_on_foot(self, radius_m: float) -> np.ndarray:
        """How many outlets and existing stations reach each grid cell on foot within `radius_m`."""
        key = ("on foot", radius_m)
        if key not in self._uncovered:
            self._uncovered[key] = served_cells_on_foot(self.grid, self.roads, *self.site_positions(), radius_m,
                                                        cells=self.populated_cells(radius_m))
        return self._uncovered[key]

    def prepare(self, profile: Profile) -> Network:
        """Build the indexes, grid and coverage a check with `profile` needs, now."""
        _ = self.outlet_index, self.station_index
        if self.roads is not None:
            _ = self.outlets_on_foot, self.stations_on_foot
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

    def area_positions(self):
        """lon, lat of a point inside every area (its representative point)."""
        if not len(self.areas):
            return np.empty(0), np.empty(0)
        points = self.areas.geometry.representative_point()
        return points.x.to_numpy(), points.y.to_numpy()

    @cached_property
    def region(self) -> Region:
        """What the region rules read of this registry: its country rule and its district."""
        return region_of(self)


@dataclass(frozen=True)
class NearestSites:
    """Counted outlets and existing stations as KD-trees and codes only: what nearest-site questions
    need, without the frames' per-site Python objects (a web worker keeps a few of these)."""

    outlet_index: SiteIndex
    outlet_codes: np.ndarray
    station_index: SiteIndex
    station_codes: np.ndarray
    walking: WalkingSites | None = None  # for walking profiles, when the registry has a road network

    def on_foot(self, lon: float, lat: float, code: str | None = None,
                limits: tuple[float, float] = (0.0, 0.0)) -> FootAnswer:
        """The nearest counted outlet and existing station of one point on foot (walking profiles), and the
        sites closer than `limits` (outlet, station minimum) in a straight line that no walk reaches."""
        if self.walking is None:
            raise ValueError("no road network is loaded")
        return self.walking.answer(lon, lat, code, (self.outlet_index, self.outlet_codes),
                                   (self.station_index, self.station_codes), limits)

    def nearest_existing(self, lon: float, lat: float, code: str | None = None):
        """The nearest counted outlet and existing station (never the station or applicant `code`
        itself) of one point: ((code, metres) or None, (code, metres) or None)."""
        return (nearest_other_point(self.outlet_index, self.outlet_codes, None, lon, lat),
                nearest_other_point(self.station_index, self.station_codes, code, lon, lat))


def _on_foot(roads: RoadGraph | None, sites: gpd.GeoDataFrame) -> SitesOnFoot:
    if roads is None:
        raise ValueError("no road network is loaded")
    return sites_on_foot(roads, sites.geometry.x.to_numpy(), sites.geometry.y.to_numpy())


def _counted_outlet(kinds, profile: Profile) -> np.ndarray:
    return np.isin(np.asarray(kinds, dtype=object), list(profile.outlet_kinds))


def _existing_station(statuses) -> np.ndarray:
    return np.isin(np.asarray(statuses, dtype=object), EXISTING_STATION_STATUSES)


def _existing_applicant(statuses) -> np.ndarray:
    return np.isin(np.asarray(statuses, dtype=object), EXISTING_APPLICANT_STATUSES)


def load_nearest_sites(db: Engine | Connection, profile: Profile) -> NearestSites:
    """The counted outlets and existing stations of `load_network`, read straight into indexes and
    code arrays (no frames, no geometry objects): what a web worker keeps."""
    parts = {}
    for table, keep in (("outlets", lambda v: _counted_outlet(v["kind"], profile)),
                        ("stations", lambda v: _existing_station(v["status"])),
                        ("candidates", lambda v: _existing_applicant(v["status"]))):
        values, lon, lat = read_point_columns(db, table, ("code", "kind" if table == "outlets" else "status"))
        mask = keep(values)
        parts[table] = np.asarray(values["code"], dtype=object)[mask], lon[mask], lat[mask]
    outlet_codes, outlet_lon, outlet_lat = parts["outlets"]
    # Stations first, then approved applicants: the order load_network gives them.
    codes, lon, lat = (np.concatenate([parts["stations"][i], parts["candidates"][i]]) for i in range(3))
    outlet_index, station_index = SiteIndex(outlet_lon, outlet_lat), SiteIndex(lon, lat)
    walking = None
    if profile.metric == "walking":
        roads = load_road_graph(db)
        if roads is not None:
            walking = WalkingSites.build(roads, outlet_index, station_index)
    return NearestSites(outlet_index, outlet_codes, station_index, codes, walking)


def load_network(db: Engine | Connection, profile: Profile, *, cell_m: float = DEFAULT_CELL_M,
                 with_areas: bool = True, with_raster: bool = True) -> Network:
    """Outlets, existing stations and (unless `with_areas` is false: nearest-site work only) areas.

    `db` is an engine, or a connection whose transaction gives every table the same snapshot.
    `with_raster=False` leaves the population raster out (the areas' cells, not their people)."""
    outlets = read_points(db, "outlets", ("code", "name", "kind"))
    outlets = outlets[_counted_outlet(outlets["kind"], profile)].reset_index(drop=True)
    stations = read_points(db, "stations", ("code", "name", "status"))
    stations = stations[_existing_station(stations["status"])].assign(source="station")
    approved = read_points(db, "candidates", ("code", "name", "status"))
    approved = approved[_existing_applicant(approved["status"])].assign(source="approved")
    keep = ["code", "name", "status", "source", "geometry"]
    existing = gpd.GeoDataFrame(pd.concat([stations[keep], approved[keep]], ignore_index=True),
                                geometry="geometry", crs=4326)
    areas = read_table(db, "areas", columns=("code", "name", "level", "population", "parent_code"),
                       codes=None if with_areas else [])
    areas = areas[areas["level"].isin(profile.area_levels)].reset_index(drop=True)
    raster = active_raster(db) if with_areas and with_raster else None
    roads = load_road_graph(db) if profile.metric == "walking" else None
    return Network(outlets[["code", "name", "kind", "geometry"]], existing, areas, cell_m, raster, roads)

