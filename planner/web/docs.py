"""A readable page for the API's OpenAPI description: Swagger UI, served from this server (no CDN).

Swagger UI's files come from the flask-swagger-ui package (its dist folder, Apache-2.0 licence beside
them); its start-up runs from static/api_docs.js, not an inline script, so the strict CSP holds. The raw
description stays at /api/openapi.json, where scripts read it.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, render_template, send_from_directory, url_for

from planner.texts.interface import texts
from planner.web.i18n import current_lang

__all__ = ["bp"]

bp = Blueprint("docs", __name__, url_prefix="/docs")

# Only what the page loads (and the licence): nothing else of the package is served.
_FILES = frozenset({"swagger-ui-bundle.js", "swagger-ui.css", "LICENSE", "VERSION"})


def _dist() -> Path:
    import flask_swagger_ui

    return Path(flask_swagger_ui.__file__).parent / "dist"


@bp.get("/api")
def api():
    """Swagger UI over /api/openapi.json, in the site's layout."""
    lang = current_lang()
    config = {"url": url_for("api.openapi"), "dom_id": "#swagger-ui"}
    return render_template("docs/api.html", t=texts(lang), lang=lang, config=config)


@bp.get("/api/swagger-ui/<name>")
def asset(name: str):
    """One of Swagger UI's files, cached for a day (a package upgrade changes them)."""
    if name not in _FILES:
        abort(404)
    mimetype = "text/plain" if name in ("LICENSE", "VERSION") else None
    return send_from_directory(_dist(), name, mimetype=mimetype, max_age=86_400)
