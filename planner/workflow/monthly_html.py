"""The monthly report as one self-contained .html file: tables and inline SVG charts drawn by the same Jinja
templates as the planners' page (templates/reports/_monthly_body.html, layout/_charts.html), the page's
stylesheet embedded, no script and nothing fetched (its own Content-Security-Policy says so).
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from planner.maps.csp import policy
from planner.rules.china_time import CHINA_TZ
from planner.texts.interface import texts
from planner.texts.words import profile_name
from planner.workflow.monthly import MonthlyReport

__all__ = ["monthly_page"]

_PLANNER = Path(__file__).resolve().parents[1]
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _date(value, lang: str) -> str:
    """A day as the page writes it: 2026年10月8日 / 8 Oct 2026 (an instant in China time)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).astimezone(CHINA_TZ)
    if lang == "zh":
        return f"{value.year}年{value.month}月{value.day}日"
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def _datetime(value, lang: str) -> str:
    if not isinstance(value, dt.datetime):
        return _date(value, lang)
    local = (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).astimezone(CHINA_TZ)
    return f"{_date(local, lang)} {local:%H:%M}"


def _number(value, digits: int = 0) -> str:
    return "" if value is None else f"{float(value):,.{digits}f}"


@cache
def _environment(lang: str) -> Environment:
    env = Environment(loader=FileSystemLoader(_PLANNER / "templates"), autoescape=select_autoescape(["html"]),
                      trim_blocks=False)
    env.filters.update(date=lambda v, lang_=None: _date(v, lang_ or lang),
                       datetime=lambda v, lang_=None: _datetime(v, lang_ or lang), number=_number,
                       profile_name=lambda v, lang_=None: profile_name(str(v), lang_ or lang))
    return env


def _stylesheet() -> Markup:
    """The page's stylesheet, to embed: plain CSS of ours that cannot close its <style> element."""
    css = (_PLANNER / "static" / "reports.css").read_text(encoding="utf-8")
    if "<" in css:
        raise ValueError("reports.css must not contain '<'")
    return Markup(css)  # noqa: S704 - our own stylesheet, checked above


def monthly_page(report: MonthlyReport, *, lang: str = "zh") -> str:
    """The whole report as one HTML document in `lang`."""
    template = _environment(lang).get_template("reports/monthly_file.html")
    return template.render(report=report, t=texts(lang), lang=lang, style=_stylesheet(),
                           policy=policy((), standalone=True))
