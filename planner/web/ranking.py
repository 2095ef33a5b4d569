"""The best-N ranking page (planners): the set of up to N open applicants that adds the most people to the
service (`planner rank -n N`, greedy or the proved optimum), on a map and in a table with the coverage it builds
up to, and the ranking as a file."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from flask import Blueprint, render_template, request, url_for

from planner.errors import UsageError
from planner.maps.render import ranking_map
from planner.recent import Recent
from planner.rules.profiles import BUILT_IN, Profile
from planner.selection.ranking import rank_candidates, write_ranking
from planner.sites.postal import Network, load_network
from planner.texts import formatting as fmt
from planner.texts.interface import texts
from planner.web.auth import role_required
from planner.web.context import get_engine, request_versions
from planner.web.downloads import send_written
from planner.web.formatting import format_number
from planner.web.i18n import current_lang
from planner.web.map_legends import ranking_legend
from planner.web.preferences import current_profile, map_options

bp = Blueprint("ranking", __name__, url_prefix="/ranking")

MAX_PICKS = 200
DEFAULT_PICKS = 10
METHODS = ("greedy", "exact")
_RANKINGS = Recent(8)  # (registry version, profile, n, method) -> Ranking: a ranking reads every site


@dataclass(frozen=True)
class Ranking:
    table: pd.DataFrame  # every open applicant, as `planner rank -n N` writes it
    picks: pd.DataFrame  # the chosen ones in order, with cumulative_covered and cumulative_share
    population: float  # people on the population grid
    covered_now: float  # of them, served by the outlets and stations as they stand
    sites: pd.DataFrame  # the existing outlets and stations around the picks, for the map

    @property
    def added(self) -> float:
        return float(self.picks["added_population"].sum()) if len(self.picks) else 0.0


@dataclass(frozen=True)
class RankingQuery:
    n: int
    method: str

    @classmethod
    def from_request(cls) -> RankingQuery:
        raw = request.args.get("n", str(DEFAULT_PICKS)).strip()
        try:
            n = int(raw)
        except ValueError:
            raise UsageError(f"N must be a whole number, got {raw!r}", f"N 必须是整数，实际为 {raw!r}") from None
        if not 1 <= n <= MAX_PICKS:
            raise UsageError(f"N must be between 1 and {MAX_PICKS}, got {n}",
                             f"N 必须在 1 到 {MAX_PICKS} 之间，实际为 {n}")
        method = request.args.get("method", "greedy")
        if method not in METHODS:
            raise UsageError(f"unknown method {method!r}: greedy or exact", f"未知求解方法“{method}”：greedy 或 exact")
        return cls(n, method)


def _covered_now(network: Network, profile: Profile) -> tuple[float, float]:
    """(people on the grid, people the existing sites serve) by the ranking's own measure."""
    grid = network.grid
    if grid is None:
        return 0.0, 0.0
    total = float(grid.population.sum())
    radius = profile.service_distance_m
    if profile.metric == "walking":
        return total, float(grid.population[network.served_on_foot(radius) > 0].sum())
    return total, total - float(network.uncovered_population(radius).sum())


_SITES_SHOWN = 3_000


def _sites_around(network: Network, picks: pd.DataFrame, profile: Profile) -> pd.DataFrame:
    """The counted outlets and existing stations within a few service distances of the picks (at most
    _SITES_SHOWN): what the picks add to."""
    frames = [pd.DataFrame({"code": f["code"], "role": role, "lon": f.geometry.x, "lat": f.geometry.y})
              for f, role in ((network.outlets, "outlet"), (network.stations, "station"))]
    sites = pd.concat(frames, ignore_index=True)
    if picks.empty or sites.empty:
        return sites.iloc[:0]
    margin = 3 * profile.service_distance_m / 111_320.0
    lat_margin, lon_margin = margin, margin / max(float(np.cos(np.radians(picks["lat"].mean()))), 0.05)
    near = (sites["lon"].between(picks["lon"].min() - lon_margin, picks["lon"].max() + lon_margin)
            & sites["lat"].between(picks["lat"].min() - lat_margin, picks["lat"].max() + lat_margin))
    return sites[near].head(_SITES_SHOWN).reset_index(drop=True)


def _pick_rows(picks: pd.DataFrame, profile: Profile) -> list[dict]:
    """The picks as rows of the table component, each linked to its numbered marker by the applicant's code."""
    rows = []
    for r in picks.itertuples():
        share = r.cumulative_share
        rows.append({"feature_id": str(r.code), "attrs": {"rank": int(r.rank)}, "cells": {
            "rank": int(r.rank),
            "code": {"text": str(r.code), "href": url_for("candidates.page", code=r.code, profile=profile.name)},
            "name": r.name if isinstance(r.name, str) else "",
            "added": {"text": format_number(r.added_population), "sort": float(r.added_population)},
            "covered": {"text": format_number(r.cumulative_covered), "sort": float(r.cumulative_covered)},
            "share": ({"text": fmt.format_percent(share, 1), "sort": float(share)} if share == share else None)}})
    return rows


def _ranking(profile: Profile, query: RankingQuery) -> Ranking:
    key = (request_versions()[0], profile.name, query.n, query.method)
    found = _RANKINGS.get(key)
    if found is None:
        engine = get_engine()
        network = load_network(engine, profile)
        table = rank_candidates(engine, profile, n=query.n, exact=query.method == "exact", network=network)
        population, covered = _covered_now(network, profile)
        picks = table[table["rank"].notna()].copy()
        if "added_population" not in picks.columns:
            picks["added_population"] = np.nan
        picks["added_population"] = picks["added_population"].fillna(0.0)
        picks["cumulative_covered"] = covered + picks["added_population"].cumsum()
        picks["cumulative_share"] = picks["cumulative_covered"] / population if population else np.nan
        found = Ranking(table, picks, population, covered, _sites_around(network, picks, profile))
        _RANKINGS.put(key, found)
    return found


@bp.get("/")
@role_required("planner")
def index():
    """Choose a profile, N and the method; the picks on the map and in order, with the people each adds."""
    lang = current_lang()
    t = texts(lang)
    profile = current_profile()
    query = RankingQuery.from_request()
    ranking = _ranking(profile, query)
    radius = profile.service_distance_m
    parts = ranking_map(ranking.picks, radius, t, sites=ranking.sites, **map_options())
    return render_template("ranking/ranking.html", t=t, lang=lang, map=parts, ranking=ranking, query=query,
                           rows=_pick_rows(ranking.picks, profile),
                           profiles=BUILT_IN, profile=profile, max_picks=MAX_PICKS, methods=METHODS,
                           legend=ranking_legend(t, radius, profile.metric == "walking"))


@bp.get("/ranking<ext>")
@role_required("planner")
def download(ext: str):
    """The ranking as `planner rank -n N -o ranking.xlsx|.csv` writes it."""
    if ext not in (".xlsx", ".csv"):
        raise UsageError(f"unknown format {ext!r}", f"未知格式“{ext}”")
    profile = current_profile()
    query = RankingQuery.from_request()
    ranking = _ranking(profile, query)
    return send_written("ranking", f"ranking-{profile.name}-{query.n}{ext}",
                        lambda path: write_ranking(ranking.table, path))
