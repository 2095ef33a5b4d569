"""Per-browser choices kept in cookies: interface language and base map."""

from __future__ import annotations

from flask import Flask, current_app, request, url_for

from planner.config import DEFAULT_PROFILE
from planner.maps.render import BASEMAPS

__all__ = ["builtin_profile", "current_basemap", "current_profile", "init_app", "map_options"]

_YEAR = 365 * 24 * 3600


def current_basemap() -> str:
    """`?basemap=` beats the cookie, which beats the configured default."""
    chosen = request.args.get("basemap") or request.cookies.get("basemap") or current_app.config["BASEMAP"]
    return chosen if chosen in BASEMAPS else "osm"


def builtin_profile(name: str | None, *, app: Flask | None = None):
    """A built-in profile by name (`app`'s configured one when empty: the current app's unless
    given); the web never reads profile files."""
    from planner.errors import UsageError
    from planner.rules.profiles import BUILT_IN, load_profile

    name = str(name or (app or current_app).config.get("PROFILE", DEFAULT_PROFILE))
    if name not in BUILT_IN:
        raise UsageError(f"unknown profile {name!r}: use " + ", ".join(BUILT_IN),
                         f"未知规则配置“{name}”：可用 " + "、".join(BUILT_IN))
    return load_profile(name)


def current_profile():
    """The built-in rule profile named by `profile` (query or form), else the configured one."""
    return builtin_profile(request.values.get("profile"))


def map_options() -> dict:
    """Keyword arguments every folium map of a page takes: local Leaflet, the chosen tiles."""
    return {"assets_url": url_for("static", filename="vendor/leaflet").rstrip("/"),
            "basemap": current_basemap(), "tianditu_key": current_app.config["TIANDITU_KEY"]}


def init_app(app: Flask) -> None:
    @app.after_request
    def remember(response):
        for key in ("lang", "basemap"):
            value = request.args.get(key)
            if value:
                response.set_cookie(key, value, max_age=_YEAR, samesite="Lax")
        return response

    @app.context_processor
    def choices():
        from flask import g

        return {"basemap": current_basemap() if request else "osm", "basemaps": list(BASEMAPS),
                "user": g.get("user")}
