"""The exit review: every station judged by the exit rule for a month, what closing costs, the decisions."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
from flask import Blueprint, flash, redirect, render_template, request, url_for

from planner.errors import ConflictError, UsageError
from planner.maps.render import exit_map
from planner.rules.profiles import BUILT_IN, Profile
from planner.texts.exits import EXIT_TEXT
from planner.texts.interface import texts
from planner.web.auth import actor, role_required
from planner.web.context import get_engine
from planner.web.downloads import send_written
from planner.web.i18n import current_lang
from planner.web.preferences import current_profile, map_options
from planner.workflow.exit_decisions import EXIT_ACTIONS, decide_exit
from planner.workflow.exits import default_month, judged_now, parse_month_option, write_exits

bp = Blueprint("exits", __name__, url_prefix="/exits")


def _labels(lang: str) -> dict:
    return {**texts(lang), **EXIT_TEXT["en" if lang == "en" else "zh"]}


def _month() -> str:
    """The month asked (?month= or the form's), else the last complete month — or the latest with figures
    when none for it has come in yet."""
    asked = request.values.get("month")
    return parse_month_option(asked) if asked else default_month(get_engine())[0]


@dataclass(frozen=True)
class StationExit:
    """One station's exit verdict for a month, for its page."""

    month: str
    row: dict | None  # verdict, months, reasons, lost_population, decision (None: closed, not judged)
    rule: object
    x: dict  # the exit texts


def station_exit(engine, code: str, profile: Profile, lang: str) -> StationExit:
    month = _month()
    table = judged_now(engine, profile, month, lang=lang).table
    found = table[table["station_id"] == code]
    row = found.iloc[0].to_dict() if len(found) else None
    return StationExit(month, row, profile.exit, EXIT_TEXT["en" if lang == "en" else "zh"])


def _number(value) -> str:
    return f"{float(value):,.0f}" if value == value and value is not None else ""


def _station_rows(shown, t: dict, month: str, profile: Profile) -> list[dict]:
    """The stations shown as rows of the table component, each linked to its closing-station marker by code."""
    rows = []
    for r in shown.itertuples():
        status = t.get("status_" + str(r.status), str(r.status))
        lost = r.lost_population
        rows.append({"feature_id": str(r.station_id), "cls": "proposed" if r.proposed else "",
                     "chips": "proposed" if r.proposed else "", "cells": {
                         "code": {"text": str(r.station_id), "href": url_for("stations.page", code=r.station_id,
                                                                             month=month, profile=profile.name)},
                         "name": r.name if isinstance(r.name, str) else "",
                         "status": ({"text": f"{status} · {t['proposed']}", "badge": "late"} if r.proposed
                                    else status),
                         "reasons": r.reasons if isinstance(r.reasons, str) else "",
                         "lost": {"text": _number(lost), "sort": float(lost) if lost == lost else None},
                         "decision": t["action_" + r.decision] if isinstance(r.decision, str) and r.decision else ""}})
    return rows


def _restorer_rows(restorers, profile: Profile) -> list[dict]:
    """The applicants that would win the people back, as rows of the table component (not on the map)."""
    if restorers is None:
        return []
    return [{"cells": {"station": str(r.station_id), "choice": int(r.choice),
                       "code": {"text": str(r.code), "href": url_for("candidates.page", code=r.code,
                                                                     profile=profile.name)},
                       "name": r.name if isinstance(r.name, str) else "",
                       "restored": {"text": _number(r.restored_population), "sort": float(r.restored_population)},
                       "marginal": {"text": _number(r.marginal_population), "sort": float(r.marginal_population)}}}
            for r in restorers.itertuples()]


@bp.get("/")
@role_required("staff")
def index():
    """Proposals and listed stations with the people they serve alone, the loss if they all close, the map,
    and the applicants that would win the people back."""
    lang = current_lang()
    t = _labels(lang)
    profile = current_profile()
    month = _month()
    report = judged_now(get_engine(), profile, month, lang=lang)
    table = report.table
    shown = table[(table["verdict"] == "exit") | (table["status"] == "listed_for_exit")]
    shown = shown.sort_values(["proposed", "lost_population"], ascending=False, kind="stable")
    parts = None
    if report.loss is not None and report.loss.grid is not None:
        network = report.loss.network
        closing = network.stations[network.stations["code"].isin(report.loss.by_station.index)]
        closing = gpd.GeoDataFrame({"station_id": closing["code"].to_numpy(),
                                    "lost_population": closing["code"].map(report.loss.by_station).to_numpy()},
                                   geometry=closing.geometry.values, crs=4326)
        parts = exit_map(report.loss.lost_cells(), closing, t, areas=network.areas, **map_options())
    return render_template("exits/exits.html", t=t, lang=lang, report=report, shown=shown, map=parts,
                           rows=_station_rows(shown, t, month, profile),
                           restorer_rows=_restorer_rows(report.restorers, profile),
                           profile=profile, profiles=BUILT_IN, counts=report.counts())


@bp.get("/exits<ext>")
@role_required("staff")
def download(ext: str):
    if ext not in (".xlsx", ".csv"):
        raise UsageError(f"unknown format {ext!r}", f"未知格式“{ext}”")
    lang = current_lang()
    month = _month()
    report = judged_now(get_engine(), current_profile(), month, lang=lang)
    return send_written("exits", f"exits-{month}{ext}", lambda path: write_exits(report, path))


@bp.post("/<code>")
@role_required("staff")
def decide(code: str):
    """List, keep or close station `code` for the month in the form; back to the station page."""
    lang = current_lang()
    action = request.form.get("action", "")
    try:
        if action not in EXIT_ACTIONS:
            raise UsageError(f"unknown exit decision {action!r}", f"未知的退出决定 {action!r}")
        if action == "close" and request.form.get("confirm") != "1":
            raise UsageError("tick the box to confirm closing the station", "请勾选确认关闭该服务站")
        decide_exit(get_engine(), code, action, request.form.get("note"), actor=actor(), profile=current_profile(),
                    month=_month(), lang=lang)
        flash(_labels(lang)["decided_done"], "done")
    except (UsageError, ConflictError) as exc:
        flash(exc.message(lang), "problem")
    return redirect(url_for("stations.page", code=code, profile=current_profile().name,
                            month=request.form.get("month")), code=303)
