"""The overview map of the registry: a fitted base map; the page's script loads the layers from the API."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for

from planner.maps.overview import POINT_LAYERS, build_overview
from planner.recent import Recent
from planner.rules.profiles import BUILT_IN
from planner.texts.interface import texts
from planner.web.context import get_engine, request_versions
from planner.web.i18n import current_lang
from planner.web.preferences import current_profile, map_options

bp = Blueprint("overview", __name__)

_PAGE = 50_000
_LABELS = ("areas", "outlets", "stations", "candidates", "code", "name", "kind", "status", "operator", "verdict",
           "address", "nearest_outlet", "nearest_station", "metres", "population", "pass", "fail",
           "open_candidate", "open_station", "kind_branch", "kind_agency", "site_outlets", "site_stations",
           "site_candidates")


# (registry version, language, map options) -> Overview: the extent and counts scan every table.
_OVERVIEWS = Recent(8)

# What colouring and the sites table need; a popup fetches the rest for its one site.
_FIELDS = {"areas": None, "outlets": "code,kind,name", "stations": "code,status,name",
           "candidates": "code,status,verdict,name"}


def _first_pages(display: str, profile: str) -> dict:
    """The URL of each layer's first page, which the page's <head> requests before any script loads."""
    urls = {}
    for name, fields in _FIELDS.items():
        args = {"display": display, "limit": _PAGE, "offset": 0}
        if fields:
            args["fields"] = fields
        if name == "candidates":
            args["profile"] = profile
        urls[name] = url_for("api.layer", layer=name, **args)
    return urls


@bp.get("/")
def index():
    """District overview: areas, post outlets, stations and applicants as toggleable layers."""
    lang = current_lang()
    labels = texts(lang)
    profile = current_profile()
    overview = _overview(lang, labels)
    config = {
        "layers": ["areas", *POINT_LAYERS], "display": overview.display, "profile": profile.name, "page": _PAGE,
        "locale": "zh-CN" if lang == "zh" else "en", "styles": overview.styles,
        "labels": {key: labels[key] for key in _LABELS}
        | {k: v for k, v in labels.items() if k.startswith("status_")},
        "urls": {"layers": url_for("api.layer", layer="__layer__"),
                 "first": _first_pages(overview.display, profile.name),
                 "candidate": url_for("candidates.page", code="__code__"),
                 "station": url_for("stations.page", code="__code__")},
    }
    return render_template("overview/overview.html", t=labels, lang=lang, overview=overview, config=config,
                           profiles=BUILT_IN, profile=profile)


def _overview(lang: str, labels: dict):
    """The base map, extent and counts for this registry version, language and map choice."""
    options = map_options()
    key = (request_versions()[0], lang, tuple(sorted(options.items())))
    found = _OVERVIEWS.get(key)
    if found is None:
        found = build_overview(get_engine(), labels, **options)
        _OVERVIEWS.put(key, found)
    return found


def prerender(app) -> None:
    """Compute the overview's map and layer answers (plain and gzip) for the default language, profile and
    base map in this process.

    `planner serve` calls it before its workers fork, so every worker can answer the first
    overview of an unchanged registry from memory; any change to the registry makes them stale.
    """
    from planner.maps.render import display_crs
    from planner.web.api import layer_answer

    with app.test_request_context("/"):
        urls = _first_pages(display_crs(app.config["BASEMAP"]), current_profile().name)
        _overview(current_lang(), texts(current_lang()))
    for name, url in urls.items():
        with app.test_request_context(url):
            layer_answer(name)[1].gzipped()
