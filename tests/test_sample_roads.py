"""The sample district's synthetic walking network (data/shunyi/roads.gpkg) serves the walking rules.

Read as the line reader reads it: WGS84 LineStrings, a `walkable` flag, lines
joined only where they share a vertex (rounded to 1e-7 degree). Every post
outlet, station and applicant of the sample must be near a walkable line, the
walkable lines must be one network, and the river must part neighbours: two
points either side of it, close in a straight line, far apart on foot.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components, dijkstra
from scipy.spatial import cKDTree

from planner.spatial.chinacoords import gcj02_to_wgs84
from planner.spatial.crs import metric_crs_for
from planner.spatial.geodesic import GEOD

DATA = Path(__file__).resolve().parents[1] / "data"
SAMPLE = DATA / "shunyi"
PLANE = metric_crs_for([116.654], [40.130])  # the district's Gauss-Krüger plane, for nearest-line searches


@pytest.fixture(scope="module")
def roads() -> gpd.GeoDataFrame:
    return gpd.read_file(SAMPLE / "roads.gpkg")


@pytest.fixture(scope="module")
def network(roads):
    """Walkable vertices (lon, lat) and a sparse graph of geodesic metres, vertices joined at 1e-7 degree."""
    coords, line = shapely.get_coordinates(roads.geometry[roads["walkable"]].values, return_index=True)
    keys = np.round(coords * 1e7).astype(np.int64)
    unique, node = np.unique(keys, axis=0, return_inverse=True)
    node = node.ravel()
    follows = line[1:] == line[:-1]
    u, v = node[:-1][follows], node[1:][follows]
    _, _, metres = GEOD.inv(coords[:-1][follows, 0], coords[:-1][follows, 1],
                            coords[1:][follows, 0], coords[1:][follows, 1])
    graph = coo_matrix((metres, (u, v)), shape=(len(unique), len(unique))).tocsr()
    return unique / 1e7, graph


def _sites() -> tuple[np.ndarray, np.ndarray]:
    branches = pd.read_csv(SAMPLE / "branches.csv", encoding="utf-8-sig")
    stations = pd.read_excel(SAMPLE / "stations.xlsx")
    candidates = pd.read_excel(SAMPLE / "candidates.xlsx", header=1)
    assert set(candidates["坐标系"]) == {"gcj02"}
    lon, lat = gcj02_to_wgs84(candidates["经度"].to_numpy(float), candidates["纬度"].to_numpy(float))
    return (np.concatenate([branches["经度"], stations["经度"], lon]),
            np.concatenate([branches["纬度"], stations["纬度"], lat]))


def test_the_layer_is_wgs84_linestrings_with_a_walkable_flag(roads):
    assert roads.crs.to_epsg() == 4326
    assert set(roads.geom_type) == {"LineString"}
    assert {"name", "kind", "walkable"} <= set(roads.columns)
    assert roads["walkable"].dtype == bool
    assert set(roads["kind"]) == {"arterial", "street", "lane", "footpath", "expressway"}
    assert not roads.loc[roads["kind"] == "expressway", "walkable"].any()
    assert roads.loc[roads["kind"] != "expressway", "walkable"].all()
    lon, lat = shapely.get_coordinates(roads.geometry.values).T
    assert lon.min() > 116.4 and lon.max() < 117.05 and lat.min() > 39.95 and lat.max() < 40.35
    assert 30_000 <= np.unique(np.round(np.column_stack([lon, lat]) * 1e7), axis=0).shape[0] <= 120_000
    assert (SAMPLE / "roads.gpkg").stat().st_size < 6_000_000


def test_every_outlet_station_and_applicant_is_near_a_walkable_line(roads):
    lon, lat = _sites()
    lines = roads.loc[roads["walkable"]].to_crs(PLANE).geometry.values
    points = gpd.GeoSeries(gpd.points_from_xy(lon, lat), crs=4326).to_crs(PLANE).values
    nearest = shapely.STRtree(lines).query_nearest(points, all_matches=False)[1]
    on_line = shapely.get_coordinates(shapely.shortest_line(points, lines[nearest]))[1::2]
    foot = gpd.GeoSeries(gpd.points_from_xy(*on_line.T), crs=PLANE).to_crs(4326)
    _, _, metres = GEOD.inv(lon, lat, foot.x.to_numpy(), foot.y.to_numpy())
    assert np.isfinite(lon).all() and np.isfinite(lat).all()
    assert metres.max() < 50.0, f"site {int(np.argmax(metres))} is {metres.max():.1f} m from a walkable line"
    assert np.mean(metres <= 20.0) >= 0.9


def test_walkable_lines_are_one_network_joined_at_identical_vertices(network):
    _, graph = network
    count, _ = connected_components(graph, directed=False)
    assert count == 1


def test_lines_meet_only_at_shared_vertices_and_expressways_at_none(roads):
    walk = roads.geometry[roads["walkable"]].values
    first, second = shapely.STRtree(walk).query(walk, predicate="intersects")
    pair = first < second
    crossings = shapely.intersection(walk[first[pair]], walk[second[pair]])
    assert set(shapely.get_type_id(crossings)) <= {0, 4}  # points: no two lines overlap
    points = shapely.get_coordinates(crossings)
    vertices = {tuple(xy) for xy in np.round(shapely.get_coordinates(walk) * 1e7).astype(np.int64).tolist()}
    assert all(tuple(xy) in vertices for xy in np.round(points * 1e7).astype(np.int64).tolist())
    fenced = np.round(shapely.get_coordinates(roads.geometry[~roads["walkable"]].values) * 1e7).astype(np.int64)
    assert not {tuple(xy) for xy in fenced.tolist()} & vertices


@pytest.fixture(scope="module")
def river():
    """The river's centre line (WGS84) and its number of bridges, from the script that drew them."""
    spec = importlib.util.spec_from_file_location("sample_roads_under_test", DATA / "sample_roads.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks itself up there
    try:
        spec.loader.exec_module(module)
        return module.river_wgs84(), len(module.BRIDGE_KM)
    finally:
        del sys.modules[spec.name]


def test_walkers_cross_the_river_only_on_its_bridges(roads, river):
    centre_line, bridges = river
    crossing = roads.loc[roads["walkable"] & roads.intersects(centre_line)]
    assert len(crossing) == bridges
    assert crossing["name"].str.endswith("桥").all()


def test_the_river_parts_neighbours_close_in_a_straight_line(network, river):
    vertices, graph = network
    planar = gpd.GeoSeries(gpd.points_from_xy(*vertices.T), crs=4326).to_crs(PLANE)
    xy = np.column_stack([planar.x, planar.y])
    river_m = gpd.GeoSeries([river[0]], crs=4326).to_crs(PLANE).iloc[0]
    bank = np.flatnonzero(shapely.dwithin(shapely.points(xy), river_m, 80.0))
    pairs = cKDTree(xy[bank]).query_pairs(150.0, output_type="ndarray")
    a, b = bank[pairs[:, 0]], bank[pairs[:, 1]]
    across = shapely.intersects(shapely.linestrings(np.stack([xy[a], xy[b]], axis=1)), river_m)
    a, b = a[across], b[across]
    _, _, straight = GEOD.inv(*vertices[a].T, *vertices[b].T)
    assert (straight < 150.0).sum() > 100  # the banks face each other the whole way
    sources = np.unique(a)[:: max(1, np.unique(a).size // 12)]
    walked = dijkstra(graph, directed=False, indices=sources)
    row = {s: i for i, s in enumerate(sources)}
    chosen = np.isin(a, sources)
    on_foot, straight = walked[[row[s] for s in a[chosen]], b[chosen]], straight[chosen]
    assert np.isfinite(on_foot).all()
    far = on_foot > 1000.0
    assert far.sum() >= 10, "pairs across the river are within 1 km on foot: too many bridges?"
    assert np.all(on_foot[far] > 6 * straight[far])
    assert (on_foot <= 1000.0).any(), "no pair near a bridge: are the bridges joined to the banks?"
