"""The overview map of the registry."""

from __future__ import annotations

from flask import Blueprint, render_template

from planner.overview import build_overview
from planner.web import get_engine
from planner.web.i18n import current_lang, texts
from planner.web.preferences import map_options

bp = Blueprint("overview", __name__)


@bp.get("/")
def index():
    """District overview: areas, post outlets, stations and applicants on one map."""
    lang = current_lang()
    labels = texts(lang)
    overview = build_overview(get_engine(), labels, **map_options())
    return render_template("overview.html", t=labels, lang=lang, overview=overview)
