"""The candidate page: the shop on a map, the verdict, survey facts to edit, decisions, the opening of an approved
shop, history."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from planner.errors import ConflictError, UsageError
from planner.maps.render import display_crs
from planner.maps.site_map import candidate_map
from planner.rules.profiles import BUILT_IN
from planner.rules.vocabulary import OPEN_APPLICANT_STATUSES, SURVEY_FACTS
from planner.spatial.crs import wgs84_to_display
from planner.texts.interface import texts
from planner.web.auth import actor, role_required
from planner.web.context import get_engine
from planner.web.i18n import current_lang
from planner.web.map_legends import site_legend
from planner.web.preferences import current_profile, map_options
from planner.web.site_view import SiteView, candidate_view
from planner.web.visits import keep_form, kept_form, site_life
from planner.workflow.decisions import decide, update_facts
from planner.workflow.lifecycle import open_station

bp = Blueprint("candidates", __name__, url_prefix="/candidates")


def view_map(view: SiteView, code: str, t: dict):
    """The page's map: the checked place, nearest outlet and station, circles, neighbours."""
    return candidate_map((code, view.lon, view.lat), view.outlet, view.station, view.neighbours,
                         view.verdict.thresholds, t, origin=view.origin, routes=view.routes, **map_options())


def site_map(view: SiteView, code: str, t: dict, *, picking: bool = False) -> dict:
    """What a site page's map needs: the map, its legend, and site_map.js's settings (the coordinates the
    map is drawn in, the points it shows there, and whether a new place is picked on it)."""
    crs = display_crs(map_options()["basemap"])

    def shown(lon, lat):
        x, y = wgs84_to_display(lon, lat, crs)
        return [float(y), float(x)]

    points = {"site": shown(view.lon, view.lat)}
    for name, site in (("outlet", view.outlet), ("station", view.station)):
        if site is not None:
            points[name] = shown(site[1], site[2])
    return {"map": view_map(view, code, t), "legend": site_legend(view, t, picking=picking),
            "site_config": {"display": crs, "picking": picking, "points": points}}


@bp.get("/<code>")
def page(code: str):
    """One applicant: verdict against the chosen profile, survey facts, decisions and history."""
    lang = current_lang()
    t = texts(lang)
    profile = current_profile()
    view = candidate_view(get_engine(), code, profile, lang=lang)
    return render_template("sites/candidate.html", t=t, lang=lang, view=view, **site_map(view, code, t),
                           facts=SURVEY_FACTS, profiles=BUILT_IN, profile=profile,
                           open=view.record["status"] in OPEN_APPLICANT_STATUSES,
                           life=site_life("candidates", view.record), opening=kept_form("opening"),
                           decision_form=kept_form("decision"))


def _back(code: str):
    return redirect(url_for("candidates.page", code=code, profile=current_profile().name), code=303)


@bp.post("/<code>/facts")
@role_required("staff")
def facts(code: str):
    """Save the survey facts typed on the page."""
    t = texts(current_lang())
    try:
        update_facts(get_engine(), code, {f: request.form.get(f, "") for f in SURVEY_FACTS}, actor=actor())
        flash(t["facts_saved"], "done")
    except (UsageError, ConflictError) as exc:
        flash(exc.message(current_lang()), "problem")
    return _back(code)


@bp.post("/<code>/decision")
@role_required("staff")
def decision(code: str):
    """Approve (re-checked at this moment), reject or ask for more information, with a note."""
    lang = current_lang()
    choice = request.form.get("decision", "")
    try:
        decide(get_engine(), code, choice, request.form.get("note"), actor=actor(), profile=current_profile(),
               lang=lang)
        flash(texts(lang)[f"decided_{choice}"], "done")
    except (UsageError, ConflictError) as exc:  # the page again, with the typed note kept
        flash(exc.message(lang), "problem")
        keep_form("decision", {"note": request.form.get("note", "")})
        return page(code), exc.http_status
    return _back(code)


@bp.post("/<code>/opening")
@role_required("staff")
def opening(code: str):
    """Record that an approved applicant has opened as a station; on to the new station's page."""
    lang = current_lang()
    values = {name: request.form.get(name, "") for name in ("station_code", "opened_on", "operator", "note")}
    try:
        done = open_station(get_engine(), code, on=values["opened_on"], operator=values["operator"],
                            station_code=values["station_code"], note=values["note"], actor=actor())
    except (UsageError, ConflictError) as exc:
        flash(exc.message(lang), "problem")
        keep_form("opening", values)
        return page(code), exc.http_status
    flash(texts(lang)["opened"], "done")
    return redirect(url_for("stations.page", code=done.station, profile=current_profile().name), code=303)
