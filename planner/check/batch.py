"""The batch check: every applicant judged against the registry and a rule profile.

One output row per input row, in input order. Rows with unusable input get
`error` with reasons; rows that break a rule get `fail` with every broken
rule; applicants in the same list that are too close to each other are
resolved in favour of the larger marginal service population.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from planner.check.applicants import Applicants, read_applicants
from planner.check.on_foot import on_foot
from planner.check.row_facts import RowFacts, RowsIn, SiteArrays, beside, row_facts
from planner.memory import arrow_through_malloc, release_freed
from planner.registry.changes import registry_version
from planner.registry.engine import snapshot
from planner.roads.cells import service_areas_on_foot
from planner.rules.profiles import Profile
from planner.rules.reason_columns import reason_column
from planner.rules.reasons import reason
from planner.rules.region import Region, region_refusals
from planner.rules.verdict import (
    SURVEY_FLAGS,
    SURVEY_MINIMUMS,
    RowNotes,
    distance_rules,
    require_road_network,
    rule_key,
    survey_rules,
)
from planner.sites.grid_cache import kept_sums
from planner.sites.postal import Network, load_network
from planner.spatial.areas import containing_area, stations_per_area
from planner.spatial.compared import compared_metres
from planner.spatial.conflicts import greedy_by_priority, limit_per_group

# Computes the rows' own facts in partitions (planner.check.spread.Spread): (rows, sites, kept sums, profile).
Spread = Callable[..., "RowFacts"]

__all__ = ["ADDED_COLUMNS", "STRAIGHT_COLUMNS", "CheckResult", "check_applicants", "check_file"]

ADDED_COLUMNS = (
    "verdict", "reasons", "nearest_outlet_id", "nearest_outlet_m", "nearest_station_id", "nearest_station_m",
    "conflicts_with", "service_population", "marginal_population", "rank", "lon_wgs84", "lat_wgs84",
)
# Walking profiles add the straight-line metres after the interface columns (interfaces.md).
STRAIGHT_COLUMNS = ("nearest_outlet_straight_m", "nearest_station_straight_m")


@dataclass
class CheckResult:
    applicants: Applicants
    added: pd.DataFrame
    profile: Profile
    notes: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        values = self.added["verdict"].value_counts()
        return {v: int(values.get(v, 0)) for v in ("pass", "fail", "error")}


STAGES = ("read", "registry", "rules")


def check_file(path, engine: Engine, profile: Profile, *, crs: str | None = None, lang: str = "zh",
               progress=None, spread: Spread | None = None) -> CheckResult:
    """Read an applicant list and check it against the registry in `engine`.

    `progress(stage, done, total)` is called as each of STAGES starts; `spread`, see check_applicants.
    """
    report = progress or (lambda stage, done, total: None)
    arrow_through_malloc()
    report("read", 0, len(STAGES))

    def read() -> Applicants:
        found = read_applicants(path, crs=crs, lang=lang, facts=_facts_used(profile))
        release_freed()  # the file's bytes and the reader's buffers
        report("registry", 1, len(STAGES))
        return found

    # The registry is read on a second core while the list is parsed (a problem of the list is told first).
    (network, origin), applicants = beside(lambda: _snapshot(engine, profile), read)
    require_road_network(profile, network.roads)
    report("rules", 2, len(STAGES))
    result = check_applicants(applicants, network, profile, lang=lang, origin=origin, spread=spread)
    result.notes.extend(applicants.table.notes)
    return result


def _snapshot(engine: Engine, profile: Profile) -> tuple[Network, tuple[str, tuple[int, int]]]:
    """The network and the registry version it was read at, in one transaction (one snapshot)."""
    with snapshot(engine) as conn:
        version = registry_version(conn)
        network = load_network(conn, profile)
    return network, (engine.url.render_as_string(hide_password=True), version)


def _facts_used(profile: Profile) -> tuple[str, ...]:
    """Survey facts the profile's rules read: only those are parsed (and can be input errors)."""
    return tuple(fact for key, fact, _ in SURVEY_MINIMUMS + SURVEY_FLAGS if getattr(profile.survey, key))




def check_applicants(applicants: Applicants, network: Network, profile: Profile, *, lang: str = "zh",
                     origin: tuple[str, tuple[int, int]] | None = None, spread: Spread | None = None) -> CheckResult:
    """Every row's verdict. `origin` (database URL, registry version) names the registry state `network` was
    read at: the grid's sums are then kept on disk for the next check of it (planner.sites.grid_cache).
    `spread` computes the rows' own facts in partitions (planner.check.spread: a Dask cluster) instead of
    here; everything that compares rows with each other is judged here either way, so the verdicts are the
    same (straight-line profiles; walking ones are checked in this process)."""
    n = len(applicants)
    lon, lat = applicants.lon, applicants.lat
    errors = applicants.errors
    require_road_network(profile, network.roads)
    walking = profile.metric == "walking"  # pairs on foot come from on_foot, not from the straight line
    kept = None if walking else kept_sums(network, profile, origin)
    _check_region(applicants, kept.region if kept else network.region, lang)
    fails = RowNotes(n)
    sites = SiteArrays.of(network)
    if walking or spread is None or kept is None:
        facts = row_facts(RowsIn.whole(applicants), sites, kept.prefixes if kept else None, profile)
    else:
        facts = spread(RowsIn.whole(applicants), sites, kept, profile)
    straight, service, marginal = facts.nearest, facts.service, facts.marginal
    kept = facts = None  # unmaps the kept sums: their pages and the lists below never share the peak
    near = on_foot(applicants, network, profile, fails, lang) if walking else straight
    if walking:
        service, marginal = _populations_on_foot(network, profile, lon, lat)
    release_freed()  # the KD-tree's pairs before their checks
    conflicts = _conflict_lists(n, applicants.ids, near.pair_i, near.pair_j)
    release_freed()
    distance_rules(profile, near.outlet_id, near.outlet_m, near.station_id, near.station_m, fails, lang)
    survey_rules(profile, applicants.facts, fails, lang)
    usable = ~errors.mask()
    eligible = usable & ~fails.mask()
    order = _priority(profile, service, marginal)
    _resolve_conflicts(applicants.ids, near.pair_i, near.pair_j, near.pair_m, eligible, order, profile, service,
                       marginal, fails, lang)
    release_freed()
    eligible &= ~fails.mask()
    if profile.max_stations_per_area > 0:
        _area_limit(network, profile, lon, lat, eligible, order, applicants.ids, fails, lang)
    failed = fails.mask()
    verdict = np.where(~usable, "error", np.where(failed, "fail", "pass"))
    added = pd.DataFrame({
        "verdict": _text(verdict),
        "reasons": _reasons(usable, failed, errors, fails),
        "nearest_outlet_id": near.outlet_id, "nearest_outlet_m": _shown_metres(near.outlet_m),
        "nearest_station_id": near.station_id, "nearest_station_m": _shown_metres(near.station_m),
        "conflicts_with": conflicts,
        "service_population": _whole(service), "marginal_population": _whole(marginal),
        "rank": _whole(_ranks(verdict, order)),
        "lon_wgs84": np.round(lon, 7), "lat_wgs84": np.round(lat, 7),
    })
    if near is not straight:
        added["nearest_outlet_straight_m"] = _shown_metres(straight.outlet_m)
        added["nearest_station_straight_m"] = _shown_metres(straight.station_m)
    notes = [] if len(network.areas) else ["the registry has no areas: populations are not computed"]
    return CheckResult(applicants, added, profile, notes)


def _text(values) -> pd.Series:
    """A column of text held by Arrow (pandas' own string type): no Python string per row."""
    import pyarrow as pa

    return pd.Series(pa.array(values, type=pa.string()).to_pandas(), copy=False)


def _reasons(usable, failed, errors: RowNotes, fails: RowNotes) -> pd.Series:
    """Each row's reasons: its input errors, else the rules it breaks, else ''."""
    import pyarrow.compute as pc

    return _text(pc.if_else(usable, pc.if_else(failed, fails.joined_text(), ""), errors.joined_text()))


def _shown_metres(values) -> np.ndarray:
    """The metres the rules compared, blank (NaN) where there is no finite distance."""
    values = compared_metres(values)
    return np.where(np.isfinite(values), values, np.nan)


def _whole(values) -> pd.Series:
    """Whole numbers with blanks where there is no value (not 1234.0 / nan)."""
    return pd.Series(np.round(np.asarray(values, float))).astype("Int64")


def _check_region(applicants: Applicants, region: Region, lang: str) -> None:
    """Rows whose position the registry's region refuses (planner.rules.region: the one rule of every door)."""
    lon, lat, errors = applicants.lon, applicants.lat, applicants.errors
    todo = np.flatnonzero(np.isfinite(lon) & np.isfinite(lat))
    refusals = region_refusals(region, lon[todo], lat[todo], applicants.systems[todo])
    for k, (key, values) in refusals.items():
        errors.add(todo[k], reason(key, lang, **values))


def _populations_on_foot(network: Network, profile: Profile, lon, lat):
    """People within the service distance of each row on foot, and of them those not served today (walking
    service areas, planner.roads.cells)."""
    n = lon.size
    if not len(network.areas):
        return np.full(n, np.nan), np.full(n, np.nan)
    radius = profile.service_distance_m
    ok = np.isfinite(lon) & np.isfinite(lat)
    service, marginal = np.full(n, np.nan), np.full(n, np.nan)
    grid = network.grid
    areas = service_areas_on_foot(grid, network.roads, lon[ok], lat[ok], radius, cells=network.populated_cells(radius))
    uncovered = np.where(areas.weights(network.served_on_foot(radius)) > 0, 0.0, areas.weights(grid.population))
    service[ok], marginal[ok] = areas.reach @ areas.weights(grid.population), areas.reach @ uncovered
    return service, marginal


def _priority(profile: Profile, service, marginal) -> np.ndarray:
    """Row positions, best first, by the profile's conflict rule (ties: input order)."""
    n = service.size
    position = np.arange(n)
    if profile.conflict_winner == "input_order":
        return position
    first = np.nan_to_num(marginal if profile.conflict_winner == "marginal_population" else service, nan=-1.0)
    second = np.nan_to_num(service, nan=-1.0)
    return np.lexsort((position, -second, -first))


def _resolve_conflicts(ids, pair_i, pair_j, pair_m, eligible, order, profile, service, marginal, fails, lang):
    if pair_i.size == 0:
        return
    accepted, blocker = greedy_by_priority(ids.size, pair_i, pair_j, eligible, order)
    lost = np.flatnonzero(eligible & ~accepted)
    if lost.size == 0:
        return
    winner = blocker[lost]
    # Pairs are sorted by (i, j): find each (loser, winner) pair's metres by binary search.
    n = np.int64(ids.size)
    keys = pair_i.astype(np.int64) * n + pair_j
    metres = pair_m[np.searchsorted(keys, np.minimum(lost, winner) * n + np.maximum(lost, winner))]
    # The reason names the figure the profile's rule compared: people not yet served, or all people served.
    by_service = profile.conflict_winner == "service_population"
    people = np.nan_to_num(service if by_service else marginal)
    key = rule_key(profile, {"input_order": "conflict_lost_order", "service_population": "conflict_lost_service"}.get(
        profile.conflict_winner, "conflict_lost"))
    fails.add_many(lost, reason_column(key, lang, lost.size, m=metres, id=ids[winner], min=profile.min_spacing_m,
                                       win=people[winner], own=people[lost]))


def _area_limit(network, profile, lon, lat, eligible, order, ids, fails, lang):
    """At most `max_stations_per_area` stations in each village/community, existing ones first."""
    areas = network.areas
    group = containing_area(areas.geometry.values, lon, lat)
    # A registry entry of a row in this list (an applicant approved before, re-checked) is judged as a row of
    # the list, competing with the others, not as a station already there: never as its own occupant.
    stations = network.stations[~np.isin(network.stations["code"].to_numpy(dtype=object), ids)]
    station_group = containing_area(areas.geometry.values, stations.geometry.x.to_numpy(),
                                    stations.geometry.y.to_numpy())
    existing = stations_per_area(station_group, len(areas))
    capacity = np.maximum(profile.max_stations_per_area - existing, 0)
    first_station = {}
    for pos, g in enumerate(station_group):
        first_station.setdefault(int(g), stations["code"].iat[pos])
    names = areas["name"].fillna(areas["code"]).to_numpy(dtype=object)
    for i in np.flatnonzero(eligible & (group < 0)):
        fails.add(i, reason("area_missing", lang))
    accepted, leader = limit_per_group(group, eligible & (group >= 0), order, capacity)
    for i in np.flatnonzero(eligible & (group >= 0) & ~accepted):
        g = int(group[i])
        if leader[i] >= 0:
            fails.add(i, reason("area_taken_batch", lang, area=names[g], id=ids[leader[i]]))
        else:
            fails.add(i, reason("area_taken", lang, area=names[g], id=first_station.get(g, "?")))


def _conflict_lists(n, ids, pair_i, pair_j) -> pd.Series:
    """For each row, the ids of the rows too close to it, in input order, joined by ', '."""
    import pyarrow as pa
    import pyarrow.compute as pc
    from scipy.sparse import coo_matrix

    if pair_i.size == 0:
        return _text(np.full(n, "", dtype=object))
    # Pairs come sorted by (i, j). With the reversed half first, grouping by source with a
    # stable counting sort (what CSR conversion does) leaves each row's neighbours in input order.
    src = np.r_[pair_j, pair_i]
    dst = np.r_[pair_i, pair_j]
    graph = coo_matrix((np.ones(src.size, np.int8), (src, dst)), shape=(n, n)).tocsr()
    names = pa.array(ids, type=pa.string(), from_pandas=True).take(pa.array(graph.indices))
    lists = pa.LargeListArray.from_arrays(pa.array(graph.indptr.astype(np.int64)), names)
    return _text(pc.binary_join(lists, ", "))


def _ranks(verdict, order) -> np.ndarray:
    ranks = np.full(verdict.size, np.nan)
    passing = order[verdict[order] == "pass"]
    ranks[passing] = np.arange(1, passing.size + 1)
    return ranks
