"""Hand-made road networks laid out in metres around a point in Harbin, with lengths known from pyproj.Geod."""

from __future__ import annotations

import itertools

import numpy as np
from pyproj import Geod

from planner.roads.graph import build_road_graph
from planner.roads.segments import RoadSegments

GEOD = Geod(ellps="WGS84")
ORIGIN = (126.63, 45.75)  # Harbin


def at(east_m: float, north_m: float) -> tuple[float, float]:
    """The WGS84 position `east_m` east then `north_m` north of ORIGIN (along geodesics)."""
    lon, lat, _ = GEOD.fwd(ORIGIN[0], ORIGIN[1], 90.0, east_m) if east_m else (*ORIGIN, 0)
    if north_m:
        lon, lat, _ = GEOD.fwd(lon, lat, 0.0, north_m)
    return float(lon), float(lat)


def metres(p: tuple[float, float], q: tuple[float, float]) -> float:
    return float(GEOD.inv(p[0], p[1], q[0], q[1])[2])


def path_metres(*points: tuple[float, float]) -> float:
    return sum(metres(p, q) for p, q in itertools.pairwise(points))


def road_segments(nodes: list[tuple[float, float]], segments: list[tuple[int, int]]) -> RoadSegments:
    """Segments between nodes given in metres (east, north) from ORIGIN."""
    lonlat = [at(e, n) for e, n in nodes]
    return RoadSegments(np.array([p[0] for p in lonlat]), np.array([p[1] for p in lonlat]),
                        np.array([s[0] for s in segments], np.int64), np.array([s[1] for s in segments], np.int64),
                        "hand-made")


def network(nodes: list[tuple[float, float]], segments: list[tuple[int, int]]):
    """The graph of nodes given in metres (east, north) and segments between them; returns (graph, lonlat)."""
    return build_road_graph(road_segments(nodes, segments)), [at(e, n) for e, n in nodes]
