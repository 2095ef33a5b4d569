"""What closing stations costs: the people who lose service, and the applicants that would win them back.

A cell loses service when every outlet and existing station that serves it
today closes. "Alone" is the loss of one station closing by itself: the
people only it serves. Both are read off the same per-cell counts the
coverage report uses (discs in a straight line, walks on the road network for
walking profiles), so the figures agree with `planner coverage` before and
after the closures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from sqlalchemy import Engine

from planner.registry.tables import read_table
from planner.roads.cells import served_cells_on_foot, service_areas_on_foot
from planner.rules.profiles import Profile
from planner.rules.verdict import require_road_network
from planner.sites.postal import Network, load_network
from planner.spatial.coverage import served_cells

__all__ = ["CoverageLoss", "coverage_loss"]


@dataclass
class CoverageLoss:
    alone: pd.Series  # station code -> people only it serves (every station asked about)
    by_station: pd.Series  # closing station code -> people it serves who lose service when all close
    lost: np.ndarray  # grid-shaped people who lose service when all the closing stations close
    areas: pd.DataFrame  # per area: population, covered before and after, lost
    parents: pd.DataFrame  # per parent area (街道/乡镇)
    total: dict  # district: population, covered before, lost, shares
    network: Network
    served: _Served | None = None

    @property
    def grid(self):
        return self.network.grid

    def lost_layers(self) -> dict[str, np.ndarray]:
        """Per closing station, the grid-shaped people it serves today who lose service when all close."""
        if self.served is None:
            return {}
        return {code: np.where(self.served.serves(code), self.lost, 0.0) for code in self.by_station.index}

    def lost_cells(self) -> gpd.GeoDataFrame:
        """The grid cells that lose service, as WGS84 squares with their people (for maps and GeoPackages)."""
        grid = self.grid
        rows, cols = np.nonzero(self.lost > 0)
        west = grid.west + cols * grid.cell_m
        north = grid.north - rows * grid.cell_m
        squares = shapely.box(west, north - grid.cell_m, west + grid.cell_m, north)
        cells = gpd.GeoDataFrame({"population": np.round(self.lost[rows, cols], 1)}, geometry=squares,
                                 crs=grid.crs)
        return cells.to_crs(4326)

    def network_after(self) -> Network:
        """The network with the closing stations gone (the grid kept)."""
        network = self.network
        stations = network.stations[~network.stations["code"].isin(self.by_station.index)
                                    | (network.stations["source"] != "station")].reset_index(drop=True)
        return Network(network.outlets, stations, network.areas, network.cell_m, network.raster, network.roads,
                       _grid=network.grid)


class _Served:
    """Per-cell service counts of all sites, and which cells given stations serve (straight or on foot)."""

    def __init__(self, network: Network, profile: Profile, stations: np.ndarray):
        self.network, self.radius = network, profile.service_distance_m
        grid = network.grid
        lon, lat = network.stations.geometry.x.to_numpy(), network.stations.geometry.y.to_numpy()
        self.lon, self.lat = lon[stations], lat[stations]
        self.codes = network.stations["code"].to_numpy(dtype=object)[stations]
        # Serving today, as `planner coverage` counts: outlets and stations (approved applicants do not serve yet).
        opened = network.stations["source"].to_numpy() == "station"
        site_lon = np.concatenate([network.outlets.geometry.x.to_numpy(), lon[opened]])
        site_lat = np.concatenate([network.outlets.geometry.y.to_numpy(), lat[opened]])
        if profile.metric == "walking":
            require_road_network(profile, network.roads)
            cells = network.populated_cells(self.radius)
            self.count = served_cells_on_foot(grid, network.roads, site_lon, site_lat, self.radius, cells=cells)
            self.areas = service_areas_on_foot(grid, network.roads, self.lon, self.lat, self.radius, cells=cells)
        else:
            self.count = served_cells(grid, site_lon, site_lat, self.radius)
            self.areas = None

    def sums(self, layer: np.ndarray) -> np.ndarray:
        """Per asked station, the sum of a grid-shaped layer over the cells it serves."""
        if self.areas is not None:
            return self.areas.reach @ self.areas.weights(layer)
        grid = self.network.grid
        return grid.disc_sums(layer, *grid.project(self.lon, self.lat), self.radius)

    def serves(self, code: str) -> np.ndarray:
        """Grid-shaped: the cells asked station `code` serves."""
        i = int(np.flatnonzero(self.codes == code)[0])
        return self.count_of(np.arange(self.codes.size) == i) > 0

    def count_of(self, chosen: np.ndarray) -> np.ndarray:
        """How many of the chosen asked stations serve each cell (grid-shaped)."""
        grid = self.network.grid
        if self.areas is None:
            return served_cells(grid, self.lon[chosen], self.lat[chosen], self.radius)
        count = np.zeros(grid.shape, np.int32)
        reach = self.areas.reach[np.flatnonzero(chosen)]
        count[self.areas.rows, self.areas.cols] = np.asarray(reach.sum(axis=0)).ravel()
        return count


def coverage_loss(engine: Engine | None, profile: Profile, asked: Sequence[str], closing: Sequence[str], *,
                  cell_m: float = 100.0, network: Network | None = None) -> CoverageLoss:
    """The loss of each station in `asked` closing alone, and of all of `closing` (a subset) closing together.

    `engine` may be None when `network` is given (parent areas then go without their names)."""
    network = network or load_network(engine, profile, cell_m=cell_m)
    codes = network.stations["code"].to_numpy(dtype=object)
    is_station = network.stations["source"].to_numpy() == "station"
    wanted = pd.Series(codes).isin(set(asked)).to_numpy() & is_station  # hashed: np.isin on text is quadratic
    served = _Served(network, profile, wanted) if network.grid is not None else None
    asked_codes = codes[wanted]
    if served is None:
        empty = pd.Series(0.0, index=pd.Index(asked_codes, name="station_id"))
        nobody = {"population": 0, "covered_before": 0, "lost_population": 0.0, "covered_share_before": 0.0,
                  "covered_share_after": 0.0}  # the keys `_tables` gives: no areas, nobody to lose
        return CoverageLoss(empty, empty.iloc[:0], np.zeros((0, 0)), pd.DataFrame(), pd.DataFrame(), nobody,
                            network)
    population = network.grid.population
    only_one = np.where(served.count == 1, population, 0.0)
    alone = pd.Series(np.round(served.sums(only_one), 1), index=pd.Index(asked_codes, name="station_id"))
    chosen = pd.Series(asked_codes).isin(set(closing)).to_numpy()
    closing_count = served.count_of(chosen)
    lost = np.where((served.count > 0) & (served.count == closing_count), population, 0.0)
    by_station = pd.Series(np.round(served.sums(lost)[chosen], 1), index=pd.Index(asked_codes[chosen],
                                                                                   name="station_id"))
    areas, parents, total = _tables(network, served.count > 0, lost)
    if engine is not None and len(parents):
        names = read_table(engine, "areas", columns=("code", "name"), codes=parents["parent_code"].dropna().tolist())
        parents.insert(1, "parent_name", parents["parent_code"].map(dict(zip(names["code"], names["name"]))))
    return CoverageLoss(alone, by_station, lost, areas, parents, total, network, served)


def _tables(network: Network, covered: np.ndarray, lost: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    grid, areas = network.grid, network.areas
    n = len(areas)
    population = grid.area_sums(grid.population, n)
    before = grid.area_sums(np.where(covered, grid.population, 0.0), n)
    lost_people = grid.area_sums(lost, n)
    table = pd.DataFrame({"area_code": areas["code"], "area_name": areas["name"], "level": areas["level"],
                          "parent_code": areas["parent_code"], "population": np.round(population),
                          "covered_before": np.round(before), "lost_population": np.round(lost_people, 1)})
    table["covered_share_before"] = _share(before, population)
    table["covered_share_after"] = _share(before - lost_people, population)
    table = table[table["lost_population"] > 0].sort_values("lost_population", ascending=False, kind="stable")
    parents = (table.groupby("parent_code", dropna=False, sort=False)
               .agg(lost_population=("lost_population", "sum"), areas=("area_code", "size"))
               .reset_index().sort_values("lost_population", ascending=False, kind="stable"))
    total_population, total_before, total_lost = float(population.sum()), float(before.sum()), float(lost.sum())
    total = {"population": round(total_population), "covered_before": round(total_before),
             "lost_population": round(total_lost, 1),
             "covered_share_before": float(_share(np.array([total_before]), np.array([total_population]))[0]),
             "covered_share_after": float(_share(np.array([total_before - total_lost]),
                                                 np.array([total_population]))[0])}
    return table.reset_index(drop=True), parents.reset_index(drop=True), total


def _share(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    return np.round(np.divide(part, whole, out=np.zeros_like(part, dtype=float), where=whole > 0), 4)
