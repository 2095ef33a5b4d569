"""The monthly statistics report for planners: the page, and its .xlsx and .html downloads (each download
records the report as produced, so the page can say whether it was produced in time)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, render_template, request

from planner.errors import UsageError
from planner.rules.china_time import china_today, month_of
from planner.texts.interface import texts
from planner.web.auth import actor, role_required
from planner.web.context import get_engine
from planner.web.downloads import send_written
from planner.web.i18n import current_lang
from planner.web.preferences import current_profile
from planner.workflow.monthly import monthly_report
from planner.workflow.monthly_files import SUFFIXES, produce_monthly_report
from planner.workflow.months import last_complete_month, parse_month

bp = Blueprint("reports", __name__, url_prefix="/reports")


@dataclass(frozen=True)
class MonthQuery:
    month: str

    @classmethod
    def from_request(cls) -> MonthQuery:
        """`?month=YYYY-MM` (default: the last complete month); a 400 saying what was wrong otherwise."""
        raw = request.args.get("month", "").strip()
        return cls(parse_month(raw) if raw else last_complete_month())


@bp.get("/monthly")
@role_required("planner")
def monthly():
    """The month's report: tables, charts, when it is due and whether it was produced in time."""
    lang = current_lang()
    report = monthly_report(get_engine(), current_profile(), MonthQuery.from_request().month)
    return render_template("reports/monthly.html", t=texts(lang), lang=lang, report=report,
                           latest=month_of(china_today()), interactive=True)


@bp.get("/monthly<ext>")
@role_required("planner")
def monthly_file(ext: str):
    """The month's report as .xlsx or .html, recorded as produced by the signed-in planner."""
    if ext not in SUFFIXES:
        raise UsageError(f"unknown report format {ext!r}: use " + ", ".join(SUFFIXES), f"未知报告格式“{ext}”")
    month = MonthQuery.from_request().month
    profile = current_profile()

    def produce(path: Path) -> Path:
        return produce_monthly_report(get_engine(), profile, month, path, actor=actor(), source="web",
                                      lang=current_lang())[0]

    return send_written("monthly", f"monthly-{month}{ext}", produce)
