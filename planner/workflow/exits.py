"""`planner exits`: every station judged by its profile's exit rule for one month, and what closing costs.

Stations open or already listed for exit are judged; closed ones are history.
A station the rule lists that is still open is *proposed*: staff confirm the
listing or keep the station with a note (planner.workflow.exit_decisions);
once kept for a month it is not proposed again for that month.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from planner.coverage.loss import CoverageLoss, coverage_loss
from planner.errors import UsageError
from planner.files.writers import formula_safe_frame, output_path
from planner.recent import Recent
from planner.registry.changes import registry_version
from planner.registry.tables import read_table
from planner.registry.transactions import exit_decisions, latest_month, monthly_counts
from planner.rules.exits import (
    UNKNOWN_OPENING,
    full_months_open,
    judge_exits,
    month_index,
    window_months,
)
from planner.rules.profiles import Profile
from planner.rules.vocabulary import EXISTING_STATION_STATUSES
from planner.selection.restore import restoring_applicants
from planner.texts.exits import reason_texts
from planner.workflow.months import last_complete_month, parse_month

__all__ = ["ExitReport", "default_month", "judge_stations", "judge_table", "judged_now", "parse_month_option",
           "write_exits"]

_JUDGED = Recent(2)  # (database URL, registry version, profile, month, lang) -> ExitReport with restorers
COLUMNS = ["station_id", "verdict", "months", "reasons", "lost_population"]


def parse_month_option(value: str) -> str:
    """A `--month`/`?month=` value as YYYY-MM; UsageError for a month that is not over yet."""
    month = parse_month(value)
    if month > last_complete_month():
        raise UsageError(f"month {month} is not over yet: the last complete month is {last_complete_month()}",
                         f"{month} 月尚未结束：最近的完整月份是 {last_complete_month()}")
    return month


def default_month(engine: Engine) -> tuple[str, bool]:
    """The month to judge when none is asked: the last complete month, or — when no figure for it has come in
    yet (they are due by the 5th) — the latest month that has figures; and whether it fell back."""
    month = last_complete_month()
    if len(monthly_counts(engine, [month])):
        return month, False
    latest = latest_month(engine, until=month)
    return (latest, True) if latest else (month, False)


@dataclass
class ExitReport:
    month: str
    profile: Profile
    table: pd.DataFrame  # COLUMNS, then name, status, opened_on, proposed, decision
    loss: CoverageLoss | None  # of the stations closing: proposed and already listed
    restorers: pd.DataFrame | None = None  # per closing station, the open applicants winning most back
    positions: object = None  # WGS84 points of the table's stations, row for row (a GeoSeries)
    loss_note: str | None = None  # why the loss could not be measured (a walking profile without roads)

    @property
    def proposed(self) -> pd.DataFrame:
        return self.table[self.table["proposed"]]

    def counts(self) -> dict[str, int]:
        return {v: int((self.table["verdict"] == v).sum()) for v in ("exit", "keep", "too_new", "missing")}


def _first_full_month(opened) -> int:
    if opened is None or opened != opened:  # None or NaN/NaT
        return -UNKNOWN_OPENING
    day = opened if isinstance(opened, dt.date) else dt.date.fromisoformat(str(opened)[:10])
    index = month_index(f"{day.year:04d}-{day.month:02d}")
    return index if day.day == 1 else index + 1


def judge_stations(engine: Engine, profile: Profile, month: str, *, lang: str = "zh",
                   with_loss: bool = True, with_restorers: bool = False,
                   codes: list[str] | None = None) -> ExitReport:
    """Judge every open or listed station (or only `codes`) for `month`, with the coverage each would cost
    and (`with_restorers`) the applicants that would win the lost people back."""
    stations = read_table(engine, "stations", columns=("code", "name", "status", "opened_on"), codes=codes,
                          usable_only=False)
    stations = stations[stations["status"].isin(EXISTING_STATION_STATUSES)].reset_index(drop=True)
    table = judge_table(stations, monthly_counts(engine, window_months(month, profile.exit)), month, profile,
                        lang=lang)
    decisions = exit_decisions(engine, month)
    table["decision"] = pd.Series([decisions.get(code, {}).get("action") or "" for code in table["station_id"]],
                                  dtype=object)
    table["proposed"] = ((table["verdict"] == "exit") & (table["status"] == "open")
                         & (table["decision"] == "")).to_numpy()
    loss, loss_note = None, None
    if with_loss and len(table):
        closing = table.loc[table["proposed"] | (table["status"] == "listed_for_exit"), "station_id"]
        try:
            loss = coverage_loss(engine, profile, table["station_id"].tolist(), closing.tolist())
        except UsageError as exc:  # a walking profile without a road network: the verdicts stand, the cost not
            loss_note = exc.message(lang)
        else:
            table["lost_population"] = table["station_id"].map(loss.alone).to_numpy()
    restorers = None
    if loss is not None and with_restorers:
        restorers = restoring_applicants(engine, profile, loss.network_after(), loss.lost_layers())
    return ExitReport(month, profile, table, loss, restorers, stations.geometry.reset_index(drop=True), loss_note)


def judge_table(stations: pd.DataFrame, counts: pd.DataFrame, month: str, profile: Profile, *,
                lang: str = "zh") -> pd.DataFrame:
    """The interface's columns (lost_population still empty), then name, status, opened_on, for `stations`
    (code, name, status, opened_on) and their counts (station_code, month, count) over the rule's window."""
    rule = profile.exit
    months = window_months(month, rule)
    counts = counts[counts["month"].isin(months)]
    wide = counts.pivot_table(index="station_code", columns="month", values="count", aggfunc="first")
    wide = wide.reindex(index=stations["code"], columns=months).to_numpy(dtype=float)
    opened = np.array([_first_full_month(v) for v in stations["opened_on"]], np.int64)
    full = full_months_open(opened, month_index(month))
    judged = judge_exits(wide, full, rule)
    texts = reason_texts(lang)
    return pd.DataFrame({
        "station_id": stations["code"].to_numpy(),
        "verdict": judged.verdict,
        "months": [_months_text(months, row, deciding) for row, deciding in zip(wide, judged.deciding)],
        "reasons": [texts.reason(v, months, row, f, z, rule) for v, row, f, z in
                    zip(judged.verdict, wide, full, judged.zero)],
        "lost_population": np.nan,
        "name": stations["name"].to_numpy(), "status": stations["status"].to_numpy(),
        "opened_on": stations["opened_on"].to_numpy()})


def judged_now(engine: Engine, profile: Profile, month: str, *, lang: str = "zh") -> ExitReport:
    """Every station judged with the loss and the restorers, kept per process while the registry stays the same
    (any import or decision moves its version): the exit page and every station page read one judgement."""
    key = (engine.url.render_as_string(hide_password=True), registry_version(engine), profile, month, lang)
    report = _JUDGED.get(key)
    if report is None:
        report = judge_stations(engine, profile, month, lang=lang, with_restorers=True)
        _JUDGED.put(key, report)
    return report


def _months_text(months: list[str], row: np.ndarray, deciding: np.ndarray) -> str:
    return "; ".join(f"{m}:{'missing' if np.isnan(v) else int(v)}"
                     for m, v, used in zip(months, row, deciding) if used)


def write_exits(report: ExitReport, out_path: str | os.PathLike[str]) -> Path:
    """The judgement as .csv (the interface's columns, then name, status, opened_on, proposed, decision),
    .xlsx (that sheet, and the coverage lost by the closing stations per area and per parent area, and the
    applicants that would win it back) or .gpkg (the stations as points, the cells that lose service)."""
    out_path, suffix = output_path(out_path, (".csv", ".xlsx", ".gpkg"))
    table = report.table.copy()
    table["opened_on"] = [None if v is None or v != v else str(v)[:10] for v in table["opened_on"]]
    if suffix == ".gpkg":
        return _write_gpkg(report, table, out_path)
    excel = suffix == ".xlsx"
    table = formula_safe_frame(table, excel=excel)  # names and codes are users' text
    if not excel:
        table.to_csv(out_path, index=False, encoding="utf-8-sig")
        return out_path
    with pd.ExcelWriter(out_path) as writer:
        table.to_excel(writer, index=False, sheet_name="exits")
        if report.loss is not None and len(report.loss.areas):
            formula_safe_frame(report.loss.areas, excel=True).to_excel(writer, index=False, sheet_name="lost_areas")
            formula_safe_frame(report.loss.parents, excel=True).to_excel(writer, index=False,
                                                                         sheet_name="lost_parents")
        if report.restorers is not None and len(report.restorers):
            formula_safe_frame(report.restorers, excel=True).to_excel(writer, index=False, sheet_name="restore")
    return out_path


def _write_gpkg(report: ExitReport, table: pd.DataFrame, out_path: Path) -> Path:
    """Layers `exits` (every judged station where it stands) and `lost_cells` (the grid cells whose people
    lose service when the listed stations close, with those people)."""
    import geopandas as gpd

    gpd.GeoDataFrame(table, geometry=list(report.positions), crs=4326).to_file(out_path, layer="exits",
                                                                                 driver="GPKG")
    if report.loss is not None and report.loss.grid is not None:
        report.loss.lost_cells().to_file(out_path, layer="lost_cells", driver="GPKG")
    return out_path
