"""One position's nearest sites on foot: the single-site check, the API and the candidate page of a walking profile.

Kept beside the in-memory nearest sites (planner.sites.postal.NearestSites):
the road graph and one multi-source pass per site kind are built once per
registry version, so a question is a snap and a lookup. The answer also keeps
the straight-line nearest sites (the page shows both) and names a
straight-line nearest site that no walk can reach (another part of the
network), which the rules report instead of passing silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from planner.roads.graph import RoadGraph
from planner.roads.snap import snap_points
from planner.roads.walking import SitesOnFoot, nearest_on_foot, sites_on_foot, unreachable_near, walking_route
from planner.spatial.compared import compared_metres
from planner.spatial.nearest import SiteIndex, nearest_other_point

__all__ = ["FootAnswer", "WalkingSites", "own_entries"]

Found = tuple[str, float] | None


def own_entries(site_codes: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """For each of `codes`, the indices of the sites bearing it (a code names at most a station and an approved
    applicant), -1 padded: the entries a point may not count as its own neighbour (None: no code)."""
    entries: dict[object, list[int]] = {}
    for k, code in enumerate(site_codes.tolist()):
        entries.setdefault(code, []).append(k)
    own = np.full((len(codes), 2), -1, dtype=np.int64)
    for row, code in enumerate(codes.tolist()):
        found = entries.get(code, [])[:2] if code is not None else []
        own[row, :len(found)] = found
    return own


@dataclass(frozen=True)
class FootAnswer:
    outlet: Found  # nearest counted outlet on foot (code, walking metres)
    station: Found  # nearest existing station on foot, never the site itself
    off_m: float  # metres from the position to the nearest walkable road
    outlet_straight: Found
    station_straight: Found
    unreachable: list[tuple[str, str, float]] = field(default_factory=list)  # (kind, code, straight metres)


@dataclass(frozen=True, eq=False)
class WalkingSites:
    roads: RoadGraph
    outlets: SitesOnFoot
    stations: SitesOnFoot

    @classmethod
    def build(cls, roads: RoadGraph, outlet_index: SiteIndex, station_index: SiteIndex) -> WalkingSites:
        return cls(roads, sites_on_foot(roads, outlet_index.lon, outlet_index.lat),
                   sites_on_foot(roads, station_index.lon, station_index.lat))

    def answer(self, lon: float, lat: float, code: str | None, outlets: tuple[SiteIndex, np.ndarray],
               stations: tuple[SiteIndex, np.ndarray], limits: tuple[float, float]) -> FootAnswer:
        """One point: nearest outlet and station on foot (never its own entries `code`), the straight-line
        nearest ones, and each kind's nearest site closer than its limit in a straight line that no walk
        reaches."""
        snap = snap_points(self.roads, [lon], [lat])
        found: list[Found] = []
        unreachable: list[tuple[str, str, float]] = []
        for kind, sites, (index, codes), own, limit in (("outlet", self.outlets, outlets, None, limits[0]),
                                                         ("station", self.stations, stations, code, limits[1])):
            exclude = own_entries(codes, np.array([own], dtype=object))
            site, metres = nearest_on_foot(self.roads, sites, snap, exclude)
            found.append((str(codes[site[0]]), float(metres[0])) if site[0] >= 0 else None)
            far, straight = unreachable_near(self.roads, sites, index.lon, index.lat, snap, np.array([lon]),
                                             np.array([lat]), limit, exclude)
            if far[0] >= 0:
                unreachable.append((kind, str(codes[far[0]]), float(straight[0])))
        return FootAnswer(found[0], found[1], float(snap.off_m[0]),
                          nearest_other_point(outlets[0], outlets[1], None, lon, lat),
                          nearest_other_point(stations[0], stations[1], code, lon, lat), unreachable)

    def nearest_many(self, lon: np.ndarray, lat: np.ndarray, own: tuple[np.ndarray, np.ndarray],
                     outlets: tuple[SiteIndex, np.ndarray], stations: tuple[SiteIndex, np.ndarray],
                     limits: tuple[float, float]) -> tuple[list[tuple[list, list]], np.ndarray, np.ndarray]:
        """For many points: [(outlet codes, walking metres), (station codes, walking metres)] as lists (None
        where no site is reachable; metres as compared, to the centimetre), never a point's own entry (`own`:
        per point, its code among the outlets and among the stations, or None); each point's metres to the
        nearest walkable road; and whether a site closer than `limits` in a straight line is out of reach."""
        snap = snap_points(self.roads, lon, lat)
        found = []
        unreachable = np.zeros(lon.size, bool)
        for sites, (index, site_codes), own_codes, limit in ((self.outlets, outlets, own[0], limits[0]),
                                                              (self.stations, stations, own[1], limits[1])):
            exclude = own_entries(site_codes, own_codes)
            site, metres = nearest_on_foot(self.roads, sites, snap, exclude)
            shown = compared_metres(np.where(site >= 0, metres, np.nan)).tolist()
            found.append(([str(site_codes[s]) if s >= 0 else None for s in site.tolist()],
                          [m if s >= 0 else None for m, s in zip(shown, site.tolist())]))
            unreachable |= unreachable_near(self.roads, sites, index.lon, index.lat, snap, lon, lat, limit,
                                            exclude)[0] >= 0
        return found, snap.off_m, unreachable

    def route(self, lon: float, lat: float, site_lon: float, site_lat: float
              ) -> tuple[float, list[tuple[float, float]]]:
        """Walking metres and the route from the position to a site (inf, [] when no walk joins them)."""
        return walking_route(self.roads, (lon, lat), (site_lon, site_lat))
