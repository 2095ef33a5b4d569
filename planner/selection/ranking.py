"""`planner rank`: open applicants ranked by the people they would add, or the best set of N."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from planner.errors import UsageError
from planner.files.sheets import write_table_xlsx
from planner.files.writers import formula_safe_frame, output_path
from planner.registry.tables import read_table
from planner.roads.cells import service_areas_on_foot
from planner.roads.pairs import close_pairs_on_foot
from planner.roads.snap import snap_points
from planner.roads.walking import nearest_on_foot, unreachable_near
from planner.rules.profiles import Profile
from planner.rules.verdict import require_road_network, too_close
from planner.rules.vocabulary import OPEN_APPLICANT_STATUSES
from planner.selection.exact import ExactSelection, exact_selection
from planner.selection.greedy import greedy_selection
from planner.selection.incidence import exact_on_incidence, greedy_on_incidence
from planner.sites.postal import Network, load_network
from planner.spatial.compared import below_minimum, compared_metres
from planner.spatial.conflicts import close_pairs
from planner.texts.words import CANDIDATE_STATUS

__all__ = ["RANK_LABELS", "rank_candidates", "write_ranking"]

Chosen = ExactSelection | tuple[np.ndarray, np.ndarray]  # a proved set, or the greedy picks and their gains



def rank_candidates(engine: Engine, profile: Profile, *, n: int | None = None, exact: bool = False,
                    network: Network | None = None, gap: float = 0.0) -> pd.DataFrame:
    """Open applicants with service and marginal population, the distance rules, and the ranking.

    Without `n`: every applicant that keeps the distance rules, ranked by its
    marginal population on its own. With `n`: the best set of up to N that
    also keeps the spacing between themselves, chosen greedily (each pick
    adds the most people not yet served, counting earlier picks as served) or,
    with `exact`, the proved optimum of that choice (HiGHS), listed in the
    order each pick adds the most on top of the ones before; with `gap` (a fraction), a set proved within
    that much of the optimum, the gap reached kept in the table's `attrs["exact_gap"]`. `network`: the sites
    to rank against when not the registry's as it stands (e.g. with the stations listed for exit gone).
    """
    candidates = read_table(engine, "candidates", columns=("code", "name", "status"))
    candidates = candidates[candidates["status"].isin(OPEN_APPLICANT_STATUSES)].reset_index(drop=True)
    network = network if network is not None else load_network(engine, profile)
    lon, lat = candidates.geometry.x.to_numpy(), candidates.geometry.y.to_numpy()
    out = pd.DataFrame({"code": candidates["code"], "name": candidates["name"], "status": candidates["status"],
                        "lon": np.round(lon, 7), "lat": np.round(lat, 7)})
    if profile.metric == "walking":
        require_road_network(profile, network.roads)
        return _rank_on_foot(out, network, profile, lon, lat, n=n, exact=exact, gap=gap)
    nearest = {}
    for sites, index, column in ((network.outlets, network.outlet_index, "nearest_outlet_m"),
                                 (network.stations, network.station_index, "nearest_station_m")):
        metres = index.query(lon, lat).distance_m[:, 0] if len(sites) and len(out) else np.full(len(out), np.inf)
        nearest[column] = metres
        out[column] = compared_metres(metres)
    outlet_close, station_close = too_close(profile, nearest["nearest_outlet_m"], nearest["nearest_station_m"])
    keeps_rules = ~(outlet_close | station_close)
    out["keeps_distance_rules"] = keeps_rules
    grid = network.grid
    if grid is None or out.empty:
        return _unranked(out)
    radius = profile.service_distance_m
    uncovered = network.uncovered_population(radius)
    x, y = grid.project(lon, lat)
    service, marginal = grid.disc_sums([grid.population, uncovered], x, y, radius)

    def choose(count: int, pair_i: np.ndarray, pair_j: np.ndarray) -> Chosen:
        if exact:
            return _proved(exact_selection(grid, uncovered, x, y, radius, count, eligible=keeps_rules,
                                           pair_i=pair_i, pair_j=pair_j, gap=gap))
        return greedy_selection(grid, uncovered, x, y, radius, count, eligible=keeps_rules, pair_i=pair_i,
                                pair_j=pair_j)

    return _ranked(out, service, marginal, keeps_rules, n,
                   lambda: close_pairs(lon, lat, profile.min_spacing_m)[:2], choose)


def _unranked(out: pd.DataFrame) -> pd.DataFrame:
    out["service_population"] = np.nan
    out["marginal_population"] = np.nan
    out["rank"] = pd.array([pd.NA] * len(out), dtype="Int64")
    return out


def _rank_alone(rank: np.ndarray, marginal: np.ndarray, keeps_rules: np.ndarray) -> None:
    """Every applicant that keeps the rules, ranked by what it adds on its own."""
    order = np.lexsort((np.arange(rank.size), -marginal))
    order = order[keeps_rules[order]]
    rank[order] = np.arange(1, order.size + 1)


def _proved(found: ExactSelection) -> ExactSelection:
    if found.status != "Optimal":  # HiGHS says Optimal once the asked gap is proved
        reached = f"; gap reached {found.gap:.2%}" if np.isfinite(found.gap) else ""
        reached_zh = f"；已证明的差距 {found.gap:.2%}" if np.isfinite(found.gap) else ""
        raise UsageError(f"the exact selection stopped without a proved optimum ({found.status}{reached})",
                         f"精确求解未得到最优解（{found.status}{reached_zh}）")
    return found


def _record_picks(out: pd.DataFrame, rank: np.ndarray, picks: np.ndarray, gains: np.ndarray) -> None:
    rank[picks] = np.arange(1, picks.size + 1)
    added = np.full(len(out), np.nan)
    added[picks] = np.round(gains)
    out["added_population"] = added


def _ranked(out: pd.DataFrame, service: np.ndarray, marginal: np.ndarray, keeps_rules: np.ndarray, n: int | None,
            pairs: Callable[[], tuple[np.ndarray, np.ndarray]],
            choose: Callable[[int, np.ndarray, np.ndarray], Chosen]) -> pd.DataFrame:
    """The populations and the ranking: alone by marginal population, or the best set of `n` that `choose`
    (greedy or exact, given the close pairs from `pairs()`) picks."""
    out["service_population"] = np.round(service)
    out["marginal_population"] = np.round(marginal)
    rank = np.full(len(out), np.nan)
    gap = None
    if n is None:
        _rank_alone(rank, marginal, keeps_rules)
    else:
        found = choose(n, *pairs())
        picks, gains = (found.picks, found.gains) if isinstance(found, ExactSelection) else found
        gap = found.gap if isinstance(found, ExactSelection) else None
        _record_picks(out, rank, picks, gains)
    out["rank"] = pd.Series(rank).astype("Int64")
    ranked = out.sort_values(["rank", "marginal_population"], ascending=[True, False], na_position="last")
    if gap is not None:
        ranked.attrs["exact_gap"] = gap
    return ranked


def _rank_on_foot(out: pd.DataFrame, network: Network, profile: Profile, lon: np.ndarray, lat: np.ndarray, *,
                  n: int | None, exact: bool, gap: float) -> pd.DataFrame:
    """The ranking with walking distances and walking service areas (planner.roads.cells)."""
    roads = network.roads
    assert roads is not None  # noqa: S101 - checked by the caller
    snap = snap_points(roads, lon, lat)
    on_road = snap.joined & (snap.off_m <= profile.max_road_distance_m)
    walked = {}
    unreachable = np.zeros(len(out), bool)  # a site closer than the rule that no walk reaches: not kept
    for sites, frame, column, limit in (
            (network.outlets_on_foot, network.outlets, "nearest_outlet_m", profile.min_outlet_distance_m),
            (network.stations_on_foot, network.stations, "nearest_station_m", profile.min_station_distance_m)):
        walked[column] = nearest_on_foot(roads, sites, snap)[1]
        out[column] = np.where(on_road, compared_metres(walked[column]), np.nan)
        unreachable |= unreachable_near(roads, sites, frame.geometry.x.to_numpy(), frame.geometry.y.to_numpy(), snap,
                                        lon, lat, limit)[0] >= 0
    outlet_close, station_close = too_close(profile, walked["nearest_outlet_m"], walked["nearest_station_m"])
    keeps_rules = on_road & ~(outlet_close | station_close | unreachable)
    out["keeps_distance_rules"] = keeps_rules
    grid = network.grid
    if grid is None or out.empty:
        return _unranked(out)
    radius = profile.service_distance_m
    areas = service_areas_on_foot(grid, roads, lon, lat, radius, cells=network.populated_cells(radius))
    population = areas.weights(grid.population)
    uncovered = np.where(areas.weights(network.served_on_foot(radius)) > 0, 0.0, population)

    def pairs() -> tuple[np.ndarray, np.ndarray]:
        pair_i, pair_j, near = close_pairs_on_foot(roads, snap, on_road, profile.min_spacing_m)
        close = below_minimum(compared_metres(near), profile.min_spacing_m)
        return pair_i[close], pair_j[close]

    def choose(count: int, pair_i: np.ndarray, pair_j: np.ndarray) -> Chosen:
        if exact:
            return _proved(exact_on_incidence(areas.reach, uncovered, count, eligible=keeps_rules, pair_i=pair_i,
                                              pair_j=pair_j, gap=gap))
        return greedy_on_incidence(areas.reach, uncovered, count, eligible=keeps_rules, pair_i=pair_i,
                                   pair_j=pair_j)

    return _ranked(out, areas.reach @ population, areas.reach @ uncovered, keeps_rules, n, pairs, choose)


RANK_LABELS = {
    "code": ("编号", "Code"), "name": ("名称", "Name"), "status": ("状态", "Status"), "lon": ("经度", "Longitude"),
    "lat": ("纬度", "Latitude"), "nearest_outlet_m": ("距邮政网点（米）", "Nearest post outlet (m)"),
    "nearest_station_m": ("距便民服务站（米）", "Nearest station (m)"),
    "keeps_distance_rules": ("符合距离规则", "Keeps the distance rules"),
    "service_population": ("服务人口", "Service population"),
    "marginal_population": ("新增服务人口", "Marginal population"),
    "rank": ("排序", "Rank"), "added_population": ("入选后新增人口", "Added when chosen"),
}


def write_ranking(table: pd.DataFrame, out_path: str | os.PathLike[str], *, lang: str = "zh") -> Path:
    """CSV for scripts (column names and status tokens as computed, UTF-8 with BOM); XLSX for people: labels,
    statuses and yes/no in `lang`, positions with six decimals, populations as whole numbers."""
    out_path, suffix = output_path(out_path, (".csv", ".xlsx"))
    if suffix == ".csv":
        formula_safe_frame(table).to_csv(out_path, index=False, encoding="utf-8-sig")
        return out_path
    write_table_xlsx(out_path, table, lang, RANK_LABELS, sheet_title="排序" if lang == "zh" else "rank",
                     words={"status": CANDIDATE_STATUS})
    return out_path
