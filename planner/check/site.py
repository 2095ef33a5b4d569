"""One position checked against the registry, for the web pages and the API.

Distances come from the sites a web worker keeps in memory while the registry
is unchanged (planner.sites.cache), or from the database's spatial index
(nearest_db.nearest_each, one round trip on PostGIS: decisions re-check there,
inside their transaction); both are exact geodesic metres. The rules are the
profile's, as in the batch check: minimum distances to the counted post
outlets and to existing stations (approved applicants included, never the site
itself) and, when facts are given, the survey conditions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import Connection, Engine

from planner.registry.areas import area_occupancy
from planner.registry.engine import connected
from planner.registry.nearest import Nearest, nearest_each
from planner.rules.profiles import Profile
from planner.rules.reasons import reason
from planner.rules.verdict import (
    SURVEY_FLAGS,
    SURVEY_MINIMUMS,
    RowNotes,
    area_rule,
    distance_rules,
    require_road_network,
    survey_rules,
)
from planner.rules.vocabulary import EXISTING_APPLICANT_STATUSES
from planner.sites.on_foot import FootAnswer
from planner.sites.postal import NearestSites, load_nearest_sites
from planner.spatial.compared import below_minimum, compared_metres

__all__ = ["SiteVerdict", "check_site", "nearest_questions"]


@dataclass
class SiteVerdict:
    verdict: str
    reasons: list[str]
    nearest_outlet: tuple[str, float] | None
    nearest_station: tuple[str, float] | None
    lon: float
    lat: float
    profile: str
    thresholds: dict = field(default_factory=dict)
    metric: str = "straight"
    straight: dict = field(default_factory=dict)  # walking profiles: the straight-line nearest sites too

    def as_dict(self) -> dict:
        def site(found):
            return None if found is None else {"code": found[0], "distance_m": compared_metres(found[1])}

        return {"verdict": self.verdict, "reasons": self.reasons, "nearest_outlet": site(self.nearest_outlet),
                "nearest_station": site(self.nearest_station), "lon": self.lon, "lat": self.lat,
                "profile": self.profile, "thresholds": self.thresholds, "metric": self.metric,
                **{f"nearest_{kind}_straight": site(found) for kind, found in self.straight.items()}}


def check_site(db: Engine | Connection | None, profile: Profile, lon: float, lat: float, *,
               code: str | None = None, facts: dict | None = None, lang: str = "zh",
               sites: NearestSites | None = None) -> SiteVerdict:
    """The verdict at (lon, lat), never counting the station or applicant `code` itself.

    Distances come from `sites` (already in memory, `planner.sites.cache`) when
    given, else from the database: `db` may be a connection inside a decision's transaction. A profile
    with a per-area limit also asks the database which area the position is in and what stands there."""
    foot = None
    if profile.metric == "walking":
        if sites is None:  # sites in memory were read with the network, when the registry has one
            with connected(db) as conn:
                sites = load_nearest_sites(conn, profile)
        require_road_network(profile, sites.walking)
        foot = sites.on_foot(lon, lat, code, (profile.min_outlet_distance_m, profile.min_station_distance_m))
        outlet, station = foot.outlet, foot.station
    elif sites is not None:
        outlet, station = sites.nearest_existing(lon, lat, code)
    else:
        outlet, station = _nearest_in_db(db, profile, lon, lat, code)
    notes = RowNotes(1)  # the batch check's rules, on columns of one
    if foot is not None:
        if not foot.off_m <= profile.max_road_distance_m:
            return _off_road(profile, foot, lon, lat, lang)
        for kind, site, metres in foot.unreachable:  # as the batch: before the distance rules' reasons, and
            walked = foot.outlet if kind == "outlet" else foot.station  # only when the walk lets the row through
            minimum = getattr(profile, f"min_{kind}_distance_m")
            if walked is None or not below_minimum(compared_metres(walked[1]), minimum):
                notes.add(0, reason(f"{kind}_unreachable", lang, m=compared_metres(metres), id=site, min=minimum))
    distance_rules(profile, *_column(outlet), *_column(station), notes, lang)
    if facts is not None:
        survey_rules(profile, _fact_columns(facts), notes, lang)
    if profile.max_stations_per_area > 0 and not notes.of(0):  # as in the batch: once the other rules pass
        problem = area_rule(profile, _area_in_db(db, profile, lon, lat, code), lang)
        if problem is not None:
            notes.add(0, problem)
    reasons = notes.of(0)
    if foot is not None:
        return SiteVerdict("fail" if reasons else "pass", reasons, outlet, station, lon, lat, profile.name,
                           _thresholds(profile), profile.metric, _straight(foot))
    return SiteVerdict("fail" if reasons else "pass", reasons, outlet, station, lon, lat, profile.name,
                       _thresholds(profile))


def _thresholds(profile: Profile) -> dict:
    return {"min_outlet_distance_m": profile.min_outlet_distance_m,
            "min_station_distance_m": profile.min_station_distance_m,
            "service_distance_m": profile.service_distance_m}


def _straight(foot: FootAnswer) -> dict:
    return {"outlet": foot.outlet_straight, "station": foot.station_straight}


def _off_road(profile: Profile, foot: FootAnswer, lon: float, lat: float, lang: str) -> SiteVerdict:
    """A walking profile's answer off the road network: an error saying how far the nearest road is."""
    problem = reason("off_road", lang, m=compared_metres(foot.off_m), max=profile.max_road_distance_m)
    return SiteVerdict("error", [problem], None, None, lon, lat, profile.name, _thresholds(profile), profile.metric,
                       _straight(foot))


def nearest_questions(profile: Profile, code: str | None = None) -> list[Nearest]:
    """What a single-site check asks the database: the nearest counted outlet, station, approved applicant."""
    return [Nearest("outlets", kinds=tuple(profile.outlet_kinds)), Nearest("stations", exclude_code=code),
            Nearest("candidates", statuses=EXISTING_APPLICANT_STATUSES, exclude_code=code)]


def _nearest_in_db(db, profile: Profile, lon: float, lat: float, code: str | None):
    questions = nearest_questions(profile, code)
    with connected(db) as conn:
        outlet, station, approved = nearest_each(conn, lon, lat, questions)
    existing = sorted(station + approved, key=lambda found: found[1])
    return (outlet[0] if outlet else None), (existing[0] if existing else None)


def _area_in_db(db, profile: Profile, lon: float, lat: float, code: str | None):
    with connected(db) as conn:
        found = area_occupancy(conn, lon, lat, profile.area_levels, code)
    return None if found is None else (found.name, found.stations)


def _column(found: tuple[str, float] | None) -> tuple[np.ndarray, np.ndarray]:
    """A nearest site as the one-row columns of ids and metres the rules read (NaN: none)."""
    return (np.array([None if found is None else found[0]], dtype=object),
            np.array([np.nan if found is None else found[1]], dtype=float))


def _fact_columns(facts: dict) -> dict[str, np.ndarray]:
    """One site's survey facts as the one-row columns the rules read (numbers NaN when not given)."""
    columns = {fact: np.array([np.nan if facts.get(fact) is None else facts[fact]], dtype=float)
               for _, fact, _ in SURVEY_MINIMUMS}
    columns.update({fact: np.array([facts.get(fact)], dtype=object) for _, fact, _ in SURVEY_FLAGS})
    return columns
