"""`planner rank`: open applicants ranked by the people they would add, or the best set of N."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from planner.errors import UsageError
from planner.files.writers import formula_safe_frame, output_path
from planner.registry.tables import read_table
from planner.rules.profiles import Profile
from planner.rules.verdict import too_close
from planner.rules.vocabulary import OPEN_APPLICANT_STATUSES
from planner.selection.exact import exact_selection
from planner.selection.greedy import greedy_selection
from planner.sites.postal import load_network
from planner.spatial.compared import compared_metres
from planner.spatial.conflicts import close_pairs

__all__ = ["rank_candidates", "write_ranking"]



def rank_candidates(engine: Engine, profile: Profile, *, n: int | None = None, exact: bool = False) -> pd.DataFrame:
    """Open applicants with service and marginal population, the distance rules, and the ranking.

    Without `n`: every applicant that keeps the distance rules, ranked by its
    marginal population on its own. With `n`: the best set of up to N that
    also keeps the spacing between themselves, chosen greedily (each pick
    adds the most people not yet served, counting earlier picks as served) or,
    with `exact`, the proved optimum of that choice (HiGHS), listed in the
    order each pick adds the most on top of the ones before.
    """
    candidates = read_table(engine, "candidates", columns=("code", "name", "status"))
    candidates = candidates[candidates["status"].isin(OPEN_APPLICANT_STATUSES)].reset_index(drop=True)
    network = load_network(engine, profile)
    lon, lat = candidates.geometry.x.to_numpy(), candidates.geometry.y.to_numpy()
    out = pd.DataFrame({"code": candidates["code"], "name": candidates["name"], "status": candidates["status"],
                        "lon": np.round(lon, 7), "lat": np.round(lat, 7)})
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
        out["service_population"] = np.nan
        out["marginal_population"] = np.nan
        out["rank"] = pd.array([pd.NA] * len(out), dtype="Int64")
        return out
    radius = profile.service_distance_m
    uncovered = network.uncovered_population(radius)
    x, y = grid.project(lon, lat)
    service, marginal = grid.disc_sums([grid.population, uncovered], x, y, radius)
    out["service_population"] = np.round(service)
    out["marginal_population"] = np.round(marginal)
    rank = np.full(len(out), np.nan)
    if n is None:
        order = np.lexsort((np.arange(len(out)), -marginal))
        order = order[keeps_rules[order]]
        rank[order] = np.arange(1, order.size + 1)
    else:
        pair_i, pair_j, _ = close_pairs(lon, lat, profile.min_spacing_m)
        if exact:
            found = exact_selection(grid, uncovered, x, y, radius, n, eligible=keeps_rules,
                                    pair_i=pair_i, pair_j=pair_j)
            if found.status != "Optimal":
                raise UsageError(f"the exact selection stopped without a proved optimum ({found.status})",
                                 f"精确求解未得到最优解（{found.status}）")
            picks, gains = found.picks, found.gains
        else:
            picks, gains = greedy_selection(grid, uncovered, x, y, radius, n, eligible=keeps_rules,
                                            pair_i=pair_i, pair_j=pair_j)
        rank[picks] = np.arange(1, picks.size + 1)
        added = np.full(len(out), np.nan)
        added[picks] = np.round(gains)
        out["added_population"] = added
    out["rank"] = pd.Series(rank).astype("Int64")
    return out.sort_values(["rank", "marginal_population"], ascending=[True, False], na_position="last")


def write_ranking(table: pd.DataFrame, out_path: str | os.PathLike[str]) -> Path:
    out_path, suffix = output_path(out_path, (".csv", ".xlsx"))
    table = formula_safe_frame(table, excel=suffix == ".xlsx")  # names and codes are users' text
    if suffix == ".csv":
        table.to_csv(out_path, index=False, encoding="utf-8-sig")
    else:
        table.to_excel(out_path, index=False, sheet_name="rank")
    return out_path
