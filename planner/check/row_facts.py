"""What the batch check learns of each row by itself: nearest outlet and station, service and marginal
population, and the same-list pairs it belongs to.

None of it depends on how the list is split: a row's nearest sites and disc
sums are the same whichever rows come with it, and a pair is found wherever
both rows are at hand. So these facts can be computed for the whole list in
one process, or partition by partition on a cluster (planner.check.spread),
with identical numbers; the rules that weigh rows against each other
(same-list conflicts, the per-area limit) then run once over all of them.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np

from planner.check.on_foot import Nearest
from planner.rules.profiles import Profile
from planner.spatial.conflicts import close_pairs
from planner.spatial.nearest import SiteIndex
from planner.spatial.plane import RowPrefixes

__all__ = ["RowFacts", "RowsIn", "SiteArrays", "beside", "codes_at", "disc_people", "nearest_codes",
           "nearest_positions", "row_facts"]

T = TypeVar("T")
U = TypeVar("U")


def beside(first: Callable[[], T], second: Callable[[], U]) -> tuple[T, U]:
    """`first()` on a thread of its own while `second()` runs here; both results (an error of either is
    raised). The kernels given release the GIL (scipy's KD-trees, numpy), so a second core does one of them:
    the same-list pairs cost as much as the nearest sites and the disc sums together."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="planner-beside") as pool:
        started = pool.submit(first)
        other = second()
        return started.result(), other


@dataclass(frozen=True)
class SiteArrays:
    """Counted outlets and existing stations as plain arrays (small: a country's fit in a few MB)."""

    outlet_lon: np.ndarray
    outlet_lat: np.ndarray
    outlet_codes: np.ndarray
    station_lon: np.ndarray
    station_lat: np.ndarray
    station_codes: np.ndarray

    @classmethod
    def of(cls, network: Any) -> SiteArrays:
        """The sites of a planner.sites.postal.Network."""
        outlets, stations = network.outlets, network.stations
        return cls(outlets.geometry.x.to_numpy(), outlets.geometry.y.to_numpy(),
                   outlets["code"].to_numpy(dtype=object), stations.geometry.x.to_numpy(),
                   stations.geometry.y.to_numpy(), stations["code"].to_numpy(dtype=object))


@dataclass(frozen=True)
class RowsIn:
    """Rows of the list: WGS84 positions (NaN: unusable) and ids, with their positions in the whole list."""

    index: np.ndarray  # int64 positions in the whole list, increasing
    lon: np.ndarray
    lat: np.ndarray
    ids: np.ndarray

    @classmethod
    def whole(cls, applicants: Any) -> RowsIn:
        return cls(np.arange(len(applicants), dtype=np.int64), applicants.lon, applicants.lat, applicants.ids)

    def take(self, rows: np.ndarray) -> RowsIn:
        return RowsIn(self.index[rows], self.lon[rows], self.lat[rows], self.ids[rows])


@dataclass
class RowFacts:
    nearest: Nearest  # pairs as positions into the rows given, i < j, sorted by (i, j)
    service: np.ndarray
    marginal: np.ndarray


def row_facts(rows: RowsIn, sites: SiteArrays, prefixes: RowPrefixes | None, profile: Profile,
              *, index: tuple[SiteIndex, SiteIndex] | None = None) -> RowFacts:
    """The facts of `rows` (straight-line distances; walking is planner.check.on_foot's)."""
    outlets, stations = index or (SiteIndex(sites.outlet_lon, sites.outlet_lat),
                                  SiteIndex(sites.station_lon, sites.station_lat))
    lon, lat = rows.lon, rows.lat
    spacing = 0.0 if profile.metric == "walking" else profile.min_spacing_m

    def own() -> tuple[tuple[Any, ...], tuple[np.ndarray, np.ndarray]]:
        near = (*nearest_codes(sites.outlet_codes, outlets, lon, lat, None),
                *nearest_codes(sites.station_codes, stations, lon, lat, rows.ids))
        return near, disc_people(prefixes, lon, lat, profile.service_distance_m)

    pairs, (near, (service, marginal)) = beside(lambda: close_pairs(lon, lat, spacing), own)
    return RowFacts(Nearest(*near, *pairs), service, marginal)


def disc_people(prefixes: RowPrefixes | None, lon: np.ndarray, lat: np.ndarray, radius_m: float):
    """People within `radius_m` of each position, and of them those no site serves yet (NaN without areas)."""
    n = lon.size
    service, marginal = np.full(n, np.nan), np.full(n, np.nan)
    if prefixes is None:
        return service, marginal
    ok = np.isfinite(lon) & np.isfinite(lat)
    x, y = prefixes.plane.project(lon[ok], lat[ok])
    service[ok], marginal[ok] = prefixes.disc_sums(x, y, radius_m)
    return service, marginal


def nearest_codes(codes: np.ndarray, index: SiteIndex, lon: np.ndarray, lat: np.ndarray, own_ids):
    """Nearest site code and metres; a registry applicant never counts as its own neighbour."""
    chosen, metres = nearest_positions(codes, index, lon, lat, own_ids)
    return codes_at(codes, chosen), metres


def codes_at(codes: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """The codes at site positions (None where -1)."""
    ids = np.full(chosen.size, None, dtype=object)
    ok = chosen >= 0
    ids[ok] = codes[chosen[ok]]
    return ids


def nearest_positions(keys: np.ndarray, index: SiteIndex, lon: np.ndarray, lat: np.ndarray, own_keys):
    """Position of each point's nearest site (-1: none) and metres (NaN). With `own_keys`, a site whose key
    (its code, or any stand-in equal exactly when codes are) is the row's own never counts: a code names at
    most two entries (a station and an approved applicant), so the nearest of another key among three is it."""
    n = lon.size
    chosen, metres = np.full(n, -1, dtype=np.int64), np.full(n, np.nan)
    if keys.size == 0:
        return chosen, metres
    found = index.query(lon, lat, k=1)
    chosen, distance = found.index[:, 0], found.distance_m[:, 0]
    if own_keys is not None:
        own = np.flatnonzero((chosen >= 0) & (keys[np.maximum(chosen, 0)] == own_keys))
        if own.size:
            k = min(3, keys.size)
            found = index.query(lon[own], lat[own], k=k)
            other = (found.index >= 0) & (keys[np.maximum(found.index, 0)] != own_keys[own][:, None])
            pick = np.where(other.any(axis=1), np.argmax(other, axis=1), 0)
            rows = np.arange(own.size)
            chosen[own] = np.where(other.any(axis=1), found.index[rows, pick], -1)
            distance[own] = found.distance_m[rows, pick]
    ok = chosen >= 0
    metres[ok] = distance[ok]
    return np.where(ok, chosen, -1), metres
