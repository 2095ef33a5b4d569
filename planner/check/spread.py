"""The rows' own facts computed partition by partition on a Dask cluster, with the numbers one process gives.

The list is cut into strips along the x axis of the grid's Gauss-Krüger plane,
each holding about the same number of rows. A strip's task gets its own rows
and, as a halo, every other row whose x lies within the spacing of the strip
(the spacing stretched by the plane's largest scale factor over the list, plus
a metre): every same-list pair with a row of the strip is then inside the
task. The task returns its own rows' nearest outlet and station and disc sums
(planner.check.row_facts: the same per-row code the single process runs), and
the pairs whose first row is its own, so each pair comes back exactly once.
The caller sorts the pairs as one process would and judges every rule that
weighs rows against each other once, over the whole list (planner.check.batch).

Tasks carry their inputs (rows, sites, and the kept sums: a path on this
machine's cluster, the arrays on another one), so Dask can run a task again
on another worker when one is lost; a few strips are in flight at a time and
answers are put in place as they come (planner.tasks). Progress shows per
partition.
"""

from __future__ import annotations

import hashlib
import math
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from planner.check.on_foot import Nearest
from planner.check.row_facts import RowFacts, RowsIn, SiteArrays, beside, codes_at, disc_people, nearest_positions
from planner.recent import Recent
from planner.rules.profiles import Profile
from planner.sites.grid_cache import KeptSums, open_entry
from planner.spatial.conflicts import close_pairs
from planner.spatial.nearest import SiteIndex
from planner.spatial.plane import RowPrefixes
from planner.tasks import in_order, worker_count

__all__ = ["ROWS_PER_PARTITION", "Spread", "strips"]

ROWS_PER_PARTITION = 250_000


@dataclass(frozen=True)
class PartFacts:
    """A strip's answer, numbers only (fast to send): sites by their positions in the site arrays."""

    rows: np.ndarray  # positions of the strip's own rows in the whole list
    outlet: np.ndarray  # -1: none
    outlet_m: np.ndarray
    station: np.ndarray
    station_m: np.ndarray
    service: np.ndarray
    marginal: np.ndarray
    pair_i: np.ndarray  # positions in the whole list, i < j, i one of the strip's own rows
    pair_j: np.ndarray
    pair_m: np.ndarray
    seconds: float  # the task's own time on its worker


def strips(x: np.ndarray, count: int, halo: float) -> list[tuple[np.ndarray, np.ndarray]]:
    """Cut positions with plane x (NaN: no position) into `count` strips of about equal size: per strip,
    (own rows, own and halo rows), both as increasing positions. Rows without a position go to the first."""
    known = np.flatnonzero(np.isfinite(x))
    by_x = known[np.argsort(x[known], kind="stable")]
    sorted_x = x[by_x]
    cuts = np.linspace(0, by_x.size, count + 1).round().astype(np.int64)
    unknown = np.flatnonzero(~np.isfinite(x))
    parts = []
    for k in range(count):
        own = near = by_x[cuts[k]:cuts[k + 1]]
        if own.size:
            first = np.searchsorted(sorted_x, sorted_x[cuts[k]] - halo, side="left")
            last = np.searchsorted(sorted_x, sorted_x[cuts[k + 1] - 1] + halo, side="right")
            near = by_x[first:last]
        if k == 0:
            own, near = np.concatenate([own, unknown]), np.concatenate([near, unknown])
        if own.size:
            parts.append((np.sort(own), np.sort(near)))
    return parts


_INDEXES = Recent(2)  # per worker process: the sites' search trees, by the sites' bytes


def _indexes(sites: SiteArrays) -> tuple[SiteIndex, SiteIndex]:
    """The outlets' and stations' search trees, built once per worker for the strips of one check (every
    strip carries the same sites)."""
    digest = hashlib.blake2b(digest_size=16)
    for array in (sites.outlet_lon, sites.outlet_lat, sites.station_lon, sites.station_lat):
        digest.update(np.ascontiguousarray(array, dtype=float).tobytes())
        digest.update(b"|")
    key = digest.hexdigest()
    found = _INDEXES.get(key)
    if found is None:
        found = (SiteIndex(sites.outlet_lon, sites.outlet_lat), SiteIndex(sites.station_lon, sites.station_lat))
        _INDEXES.put(key, found)
    return found


def _facts_of_part(rows: RowsIn, own: np.ndarray, sites: SiteArrays, sums: Path | RowPrefixes,
                   profile: Profile) -> PartFacts:
    """A strip's facts (runs on a worker)."""
    started = time.perf_counter()
    prefixes = open_entry(Path(sums)).prefixes if isinstance(sums, (str, Path)) else sums
    mine = rows.take(np.flatnonzero(own))
    outlets, stations = _indexes(sites)

    def facts() -> tuple[np.ndarray, ...]:
        outlet, outlet_m = nearest_positions(sites.outlet_codes, outlets, mine.lon, mine.lat, None)
        station, station_m = nearest_positions(sites.station_codes, stations, mine.lon, mine.lat, mine.ids)
        return outlet, outlet_m, station, station_m, *disc_people(prefixes, mine.lon, mine.lat,
                                                                  profile.service_distance_m)

    (i, j, metres), (outlet, outlet_m, station, station_m, service, marginal) = beside(
        lambda: close_pairs(rows.lon, rows.lat, profile.min_spacing_m), facts)
    keep = own[i]  # rows come in list order: i < j in the list too, and i's strip reports the pair
    return PartFacts(mine.index, outlet, outlet_m, station, station_m, service, marginal,
                     rows.index[i[keep]], rows.index[j[keep]], metres[keep], time.perf_counter() - started)


class Spread:
    """Computes RowFacts over partitions on a Dask `client` (a distributed.Client)."""

    def __init__(self, client: Any, *, shared_files: bool, partitions: int | None = None) -> None:
        self.client = client
        self.shared_files = shared_files  # the workers see this machine's files (a LocalCluster)
        self.partitions = partitions
        self.seconds: list[float] = []  # each strip's own time in the last run (benches simulate more workers)

    def _count(self, n: int) -> int:
        if self.partitions:
            return self.partitions
        return max(2 * worker_count(self.client), math.ceil(n / ROWS_PER_PARTITION))

    def __call__(self, rows: RowsIn, sites: SiteArrays, kept: KeptSums, profile: Profile) -> RowFacts:
        plane = kept.prefixes.plane
        ok = np.isfinite(rows.lon) & np.isfinite(rows.lat)
        x = np.full(rows.lon.size, np.nan)
        y = np.full(rows.lon.size, np.nan)
        x[ok], y[ok] = plane.project(rows.lon[ok], rows.lat[ok])
        stretch = float(np.nanmax(plane.scale_factor(x[ok], y[ok]), initial=1.0))
        halo = profile.min_spacing_m * max(stretch, 1.0) * 1.001 + 1.0
        sums: Path | RowPrefixes = kept.entry if (self.shared_files and kept.entry) else kept.prefixes
        # Codes travel as whole-number keys (equal exactly when the codes are): no Python string is sent.
        station_keys, uniques = pd.factorize(sites.station_codes)
        keyed = RowsIn(rows.index, rows.lon, rows.lat, pd.Index(uniques).get_indexer(rows.ids))
        numeric = SiteArrays(sites.outlet_lon, sites.outlet_lat, np.arange(sites.outlet_codes.size),
                             sites.station_lon, sites.station_lat, station_keys)
        parts = strips(x, self._count(rows.lon.size), halo)

        def submit(k: int) -> Any:
            own, near = parts[k]
            with warnings.catch_warnings():  # the tasks carry their arrays on purpose: a lost worker's task can rerun
                warnings.filterwarnings("ignore", message=".*large graph", category=UserWarning)
                return self.client.submit(_facts_of_part, keyed.take(near), np.isin(near, own), numeric, sums,
                                          profile, pure=False, retries=3)

        merged = _Merged(rows.lon.size)
        self.seconds = []
        for part in in_order(self.client, submit, len(parts), "strips", hold_early=False):
            self.seconds.append(part.seconds)
            merged.add(part)
        return merged.facts(sites)


class _Merged:
    """The strips' answers put together as they come in: each row's facts in place, the pairs sorted at the
    end as close_pairs sorts them (so the order the strips finish in changes nothing)."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.outlet, self.station = np.full(n, -1, dtype=np.int64), np.full(n, -1, dtype=np.int64)
        self.outlet_m, self.station_m, self.service, self.marginal = (np.full(n, np.nan) for _ in range(4))
        self.pairs: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def add(self, part: PartFacts) -> None:
        rows = part.rows
        self.outlet[rows], self.outlet_m[rows] = part.outlet, part.outlet_m
        self.station[rows], self.station_m[rows] = part.station, part.station_m
        self.service[rows], self.marginal[rows] = part.service, part.marginal
        self.pairs.append((part.pair_i, part.pair_j, part.pair_m))

    def facts(self, sites: SiteArrays) -> RowFacts:
        outlet_id, station_id = codes_at(sites.outlet_codes, self.outlet), codes_at(sites.station_codes,
                                                                                    self.station)
        pair_i = np.concatenate([p[0] for p in self.pairs] or [np.empty(0, np.int64)])
        pair_j = np.concatenate([p[1] for p in self.pairs] or [np.empty(0, np.int64)])
        pair_m = np.concatenate([p[2] for p in self.pairs] or [np.empty(0)])
        self.pairs = []
        order = np.argsort(pair_i * np.int64(self.n) + pair_j, kind="stable")
        nearest = Nearest(outlet_id, self.outlet_m, station_id, self.station_m, pair_i[order], pair_j[order],
                          pair_m[order])
        return RowFacts(nearest, self.service, self.marginal)
