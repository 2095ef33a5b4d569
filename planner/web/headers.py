"""Security headers on every response, and the only way a template emits an inline script.

A template writes an inline script through `inline_script` (a filter:
`{% filter inline_script %}…{% endfilter %}`) or places a folium map with
`map_header(map)` / `map_script(map)`. Each records the hash of exactly the
script it emits for the current response; the after-request hook then allows
those hashes and nothing else inline (strict CSP, as web.dev recommends for
pages that are cached: no nonce). A script anyone else got into the page —
through data, say — has no recorded hash and does not run.
"""

from __future__ import annotations

from flask import Flask, current_app, g, has_request_context
from markupsafe import Markup

from planner.maps.csp import checked_script, script_hash
from planner.maps.render import MapParts
from planner.web.context import current_asking, pipeline_of

__all__ = ["init_app", "inline_script", "map_header", "map_script"]

def _allow(hashes) -> None:
    if has_request_context():
        g.setdefault("script_hashes", []).extend(hashes)


def inline_script(body) -> Markup:
    """`<script>body</script>`, allowed for this response. `body` is our code, with any values in it
    placed through `tojson`."""
    body = checked_script(body)
    _allow([script_hash(body)])
    return Markup(f"<script>{body}</script>")  # noqa: S704 - our template code, refused if it could break out


def map_header(parts: MapParts) -> Markup:
    """A folium map's <head> part, its inline scripts allowed for this response."""
    _allow(parts.script_hashes)
    return Markup(parts.header)  # noqa: S704 - folium's constant links and scripts, no data


def map_script(parts: MapParts) -> Markup:
    """A folium map's script (hashed when the map was built, so a cached map costs nothing here)."""
    _allow(parts.script_hashes)
    return Markup(f"<script>{parts.script}</script>")  # noqa: S704 - checked_script ran on it in maps.render


def _leave(response):
    """The pipeline's after hooks (security headers first), with the inline scripts this response emitted."""
    asking = current_asking()
    asking.script_hashes = list(g.get("script_hashes", ()))
    pipeline_of(current_app).leave(asking, response.headers)
    return response


def init_app(app: Flask) -> None:
    app.jinja_env.filters["inline_script"] = inline_script
    app.jinja_env.globals.update(map_header=map_header, map_script=map_script)
    app.after_request(_leave)
