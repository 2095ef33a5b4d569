"""The candidate page: the shop on a map with its nearest outlet and station, the verdict, the history."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for

from planner.candidate_view import FACTS, candidate_view
from planner.maps import candidate_map
from planner.profiles import BUILT_IN, load_profile
from planner.web import get_engine
from planner.web.i18n import current_lang, texts

bp = Blueprint("candidates", __name__, url_prefix="/candidates")


@bp.get("/<code>")
def page(code: str):
    """One applicant: verdict against the chosen profile, survey facts, neighbours and history."""
    lang = current_lang()
    t = texts(lang)
    profile_name = request.args.get("profile", "yiwu")
    profile = load_profile(profile_name if profile_name in BUILT_IN else "yiwu")
    view = candidate_view(get_engine(), code, profile, lang=lang)
    parts = candidate_map((code, view.lon, view.lat), view.outlet, view.station, view.neighbours,
                          view.verdict.thresholds, t, **map_options())
    return render_template("candidate.html", t=t, lang=lang, view=view, map=parts, facts=FACTS,
                           profiles=BUILT_IN, profile=profile)
