"""Flask application factory (flaskr pattern): nothing runs at import time."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from planner.config import setting

__all__ = ["create_app"]


def create_app(test_config: dict | None = None, *, instance_path: str | None = None) -> Flask:
    """Build the app: defaults, then instance/config.py, then `test_config`.

    The instance folder (uploads, checks, secret key, config.py) is ./instance,
    beside the embedded database, unless `instance_path` says otherwise.
    """
    app = Flask(__name__, instance_relative_config=True, instance_path=instance_path or str(Path.cwd() / "instance"),
                template_folder="../templates", static_folder="../static")
    app.config.from_mapping(
        DATABASE_URL=setting("PLANNER_DATABASE_URL"),
        BASEMAP=setting("PLANNER_BASEMAP"),
        PROFILE=setting("PLANNER_PROFILE"),
        TIANDITU_KEY=setting("PLANNER_TIANDITU_KEY"),
        JSON_AS_ASCII=False,
        MAX_CONTENT_LENGTH=512 * 1024 * 1024,
    )
    from planner.web.security import session_settings

    app.config.from_mapping(session_settings())  # cookie flags, session lifetimes, sign-in throttling
    from planner.web.check import check_settings

    app.config.from_mapping(check_settings())  # upload size (MAX_CONTENT_LENGTH), check pool, time limit, retention
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.from_mapping(test_config)

    from planner.web import (
        admin,
        api,
        api_changes,
        auth,
        candidates,
        check,
        coverage,
        error_pages,
        exits,
        formatting,
        headers,
        input_guard,
        map_legends,
        ogc,
        overview,
        preferences,
        ranking,
        reports,
        review,
        shell,
        stations,
        visits,
    )
    from planner.web.check_fast_path import CheckFastPath
    from planner.web.security import (
        csrf_token,
        ensure_secret_key,
        init_sessions,
        trust_proxies,
    )

    ensure_secret_key(app)
    init_sessions(app)
    app.jinja_env.globals["csrf_token"] = csrf_token
    preferences.init_app(app)
    headers.init_app(app)  # security headers on every response; inline scripts only by hash
    error_pages.init_app(app)  # error pages from a template, never a raw message as HTML
    shell.init_app(app)  # the favicon, the API documentation page, the search
    formatting.init_app(app)
    app.register_blueprint(auth.bp)
    input_guard.init_app(app)  # after who is asking (no body read for strangers); NUL and lone surrogates: 400
    app.register_blueprint(overview.bp)
    app.register_blueprint(check.bp)
    check.init_app(app)  # checks cut off by a restart are marked failed; expired uploads deleted
    app.register_blueprint(coverage.bp)
    app.register_blueprint(reports.bp)
    app.register_blueprint(review.bp)
    app.register_blueprint(candidates.bp)
    app.register_blueprint(stations.bp)
    app.register_blueprint(visits.bp)
    app.register_blueprint(exits.bp)
    app.register_blueprint(ranking.bp)
    map_legends.init_app(app)  # the legends of map pages whose views do not build them
    app.register_blueprint(admin.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(api_changes.bp)
    app.register_blueprint(ogc.bp)  # OGC API – Features under /ogc/ (QGIS, ArcGIS, GDAL)
    app.wsgi_app = CheckFastPath(app)
    trust_proxies(app)  # outermost: the fast path and Flask both see the client's own address

    @app.teardown_appcontext
    def _close_read_connection(_exc):
        from flask import g

        conn = g.pop("read_connection", None)
        if conn is not None:
            conn.close()

    return app
