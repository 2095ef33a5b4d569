"""The layout shell's own routes: the favicon, the API's documentation page, the search, the web import."""

from __future__ import annotations

from flask import Flask

__all__ = ["init_app"]


def init_app(app: Flask) -> None:
    from planner.web import docs, imports, search

    # Browsers ask for /favicon.ico whatever the page links: send them to the SVG the pages link (no 404).
    app.add_url_rule("/favicon.ico", endpoint="favicon", redirect_to=f"{app.static_url_path}/favicon.svg")
    app.register_blueprint(docs.bp)
    app.register_blueprint(search.bp)
    app.register_blueprint(imports.bp)
