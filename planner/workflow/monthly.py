"""The monthly statistics report (月度统计): each station's and each area's transactions in a month against the
months before, what changed in the network, coverage, applicants and their survey deadlines, and when the
report is due and whether it was produced in time.

A month without a figure is missing, never zero: it is None here, blank in Excel and "无数据" on pages.
The writers (planner.workflow.monthly_xlsx, monthly_html) only place what this module computes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from planner.coverage.compute import CoverageOptions, compute_coverage
from planner.errors import UsageError
from planner.registry.reports import first_production, station_counts
from planner.registry.tables import read_table
from planner.registry.transactions import monthly_counts
from planner.rules.china_time import china_date, china_today
from planner.rules.profiles import Profile
from planner.spatial.areas import containing_area
from planner.workflow.monthly_activity import applicant_activity, closed_since, station_changes
from planner.workflow.months import (
    REPORT_DAY,
    as_date,
    last_complete_month,
    month_bounds,
    month_days,
    report_due,
    shift_month,
)
from planner.workflow.review import SURVEY_WORKDAYS

__all__ = ["HISTORY_MONTHS", "TOP_AREAS", "TOP_STATIONS", "MonthlyReport", "Production", "StationMonths",
           "first_report", "monthly_report", "report_code", "station_months"]

HISTORY_MONTHS = 12  # the district's total over the last 12 months
TOP_STATIONS = 15  # stations in the chart of the highest counts
TOP_AREAS = 20  # areas in the chart of this month against the last
_EARLIER = 3  # the months right before, beside each station's figure
_YEAR = 12


def report_code(month: str) -> str:
    """The code a month's report is recorded under in the history ('monthly-2026-09')."""
    return f"monthly-{month}"


def first_report(engine: Engine, month: str) -> dt.datetime | None:
    """When `month`'s report was first produced once the month was over in China (one produced while the
    month ran, before its figures could be in, is history but not the month's report)."""
    return first_production(engine, report_code(month), since=month_bounds(month)[1])


@dataclass(frozen=True)
class Production:
    """When the report is due and when it was first produced after the month (aware UTC, None when never)."""

    due: dt.date
    exact_calendar: bool
    first_produced: dt.datetime | None
    today: dt.date

    @property
    def state(self) -> str:
        """in_time, late, not_yet (not produced, still time) or overdue (not produced, past due)."""
        if self.first_produced is not None:
            return "in_time" if china_date(self.first_produced) <= self.due else "late"
        return "overdue" if self.today > self.due else "not_yet"


@dataclass
class MonthlyReport:
    REPORT_DAY: ClassVar[int] = REPORT_DAY
    SURVEY_WORKDAYS: ClassVar[int] = SURVEY_WORKDAYS

    month: str
    profile: str
    threshold: int  # the exit rule's monthly minimum (profile.exit.min_monthly_count)
    earlier: tuple[str, ...]  # months shown beside the month: the 3 before, a year earlier when it has figures
    stations: list[dict]  # by the month's count, highest first, missing last
    areas: list[dict]
    parents: list[dict]
    history: list[dict]  # the last 12 months: {month, total (None: no figure at all), reporting}
    changes: list[dict]
    received: list[dict]
    decided: list[dict]
    coverage: dict | None  # coverage totals (planner.coverage), None when it cannot be computed
    coverage_as_of: str  # 'month_end' or 'generation' (the registry as it stands now, for an earlier month)
    coverage_problem: UsageError | None
    production: Production
    generated_at: dt.datetime = field(default_factory=lambda: dt.datetime.now().astimezone())

    @property
    def charted_stations(self) -> list[dict]:
        """The stations of the top-N chart: the first rows of `stations` that have a figure."""
        return [s for s in self.stations[:TOP_STATIONS] if s["count"] is not None]

    @property
    def charted_areas(self) -> list[dict]:
        """The areas of the area chart: the first rows of `areas` inside an area with a figure this month."""
        return [a for a in self.areas[:TOP_AREAS] if a["count"] is not None and a["code"] is not None]

    def summary(self) -> dict:
        """The headline figures, by key (labels in planner.texts.monthly)."""
        counts = [s["count"] for s in self.stations]
        previous = [s["counts"][self.earlier[0]] for s in self.stations]
        kinds = [c["kind"] for c in self.changes]
        states = [r["deadline"] for r in self.received + self.decided]
        return {
            "stations": len(self.stations),
            "reporting": sum(c is not None for c in counts),
            "missing": sum(c is None for c in counts),
            "below_threshold": sum(bool(s["below_threshold"]) for s in self.stations),
            "total": _sum(counts),
            "previous_total": _sum(previous),
            **{f"changes_{kind}": kinds.count(kind) for kind in ("opened", "relocated", "transferred",
                                                                 "listed_for_exit", "closed")},
            "received": len(self.received),
            "decided": len(self.decided),
            "deadline_met": states.count("met"),
            "deadline_missed": states.count("missed"),
        }


@dataclass(frozen=True)
class StationMonths:
    """One station's counts over consecutive months (None: no figure that month)."""

    code: str
    months: tuple[str, ...]
    counts: tuple[int | None, ...]


def station_months(engine: Engine, code: str, until_month: str, n: int = 24) -> StationMonths:
    """The `n` months up to and including `until_month`, with the station's count in each."""
    months = tuple(shift_month(until_month, k) for k in range(1 - n, 1))
    found = station_counts(engine, code, months)
    return StationMonths(code, months, tuple(found.get(m) for m in months))


def _sum(values) -> int | None:
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def _change(now, before) -> tuple[int | None, float | None]:
    if now is None or before is None:
        return None, None
    return now - before, (round((now - before) / before, 4) if before else None)


def monthly_report(engine: Engine, profile: Profile, month: str, *, today: dt.date | None = None) -> MonthlyReport:
    """The report of `month` (YYYY-MM) from the registry, with `profile`'s exit threshold and areas."""
    today = today or china_today()
    threshold = profile.exit.min_monthly_count
    history_months = [shift_month(month, k) for k in range(1 - HISTORY_MONTHS, 1)]
    earlier = [shift_month(month, -k) for k in range(1, _EARLIER + 1)]
    year_ago = shift_month(month, -_YEAR)
    registered = read_table(engine, "stations", columns=("code", "name", "status", "opened_on"))
    counts = monthly_counts(engine, sorted(set(history_months + earlier + [year_ago])))
    counts = counts[counts["station_code"].isin(set(registered["code"]))]  # figures of deleted stations: none
    figures = {(c, m): int(n) for c, m, n in zip(counts["station_code"], counts["month"], counts["count"])}
    if (counts["month"] == year_ago).any():
        earlier.append(year_ago)
    stations = _reported_stations(engine, registered, month, figures)
    areas, parent_names = _station_areas(engine, profile, stations)
    station_rows = _station_rows(stations, areas, parent_names, month, earlier, figures, threshold)
    area_rows = _area_rows(station_rows, month, earlier[0], key="area")
    parent_rows = _area_rows(station_rows, month, earlier[0], key="parent")
    totals = counts.groupby("month")["count"].agg(["sum", "size"])
    history = [{"month": m, "total": int(totals.at[m, "sum"]) if m in totals.index else None,
                "reporting": int(totals.at[m, "size"]) if m in totals.index else 0} for m in history_months]
    received, decided = applicant_activity(engine, month, today)
    coverage, problem = _coverage(engine, profile)
    due, exact = report_due(month)
    production = Production(due, exact, first_report(engine, month), today)
    as_of = "month_end" if month >= last_complete_month(today) else "generation"
    return MonthlyReport(month, profile.name, threshold, tuple(earlier), station_rows, area_rows, parent_rows,
                         history, station_changes(engine, stations, month), received, decided, coverage, as_of,
                         problem, production)


def _reported_stations(engine: Engine, stations: pd.DataFrame, month: str, figures: dict) -> pd.DataFrame:
    """Stations the month concerns, of those not deleted: opened by its end; a closed one only if it has a
    figure in the month or closed in it or later."""
    last = month_days(month)[1]
    opened = [as_date(v) for v in stations["opened_on"]]
    keep = np.array([o is None or o <= last for o in opened], dtype=bool)
    closed = stations["status"].to_numpy() == "closed"
    if closed.any():
        later = closed_since(engine, month_bounds(month)[0])
        keep &= ~closed | np.array([(c, month) in figures or c in later for c in stations["code"]], dtype=bool)
    return stations.loc[keep].reset_index(drop=True)


def _station_areas(engine: Engine, profile: Profile, stations) -> tuple[dict[str, list], dict]:
    """Per station, in order, its area of the profile's levels: {'code', 'name', 'parent_code'} lists (None
    outside them all); and the names of every area by code (for the parents)."""
    every = read_table(engine, "areas", columns=("code", "name", "level", "parent_code"))
    names = dict(zip(every["code"], every["name"]))
    areas = every[every["level"].isin(profile.area_levels)].reset_index(drop=True)
    where = containing_area(areas.geometry.values, stations.geometry.x.to_numpy(), stations.geometry.y.to_numpy())
    found = {}
    for column in ("code", "name", "parent_code"):
        values = areas[column].to_numpy(dtype=object)
        found[column] = [values[i] if i >= 0 else None for i in where]
    return found, names


def _station_rows(stations, areas, parent_names, month, earlier, figures, threshold) -> list[dict]:
    rows = []
    for i, (code, name, status) in enumerate(zip(stations["code"], stations["name"], stations["status"])):
        counts = {m: figures.get((code, m)) for m in [month, *earlier]}
        count = counts[month]
        change, share = _change(count, counts[earlier[0]])
        parent = areas["parent_code"][i] or None
        rows.append({"code": code, "name": name, "status": status, "area_code": areas["code"][i],
                     "area_name": areas["name"][i], "parent_code": parent,
                     "parent_name": parent_names.get(parent) if parent else None, "count": count, "counts": counts,
                     "change": change, "change_share": share,
                     "below_threshold": None if count is None else count < threshold})
    return sorted(rows, key=lambda r: (r["count"] is None, -(r["count"] or 0), r["code"]))


def _area_rows(stations: list[dict], month: str, previous: str, *, key: str) -> list[dict]:
    """Per area (key 'area') or per parent area ('parent'): its stations' total this month and the month
    before (None when none of them has a figure), and how many of them have one."""
    groups: dict = {}
    for s in stations:
        groups.setdefault(s[f"{key}_code"], []).append(s)
    rows = []
    for code, members in groups.items():
        now = [m["count"] for m in members]
        before = [m["counts"][previous] for m in members]
        change, share = _change(_sum(now), _sum(before))
        rows.append({"code": code, "name": members[0][f"{key}_name"], "stations": len(members),
                     "reporting": sum(v is not None for v in now), "count": _sum(now),
                     "previous_reporting": sum(v is not None for v in before), "previous": _sum(before),
                     "change": change, "change_share": share})
    return sorted(rows, key=lambda r: (r["code"] is None, r["count"] is None, -(r["count"] or 0), r["code"] or ""))


def _coverage(engine: Engine, profile: Profile) -> tuple[dict | None, UsageError | None]:
    """Coverage totals of the registry as it stands (no areas, or no road network for a walking profile:
    None and the reason)."""
    try:
        report = compute_coverage(engine, CoverageOptions(profile))
    except UsageError as exc:
        return None, exc
    return dict(report.totals), None
