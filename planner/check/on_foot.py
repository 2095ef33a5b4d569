"""The batch check's distances on foot, for profiles whose metric is walking.

Each applicant joins the road network at the nearest point of the nearest
walkable segment; one farther than the profile's `max_road_distance_m` from
every walkable road is an input error saying how far the road is. Nearest
outlet and station come from one multi-source pass per site kind
(planner.roads.walking); applicants of the same list conflict when they are
closer than the spacing on foot. A site closer than the rule in a straight
line that cannot be reached on foot at all (another part of the network) is a
failure that says so, never a silent pass.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from planner.check.applicants import Applicants
from planner.roads.graph import RoadGraph
from planner.roads.pairs import close_pairs_on_foot
from planner.roads.snap import Snap, snap_points
from planner.roads.walking import SitesOnFoot, nearest_on_foot, unreachable_near
from planner.rules.profiles import Profile
from planner.rules.reasons import positional, reason
from planner.rules.verdict import RowNotes
from planner.sites.on_foot import own_entries
from planner.sites.postal import Network
from planner.spatial.compared import below_minimum, compared_metres

__all__ = ["Nearest", "on_foot"]


@dataclass
class Nearest:
    """Nearest counted outlet and existing station of each row, and the list's close pairs."""

    outlet_id: np.ndarray
    outlet_m: np.ndarray
    station_id: np.ndarray
    station_m: np.ndarray
    pair_i: np.ndarray
    pair_j: np.ndarray
    pair_m: np.ndarray


def on_foot(applicants: Applicants, network: Network, profile: Profile, fails: RowNotes, lang: str) -> Nearest:
    """The walking answer for every row; rows too far from a road become errors (in applicants.errors)."""
    roads = network.roads
    assert roads is not None  # noqa: S101 - the caller requires a network for walking profiles
    n = len(applicants)
    snap = snap_points(roads, applicants.lon, applicants.lat)
    usable = snap.joined & ~applicants.errors.mask()
    off_road = np.flatnonzero(usable & (snap.off_m > profile.max_road_distance_m))
    for i in off_road:
        applicants.errors.add(i, reason("off_road", lang, m=compared_metres(float(snap.off_m[i])),
                                        max=profile.max_road_distance_m))
    usable[off_road] = False
    rows = np.flatnonzero(usable)
    part = snap.take(rows)
    out = Nearest(np.full(n, None, dtype=object), np.full(n, np.nan), np.full(n, None, dtype=object),
                  np.full(n, np.nan), *_pairs_on_foot(roads, snap, usable, profile.min_spacing_m))
    own = own_entries(network.stations["code"].to_numpy(dtype=object), applicants.ids)
    for kind, minimum, sites, frame, ids, metres, exclude in (
            ("outlet", profile.min_outlet_distance_m, network.outlets_on_foot, network.outlets, out.outlet_id,
             out.outlet_m, None),
            ("station", profile.min_station_distance_m, network.stations_on_foot, network.stations, out.station_id,
             out.station_m, own)):
        site, walked = nearest_on_foot(roads, sites, part, None if exclude is None else exclude[rows])
        found = site >= 0
        ids[rows[found]] = frame["code"].to_numpy(dtype=object)[site[found]]
        metres[rows[found]] = walked[found]
        # Only rows the walk lets through: a row already too close on foot fails this rule with its metres.
        through = np.flatnonzero(~below_minimum(compared_metres(walked), minimum))
        _unreachable(kind, minimum, roads, sites, frame, part.take(through), rows[through], applicants,
                     None if exclude is None else exclude[rows][through], fails, lang)
    return out


def _pairs_on_foot(roads: RoadGraph, snap: Snap, usable: np.ndarray, spacing: float):
    """The list's pairs closer than the spacing on foot, sorted by (i, j), with the walking metres compared."""
    i, j, walked = close_pairs_on_foot(roads, snap, usable, spacing)
    walked = compared_metres(walked)
    close = below_minimum(walked, spacing)
    return i[close], j[close], walked[close]


def _unreachable(kind: str, minimum: float, roads: RoadGraph, sites: SitesOnFoot, frame, part: Snap, rows: np.ndarray,
                 applicants: Applicants, exclude, fails: RowNotes, lang: str) -> None:
    """Rows with a site closer than the rule in a straight line that no walk reaches (planner.roads.walking)."""
    if minimum <= 0 or len(frame) == 0:
        return
    site, straight = unreachable_near(roads, sites, frame.geometry.x.to_numpy(), frame.geometry.y.to_numpy(), part,
                                      applicants.lon[rows], applicants.lat[rows], minimum, exclude)
    codes = frame["code"].to_numpy(dtype=object)
    text = positional(f"{kind}_unreachable", lang, ("m", "id", "min")).format
    for k in np.flatnonzero(site >= 0):
        fails.add(rows[k], text(compared_metres(float(straight[k])), codes[site[k]], minimum))
