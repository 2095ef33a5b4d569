"""Everything a site page shows: the place, its facts, the verdict there, neighbours, history.

Used for an applicant (its own position and survey facts) and for a station
(its position, or a proposed new one for a relocation, the station itself excluded).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import shapely
from sqlalchemy import Engine

from planner.check.site import SiteVerdict, check_site
from planner.errors import ConflictError, NotFoundError
from planner.registry.tables import history, read_table
from planner.rules.geometry import usable_geometries
from planner.rules.profiles import Profile
from planner.rules.vocabulary import SURVEY_FACTS
from planner.sites.cache import cached_sites
from planner.spatial.geodesic import geodesic_distance

__all__ = ["SiteView", "candidate_view", "station_view"]

_NEIGHBOUR_M = 2_000.0


@dataclass
class SiteView:
    record: dict
    lon: float  # the place checked
    lat: float
    verdict: SiteVerdict
    outlet: tuple | None  # (code, lon, lat, metres)
    station: tuple | None
    neighbours: gpd.GeoDataFrame
    events: list[dict]
    origin: tuple[float, float] | None = None  # where a station stands now, when a new place is checked
    routes: dict = field(default_factory=dict)  # walking profiles: 'outlet'/'station' -> (metres, [(lon, lat)])



def _position(engine, table, code):
    frame = read_table(engine, table, columns=("code",), codes=[code])
    return None if frame.empty else (frame.geometry.iloc[0].x, frame.geometry.iloc[0].y)


def _record(engine, table, code):
    frame = read_table(engine, table, codes=[code], usable_only=False)
    what = ("applicant", "申请户") if table == "candidates" else ("station", "服务站")
    if frame.empty:
        raise NotFoundError(f"no {what[0]} with id {code!r}", f"找不到编号为“{code}”的{what[1]}")
    if not usable_geometries(frame.geometry.values)[0]:  # stored before the position rules held
        where = shapely.to_wkt(frame.geometry.iloc[0], rounding_precision=-1)
        raise ConflictError(f"{what[0]} {code} has an unusable stored position ({where}): "
                            "import it again with valid coordinates",
                            f"{what[1]} {code} 的已存位置不可用（{where}）：请用有效坐标重新导入")
    row = frame.iloc[0]
    return {k: (None if row[k] is None or row[k] != row[k] else row[k]) for k in frame.columns}


def _site_view(engine, table, code, profile, lon, lat, facts, lang) -> SiteView:
    record = _record(engine, table, code)
    verdict = check_site(engine, profile, lon, lat, code=code, facts=facts, lang=lang)
    sites = {}
    for name, found, tables in (("outlet", verdict.nearest_outlet, ("outlets",)),
                                ("station", verdict.nearest_station, ("stations", "candidates"))):
        sites[name] = None
        if found is not None:
            for source in tables:
                position = _position(engine, source, found[0])
                if position is not None:
                    sites[name] = (found[0], position[0], position[1], found[1])
                    break
    others = read_table(engine, "candidates", columns=("code", "name", "status"))
    others = others[others["code"] != code]
    if len(others):
        near = geodesic_distance(lon, lat, others.geometry.x.to_numpy(), others.geometry.y.to_numpy())
        others = others[near <= _NEIGHBOUR_M]
    geometry = record.pop("geometry")
    origin = None if (geometry.x, geometry.y) == (lon, lat) else (geometry.x, geometry.y)
    return SiteView(record, lon, lat, verdict, sites["outlet"], sites["station"], others,
                    history(engine, table, code), origin, _routes(engine, profile, lon, lat, sites))


def _routes(engine, profile: Profile, lon: float, lat: float, sites: dict) -> dict:
    """The walks to the nearest outlet and station, for the map (walking profiles only)."""
    if profile.metric != "walking":
        return {}
    walking = cached_sites(engine, profile).walking
    if walking is None:
        return {}
    return {name: walking.route(lon, lat, site[1], site[2]) for name, site in sites.items() if site is not None}


def candidate_view(engine: Engine, code: str, profile: Profile, *, lang: str = "zh") -> SiteView:
    """An applicant at its own place, checked with its survey facts."""
    record = _record(engine, "candidates", code)
    point = record["geometry"]
    facts = {name: record[name] for name in SURVEY_FACTS}
    return _site_view(engine, "candidates", code, profile, point.x, point.y, facts, lang)


def station_view(engine: Engine, code: str, profile: Profile, *, at: tuple[float, float] | None = None,
                 lang: str = "zh") -> SiteView:
    """A station at its place, or checked at `at` (a proposed relocation), never against itself."""
    point = _record(engine, "stations", code)["geometry"]
    lon, lat = at if at is not None else (point.x, point.y)
    return _site_view(engine, "stations", code, profile, lon, lat, None, lang)
