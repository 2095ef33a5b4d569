"""Everything the candidate page shows: the shop, its survey facts, the verdict, neighbours, history."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
from sqlalchemy import Engine

from planner.errors import NotFoundError
from planner.profiles import Profile
from planner.registry import history, read_table
from planner.site_check import SiteVerdict, check_site
from planner.spatial.geodesic import geodesic_distance

__all__ = ["CandidateView", "candidate_view"]

FACTS = ("area_m2", "display_m2", "months_in_business", "signage", "line")
_NEIGHBOUR_M = 2_000.0


@dataclass
class CandidateView:
    record: dict
    lon: float
    lat: float
    verdict: SiteVerdict
    outlet: tuple | None  # (code, lon, lat, metres)
    station: tuple | None
    neighbours: gpd.GeoDataFrame
    events: list[dict]


def _position(engine, table, code):
    frame = read_table(engine, table, columns=("code",), codes=[code])
    return None if frame.empty else (frame.geometry.iloc[0].x, frame.geometry.iloc[0].y)


def candidate_view(engine: Engine, code: str, profile: Profile, *, lang: str = "zh") -> CandidateView:
    frame = read_table(engine, "candidates", codes=[code])
    if frame.empty:
        raise NotFoundError(f"no applicant with id {code!r}", f"找不到编号为“{code}”的申请户")
    row = frame.iloc[0]
    lon, lat = row.geometry.x, row.geometry.y
    facts = {name: (None if row[name] != row[name] else row[name]) for name in FACTS}
    verdict = check_site(engine, profile, lon, lat, code=code, facts=facts, lang=lang)
    sites = {}
    for name, found, tables in (("outlet", verdict.nearest_outlet, ("outlets",)),
                                ("station", verdict.nearest_station, ("stations", "candidates"))):
        sites[name] = None
        if found is not None:
            for table in tables:
                position = _position(engine, table, found[0])
                if position is not None:
                    sites[name] = (found[0], position[0], position[1], found[1])
                    break
    others = read_table(engine, "candidates", columns=("code", "name", "status"))
    others = others[others["code"] != code]
    if len(others):
        near = geodesic_distance(lon, lat, others.geometry.x.to_numpy(), others.geometry.y.to_numpy())
        others = others[near <= _NEIGHBOUR_M]
    record = {k: row[k] for k in frame.columns if k != "geometry"}
    return CandidateView(record, lon, lat, verdict, sites["outlet"], sites["station"], others,
                         history(engine, "candidates", code))
