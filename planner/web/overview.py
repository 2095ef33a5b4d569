"""The overview map of the registry."""

from __future__ import annotations

from flask import Blueprint, current_app, make_response, render_template, url_for

from planner.overview import build_overview
from planner.web import get_engine
from planner.web.i18n import current_lang, texts

bp = Blueprint("overview", __name__)


@bp.get("/")
def index():
    """District overview: areas, post outlets, stations and applicants on one map."""
    lang = current_lang()
    labels = texts(lang)
    overview = build_overview(
        get_engine(), labels,
        assets_url=url_for("static", filename="vendor/leaflet").rstrip("/"),
        basemap=current_app.config["BASEMAP"], tianditu_key=current_app.config["TIANDITU_KEY"],
    )
    response = make_response(render_template("overview.html", t=labels, lang=lang, overview=overview))
    response.set_cookie("lang", lang, samesite="Lax")
    return response
