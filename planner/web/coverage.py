"""Coverage map and reports for planners."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
from flask import Blueprint, render_template, request

from planner.config import DEFAULT_PROFILE
from planner.coverage.compute import CoverageOptions, compute_coverage
from planner.coverage.html import chart_data
from planner.coverage.reports import SUFFIXES, write_coverage
from planner.coverage.tables import scope_note, summary_items, summary_text
from planner.errors import UsageError
from planner.maps.render import coverage_map
from planner.rules.profiles import BUILT_IN, load_profile
from planner.texts import formatting as fmt
from planner.texts.interface import texts
from planner.texts.words import AREA_LEVEL, COVERAGE_STATUS, word
from planner.web.auth import role_required
from planner.web.context import get_engine
from planner.web.downloads import send_written
from planner.web.formatting import format_number
from planner.web.i18n import current_lang
from planner.web.preferences import map_options

bp = Blueprint("coverage", __name__, url_prefix="/coverage")


@dataclass(frozen=True)
class CoverageQuery:
    profile: str
    assume_candidates: bool
    close_listed: bool

    @classmethod
    def from_request(cls) -> CoverageQuery:
        profile = request.args.get("profile", DEFAULT_PROFILE)
        if profile not in BUILT_IN:
            raise UsageError(f"unknown profile {profile!r}", f"未知规则配置“{profile}”")
        return cls(profile, request.args.get("assume_candidates") == "1", request.args.get("close_listed") == "1")

    def options(self) -> CoverageOptions:
        return CoverageOptions(load_profile(self.profile), assume_candidates=self.assume_candidates,
                               close_listed=self.close_listed)

    def args(self) -> dict:
        return {"profile": self.profile, "assume_candidates": int(self.assume_candidates),
                "close_listed": int(self.close_listed)}


_GAPS_SHOWN = 30  # as many as the map marks


def _gap_rows(gaps) -> list[dict]:
    """The gaps as rows of the table component, each linked to its marker on the map."""
    return [{"feature_id": f"gap:{g.gap}", "cells": {
        "gap": {"text": f"#{g.gap}", "sort": int(g.gap)},
        "area": g.area_name if isinstance(g.area_name, str) else "",
        "population": {"text": format_number(g.population), "sort": float(g.population)}}}
        for g in gaps.head(_GAPS_SHOWN).itertuples()]


def _area_rows(areas, lang: str) -> list[dict]:
    """The areas as rows of the table component (share as a percent, level and status in words), each linked to
    its polygon on the map; the status is also the row's chip."""
    rows = []
    for a in areas.itertuples():
        share = float(a.covered_share)
        rows.append({"feature_id": f"area:{a.code}", "chips": str(a.status), "cells": {
            "name": a.name if isinstance(a.name, str) and a.name else str(a.code),
            "level": word(AREA_LEVEL, a.level, lang) if isinstance(a.level, str) else "",
            "population": {"text": format_number(a.population), "sort": float(a.population)},
            "share": {"text": fmt.format_percent(share, 0), "sort": share} if share == share else None,
            "status": {"text": word(COVERAGE_STATUS, a.status, lang), "badge": {"none": "late", "partly": "soon",
                                                                                "covered": "pass"}.get(a.status, "")}}})
    return rows


@bp.get("/")
@role_required("planner")
def index():
    """Areas coloured by covered share, gaps, sites and service circles, with the summary."""
    lang = current_lang()
    t = texts(lang)
    query = CoverageQuery.from_request()
    report = compute_coverage(get_engine(), query.options(), for_suffix=".html")  # the page draws the map
    areas = gpd.GeoDataFrame(report.areas, geometry=report.area_geometry.values, crs=4326)
    parts = coverage_map(areas, report.gaps, report.sites, report.options.profile.service_distance_m, t,
                         **map_options())
    without = report.areas[report.areas["status"] == "none"].sort_values("population", ascending=False).head(15)
    summary = [(name, summary_text(key, value, lang)) for key, name, value in summary_items(report, lang)]
    return render_template("coverage/coverage.html", t=t, lang=lang, map=parts, summary=summary,
                           scope=scope_note(report, lang), charts=chart_data(report, lang), query=query,
                           profiles=[load_profile(p) for p in BUILT_IN], without=without,
                           gap_rows=_gap_rows(report.gaps), area_rows=_area_rows(report.areas, lang),
                           status_chips=[(k, word(COVERAGE_STATUS, k, lang)) for k in COVERAGE_STATUS],
                           formats=SUFFIXES)


@bp.get("/report<ext>")
@role_required("planner")
def report_file(ext: str):
    """The coverage report as .xlsx, .csv, .gpkg or .html, for the same what-if settings."""
    if ext not in SUFFIXES:
        raise UsageError(f"unknown report format {ext!r}", f"未知报告格式“{ext}”")
    lang = current_lang()
    report = compute_coverage(get_engine(), CoverageQuery.from_request().options(), for_suffix=ext)
    return send_written("coverage", f"coverage{ext}", lambda path: write_coverage(report, path, lang=lang))
