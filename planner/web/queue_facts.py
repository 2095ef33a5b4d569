"""What the work queue shows beside each task: the site's position, the area it lies in, the distance to its
nearest outlet or station and, for an applicant, the verdict of the chosen profile (as its page shows it)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import shapely
from sqlalchemy import Engine

from planner.check.site import check_site
from planner.errors import PlannerError
from planner.registry.tables import read_table
from planner.rules.profiles import Profile
from planner.rules.vocabulary import SURVEY_FACTS
from planner.sites.cache import cached_sites
from planner.spatial.areas import containing_area
from planner.workflow.tasks import Task

__all__ = ["SiteFacts", "queue_facts"]


@dataclass(frozen=True)
class SiteFacts:
    lon: float
    lat: float
    area: str | None
    nearest_m: float | None  # straight line to the nearest counted outlet or existing station
    verdict: str | None  # applicants only: pass or fail by the profile; None where it cannot be judged


def queue_facts(engine: Engine, tasks: Iterable[Task], profile: Profile, *, lang: str) -> dict[tuple, SiteFacts]:
    """(table, code) -> facts of every site with a task."""
    wanted: dict[str, set[str]] = {}
    for task in tasks:
        wanted.setdefault(task.table, set()).add(task.code)
    if not wanted:
        return {}
    frames = {table: read_table(engine, table, codes=sorted(codes),
                                columns=("code",) + (SURVEY_FACTS if table == "candidates" else ()))
              for table, codes in wanted.items()}
    names = _area_names(engine, frames)
    sites = cached_sites(engine, profile)
    found = {}
    for table, frame in frames.items():
        for i, record in enumerate(frame.itertuples(index=False)):
            lon, lat = float(frame.geometry.iat[i].x), float(frame.geometry.iat[i].y)
            outlet, station = sites.nearest_existing(lon, lat, record.code)
            metres = [m for _, m in (s for s in (outlet, station) if s is not None) if np.isfinite(m)]
            verdict = _verdict(engine, profile, record, lon, lat, lang) if table == "candidates" else None
            found[(table, record.code)] = SiteFacts(lon, lat, names[table][i], min(metres) if metres else None,
                                                    verdict)
    return found


def _area_names(engine: Engine, frames: dict) -> dict[str, list[str | None]]:
    """Per table, the name of the smallest area holding each site (a village before its township)."""
    areas = read_table(engine, "areas", columns=("code", "name"))
    if not len(areas):
        return {table: [None] * len(frame) for table, frame in frames.items()}
    areas = areas.iloc[np.argsort(shapely.area(areas.geometry.values))]  # degrees²: only the order counts
    polygons = areas.geometry.values
    names = [None if n is None or n != n else str(n) for n in areas["name"]]
    out = {}
    for table, frame in frames.items():
        held = containing_area(polygons, frame.geometry.x.to_numpy(), frame.geometry.y.to_numpy())
        out[table] = [names[k] if k >= 0 else None for k in held]
    return out


def _verdict(engine: Engine, profile: Profile, record, lon: float, lat: float, lang: str) -> str | None:
    facts = {}
    for fact in SURVEY_FACTS:
        value = getattr(record, fact)
        facts[fact] = None if value is None or value != value else value
    try:
        return check_site(engine, profile, lon, lat, code=record.code, facts=facts, lang=lang).verdict
    except PlannerError:  # a walking profile without a road network, say: the page says why
        return None
