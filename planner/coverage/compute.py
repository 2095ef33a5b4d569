"""Coverage of every village and community: the service behind `planner coverage` and its pages.

Reads the registry, spreads census population over a grid (or takes a
population raster when one is imported), marks cells within the service
distance of open outlets and stations, and summarises per area, per parent
(sub-district / township) and for the district, with the gaps to recruit in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from sqlalchemy import Engine

from planner.coverage.banded import banded_coverage
from planner.errors import UsageError
from planner.registry.population_raster import active_raster
from planner.registry.tables import data_date, read_table
from planner.roads.cells import served_cells_on_foot
from planner.roads.snap import snap_points
from planner.roads.walking import nearest_on_foot, sites_on_foot
from planner.rules.profiles import Profile
from planner.rules.verdict import require_road_network
from planner.rules.vocabulary import (
    EXISTING_APPLICANT_STATUSES,
    EXISTING_STATION_STATUSES,
    OPEN_APPLICANT_STATUSES,
)
from planner.sites.postal import load_road_graph
from planner.spatial.coverage import (
    TILE_COLUMNS,
    AreaCoverage,
    area_coverage,
    find_gaps,
    population_centres,
    served_cells,
    status_of,
)
from planner.spatial.grid import PopulationGrid, build_population_grid
from planner.spatial.nearest import SiteIndex

__all__ = ["GRID_SUFFIXES", "MAX_GRID_CELLS", "CoverageOptions", "CoverageReport", "compute_coverage",
           "refuse_without_grid"]

# The what-if "every applicant as a station": those waiting a decision and those approved but not yet opened.
_WHAT_IF_APPLICANTS = OPEN_APPLICANT_STATUSES + EXISTING_APPLICANT_STATUSES
_GAP_CANDIDATES = 3
MAX_GRID_CELLS = 200_000_000  # 1.6 GB per float layer: beyond it the grid is computed band by band
GRID_SUFFIXES = (".gpkg", ".html")  # reports that draw the whole grid (cells, maps)
_MAX_BANDED_CELLS = 20_000_000_000  # a country at 100 m is about 3·10⁹; beyond this the areas are misplaced


@dataclass(frozen=True)
class CoverageOptions:
    profile: Profile
    levels: tuple[str, ...] | None = None  # area levels reported; default: the profile's
    cell_m: float = 100.0
    assume_candidates: bool = False  # count open applicants as if they were stations
    close_listed: bool = False  # stations listed for exit count as closed


@dataclass
class CoverageReport:
    options: CoverageOptions
    areas: pd.DataFrame
    parents: pd.DataFrame
    totals: dict
    gaps: pd.DataFrame
    area_geometry: gpd.GeoSeries
    sites: gpd.GeoDataFrame
    # The grid-shaped layers: None when the grid was too large to hold and was computed band by band.
    grid: PopulationGrid | None
    served: np.ndarray | None
    gap_labels: np.ndarray | None
    generated_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    data_date: str = ""
    # What the profile leaves out, so a page can say why its counts differ from the registry's:
    # outlets of every kind and areas of every level in the registry.
    registry_outlets: int = 0
    registry_areas: int = 0


def _sites(engine: Engine, options: CoverageOptions) -> tuple[gpd.GeoDataFrame, int]:
    """The sites that serve (the profile's outlet kinds, existing stations), and how many outlets the registry holds."""
    profile = options.profile
    columns = ("code", "name", "kind", "status")
    outlets = read_table(engine, "outlets", columns=columns)
    sites_all = len(outlets)
    outlets = outlets[outlets["kind"].isin(profile.outlet_kinds)].assign(role="outlet")
    stations = read_table(engine, "stations", columns=columns)
    kept = [s for s in EXISTING_STATION_STATUSES if not (options.close_listed and s == "listed_for_exit")]
    stations = stations[stations["status"].isin(kept)].assign(role="station")
    frames = [outlets, stations]
    if options.assume_candidates:
        candidates = read_table(engine, "candidates", columns=columns)
        frames.append(candidates[candidates["status"].isin(_WHAT_IF_APPLICANTS)].assign(role="candidate"))
    keep = ["code", "name", "role", "status", "geometry"]
    sites = pd.concat([f.reindex(columns=keep) for f in frames], ignore_index=True)
    return gpd.GeoDataFrame(sites, geometry="geometry", crs=4326), sites_all


def compute_coverage(engine: Engine, options: CoverageOptions, *, population_grid=None, spread=None,
                     tile_columns: int = TILE_COLUMNS, for_suffix: str = "") -> CoverageReport:
    """Coverage per area from the registry (the grid may be given, e.g. from a population raster).

    `spread` (planner.coverage.spread.Spread) computes the straight-line served cells and their sums tile
    by tile on a Dask cluster; None: one process. Both add the same tiles of `tile_columns` in the same
    order, so the tables are identical. Walking profiles count the cells served on foot here. A grid of
    more than `MAX_GRID_CELLS` cells is never built whole: it is computed band by band of rows
    (planner.coverage.banded; with `spread`, the bands are built on its workers and added here in the same
    order), and the report has tables only (no grid, served cells or gap labels):
    `for_suffix`, the report file's suffix, refuses such a grid for a report that draws it before any work.
    """
    profile = options.profile
    levels = options.levels or profile.area_levels
    all_areas = read_table(engine, "areas", columns=("code", "name", "level", "population", "households",
                                                     "parent_code"))
    areas = all_areas[all_areas["level"].isin(levels)].reset_index(drop=True)
    if areas.empty:
        raise UsageError(f"the registry has no areas of level {', '.join(levels)}: import areas first",
                         f"登记库中没有级别为 {'、'.join(levels)} 的区域：请先导入区域")
    banded = population_grid is None and _too_large_to_hold(areas, options.cell_m, profile)
    if banded and for_suffix.lower() in GRID_SUFFIXES:
        refuse_without_grid(for_suffix.lower())
    sites, registry_outlets = _sites(engine, options)
    site_lon, site_lat = sites.geometry.x.to_numpy(), sites.geometry.y.to_numpy()
    if banded:
        whole = None
        found = banded_coverage(areas.geometry.values, areas["population"].to_numpy(), site_lon, site_lat,
                                profile.service_distance_m, cell_m=options.cell_m, raster=active_raster(engine),
                                tile_columns=tile_columns, spread=spread)
        stats, straight, roads, centres, gaps = found.stats, None, None, (found.lon, found.lat), found.gaps
    else:
        if population_grid is None:
            population_grid = build_population_grid(
                areas.geometry.values, areas["population"].to_numpy(), cell_m=options.cell_m,
                margin_m=profile.service_distance_m, raster=active_raster(engine))
        whole = _whole_grid(engine, population_grid, site_lon, site_lat, profile, len(areas), spread, tile_columns)
        stats, straight, roads, gaps = whole.stats, whole.straight, whole.roads, whole.gaps
        centres = population_centres(whole.grid, len(areas))
    table = _area_table(centres, stats, areas, sites, profile, roads)
    if straight is not None:
        table.insert(table.columns.get_loc("covered_share") + 1, "covered_share_straight",
                     np.round(straight.share, 4))
    gaps = _describe_gaps(gaps, areas, read_table(engine, "candidates", columns=("code", "name", "status")))
    parents = _parent_table(table, all_areas)
    totals = _totals(table, sites, gaps)
    if straight is not None:
        population = float(straight.population.sum())
        totals["covered_share_straight"] = round(float(straight.covered.sum()) / population, 4) if population else 0.0
    return CoverageReport(options, table, parents, totals, gaps, areas.geometry, sites,
                          *(whole.layers if whole else (None, None, None)), data_date=data_date(engine),
                          registry_outlets=registry_outlets, registry_areas=len(all_areas))


@dataclass(frozen=True)
class _WholeGrid:
    """Coverage of a grid held whole: per-area sums (on foot for a walking profile, with the straight-line
    sums beside them), the gaps, and the grid-shaped layers a map or GeoPackage draws."""

    grid: PopulationGrid
    served: np.ndarray
    gap_labels: np.ndarray
    stats: AreaCoverage
    straight: AreaCoverage | None
    roads: object
    gaps: pd.DataFrame

    @property
    def layers(self) -> tuple[PopulationGrid, np.ndarray, np.ndarray]:
        return self.grid, self.served, self.gap_labels


def _whole_grid(engine: Engine, grid: PopulationGrid, site_lon: np.ndarray, site_lat: np.ndarray,
                profile: Profile, n_areas: int, spread, tile_columns: int) -> _WholeGrid:
    straight = roads = None
    if profile.metric == "walking":  # served on foot; the straight-line figures stay beside them
        roads = load_road_graph(engine)
        require_road_network(profile, roads)
    served, bins = _served_straight(grid, site_lon, site_lat, profile.service_distance_m, n_areas, spread,
                                    tile_columns)
    stats = area_coverage(grid, served, n_areas, tile_columns=tile_columns, bins=bins)
    if roads is not None:
        straight = stats
        served = served_cells_on_foot(grid, roads, site_lon, site_lat, profile.service_distance_m)
        stats = area_coverage(grid, served, n_areas, tile_columns=tile_columns)
    gap_labels, gaps = find_gaps(grid, served)
    return _WholeGrid(grid, served, gap_labels, stats, straight, roads, gaps)


def _served_straight(grid: PopulationGrid, lon: np.ndarray, lat: np.ndarray, radius_m: float, n_areas: int,
                     spread, tile_columns: int) -> tuple[np.ndarray, list[np.ndarray] | None]:
    """Cells within the straight-line distance of the sites, and (partitioned) the tiles' binned people."""
    if spread is None:
        return served_cells(grid, lon, lat, radius_m), None
    return spread(grid, lon, lat, radius_m, n_areas, tile_columns=tile_columns)


def _too_large_to_hold(areas: gpd.GeoDataFrame, cell_m: float, profile: Profile) -> bool:
    """Whether the grid is too large to hold whole (then it is computed band by band); refuse a grid no
    band-by-band run can cover either (areas spread over the globe, or a tiny --cell), and serving on foot
    over a grid too large to hold."""
    margin_m = profile.service_distance_m
    west, south, east, north = areas.total_bounds
    widest = 1.0 if south <= 0 <= north else max(np.cos(np.radians(south)), np.cos(np.radians(north)))
    width_m = (east - west) * 111_320.0 * widest + 2 * margin_m
    height_m = (north - south) * 110_574.0 + 2 * margin_m
    cells = (width_m / cell_m) * (height_m / cell_m)
    size = f"{width_m / 1000:,.0f} × {height_m / 1000:,.0f} km"
    if cells > _MAX_BANDED_CELLS:
        raise UsageError(f"the areas span about {size}: {cells:,.0f} cells of {cell_m:g} m are more than "
                         f"{_MAX_BANDED_CELLS:,}; check the areas' coordinates or use a larger --cell",
                         f"区域范围约 {size}：{cell_m:g} 米网格共 {cells:,.0f} 格，超过上限 {_MAX_BANDED_CELLS:,}；"
                         "请检查区域坐标或使用更大的 --cell")
    if cells > MAX_GRID_CELLS and profile.metric == "walking":
        raise UsageError(f"coverage on foot needs the whole grid in memory: the areas span about {size}, "
                         f"{cells:,.0f} cells of {cell_m:g} m, more than {MAX_GRID_CELLS:,}; report fewer "
                         "areas (--level) or a smaller registry, use a larger --cell, or a straight-line profile",
                         f"步行覆盖需要整张网格在内存中：区域范围约 {size}，{cell_m:g} 米网格共 {cells:,.0f} 格，"
                         f"超过上限 {MAX_GRID_CELLS:,}；请缩小登记库或报告范围、使用更大的 --cell，或改用直线距离配置")
    return bool(cells > MAX_GRID_CELLS)


def refuse_without_grid(suffix: str) -> None:
    """A grid too large to hold is computed band by band: its cells and maps are never whole."""
    raise UsageError(f"a {suffix} report draws the whole population grid, and this one has more than "
                     f"{MAX_GRID_CELLS:,} cells (computed band by band): write .csv or .xlsx, or report a "
                     "smaller registry",
                     f"{suffix} 报告需要整张人口网格，而本次网格超过 {MAX_GRID_CELLS:,} 格（分带计算）："
                     "请输出 .csv 或 .xlsx，或缩小登记库范围")


def _inside_counts(areas: gpd.GeoDataFrame, sites: gpd.GeoDataFrame, role: str) -> np.ndarray:
    chosen = sites[sites["role"] == role]
    counts = np.zeros(len(areas), np.int64)
    if len(chosen) == 0:
        return counts
    tree = shapely.STRtree(areas.geometry.values)
    _, area_pos = tree.query(chosen.geometry.values, predicate="within")
    np.add.at(counts, area_pos, 1)
    return counts


def _area_table(centres: tuple[np.ndarray, np.ndarray], stats: AreaCoverage, areas, sites, profile: Profile,
                roads=None) -> pd.DataFrame:
    n = len(areas)
    lon, lat = centres
    fallback = areas.geometry.representative_point()
    lon = np.where(np.isfinite(lon), lon, fallback.x.to_numpy())
    lat = np.where(np.isfinite(lat), lat, fallback.y.to_numpy())
    nearest_id = np.full(n, None, dtype=object)
    nearest_m = np.full(n, np.nan)
    if len(sites) and roads is not None:  # a walking profile: the nearest site on foot from the population centre
        on_foot = sites_on_foot(roads, sites.geometry.x.to_numpy(), sites.geometry.y.to_numpy())
        site, walked = nearest_on_foot(roads, on_foot, snap_points(roads, lon, lat))
        nearest_id = np.where(site >= 0, sites["code"].to_numpy(dtype=object)[np.maximum(site, 0)], None)
        nearest_m = np.where(site >= 0, np.round(walked, 1), np.nan)
    elif len(sites):
        found = SiteIndex(sites.geometry.x.to_numpy(), sites.geometry.y.to_numpy()).query(lon, lat)
        nearest_id = sites["code"].to_numpy(dtype=object)[found.index[:, 0]]
        nearest_m = np.round(found.distance_m[:, 0], 1)
    thresholds = profile.coverage
    return pd.DataFrame({
        "code": areas["code"], "name": areas["name"], "level": areas["level"], "parent_code": areas["parent_code"],
        "population": np.round(stats.population), "households": areas["households"],
        "covered_population": np.round(stats.covered), "covered_share": np.round(stats.share, 4),
        "served_twice_population": np.round(stats.served_twice),
        "outlets": _inside_counts(areas, sites, "outlet"), "stations": _inside_counts(areas, sites, "station"),
        "nearest_site_id": nearest_id, "nearest_site_m": nearest_m,
        "status": status_of(stats.share, stats.population, partly_share=thresholds.partly_share,
                            covered_share=thresholds.covered_share),
        "centre_lon": np.round(lon, 7), "centre_lat": np.round(lat, 7),
    })


def _parent_table(table: pd.DataFrame, all_areas) -> pd.DataFrame:
    names = dict(zip(all_areas["code"], all_areas["name"]))
    grouped = table.assign(parent_code=table["parent_code"].fillna("")).groupby("parent_code", sort=True)
    parents = grouped.agg(areas=("code", "size"), population=("population", "sum"),
                          covered_population=("covered_population", "sum"), outlets=("outlets", "sum"),
                          stations=("stations", "sum"),
                          areas_without_service=("status", lambda s: int((s == "none").sum()))).reset_index()
    parents.insert(1, "name", [names.get(code, "") for code in parents["parent_code"]])
    parents["covered_share"] = np.round(np.divide(parents["covered_population"], parents["population"],
                                                  out=np.zeros(len(parents)), where=parents["population"] > 0), 4)
    return parents


def _totals(table: pd.DataFrame, sites, gaps) -> dict:
    population = float(table["population"].sum())
    covered = float(table["covered_population"].sum())
    return {
        "areas": len(table), "population": population, "covered_population": covered,
        "covered_share": round(covered / population, 4) if population else 0.0,
        "areas_without_service": int((table["status"] == "none").sum()),
        "areas_partly": int((table["status"] == "partly").sum()),
        "outlets": int((sites["role"] == "outlet").sum()), "stations": int((sites["role"] == "station").sum()),
        "candidates_assumed": int((sites["role"] == "candidate").sum()),
        "gaps": len(gaps), "uncovered_population": population - covered,
    }


def _describe_gaps(gaps: pd.DataFrame, areas, candidates) -> pd.DataFrame:
    gaps = gaps.copy()
    area = gaps["area"].to_numpy(dtype=np.int64) if len(gaps) else np.empty(0, np.int64)
    codes = areas["code"].to_numpy(dtype=object)
    names = areas["name"].to_numpy(dtype=object)
    gaps["area_code"] = np.where(area >= 0, codes[np.maximum(area, 0)], None) if len(gaps) else []
    gaps["area_name"] = np.where(area >= 0, names[np.maximum(area, 0)], None) if len(gaps) else []
    gaps = gaps.drop(columns="area")
    open_candidates = candidates[candidates["status"].isin(OPEN_APPLICANT_STATUSES)]
    nearby = [""] * len(gaps)
    if len(open_candidates) and len(gaps):
        k = min(_GAP_CANDIDATES, len(open_candidates))
        found = SiteIndex(open_candidates.geometry.x.to_numpy(), open_candidates.geometry.y.to_numpy()).query(
            gaps["lon"].to_numpy(), gaps["lat"].to_numpy(), k=k)
        ids = open_candidates["code"].to_numpy(dtype=object)
        nearby = [", ".join(f"{ids[j]} ({m:,.0f} m)" for j, m in zip(found.index[i], found.distance_m[i]) if j >= 0)
                  for i in range(len(gaps))]
    gaps["nearest_candidates"] = nearby
    gaps["population"] = np.round(gaps["population"])
    gaps["lon"] = np.round(gaps["lon"].astype(float), 7)
    gaps["lat"] = np.round(gaps["lat"].astype(float), 7)
    return gaps
