"""Run the app under gunicorn (several processes, threads each) instead of Flask's development server."""

from __future__ import annotations

import gc
import os

from gunicorn.app.base import BaseApplication

__all__ = ["default_workers", "serve"]


def default_workers() -> int:
    """One process per CPU: requests are short and CPU-bound once the sites are in memory, and more
    processes than cores (PostgreSQL shares them) measured slower (bench/web.py: 2 workers on 2
    cores answered 1,150-1,380 checks/s, 4 workers 770, 6 workers 800)."""
    return max(2, min(8, os.cpu_count() or 1))


def _warm_up(app) -> None:
    """Compile the templates, index the registry's sites and answer the default overview once
    before forking, so every worker starts with them (copy on write)."""
    from planner.config import DEFAULT_PROFILE
    from planner.maps.render import data_map
    from planner.rules.profiles import load_profile
    from planner.sites.cache import cached_sites
    from planner.texts.interface import texts
    from planner.web.context import get_engine
    from planner.web.overview import prerender

    # Compile every page template and folium's own templates once, not once per worker.
    for name in app.jinja_env.list_templates():
        app.jinja_env.get_template(name)
    data_map(texts("zh"), assets_url="/static/vendor/leaflet", basemap=app.config["BASEMAP"])
    with app.app_context():
        engine = get_engine()
        try:
            cached_sites(engine, load_profile(app.config.get("PROFILE", DEFAULT_PROFILE)))
            prerender(app)
        finally:
            engine.dispose()  # no connection may cross the fork
    # Everything loaded so far lives as long as the server: keep it out of the workers' garbage
    # collections, which would otherwise walk it (and copy its pages) again and again.
    gc.collect()
    gc.freeze()


class _Server(BaseApplication):
    def __init__(self, app, options: dict):
        self.application, self.options = app, options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.application


def serve(app, *, host: str, port: int, workers: int | None = None, threads: int = 4,
          access_log: str | None = None) -> None:
    """Serve until interrupted. Each worker process opens its own database connections.

    The app is loaded once before the workers fork (preload), with the modules
    requests need already imported, so no worker pays for imports on its first request.
    `access_log` is a file or "-" (standard output) for one line per request; off by default, as
    in gunicorn (it costs a tenth of a cheap API request; a reverse proxy usually keeps one).
    """
    import planner.check.site
    import planner.sites.layers  # geopandas, numpy, scipy: imported once, shared by the workers
    import planner.sites.postal  # noqa: F401

    _warm_up(app)
    _Server(app, {"bind": f"{host}:{port}", "workers": workers or default_workers(), "threads": threads,
                  "worker_class": "gthread", "timeout": 300, "accesslog": access_log, "errorlog": "-",
                  "limit_request_line": 8190, "preload_app": True}).run()
