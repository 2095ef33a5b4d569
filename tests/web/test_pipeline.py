"""Every request runs the same pipeline, whichever door answers it: Flask's views or the check fast path."""

from __future__ import annotations

import json

from werkzeug.test import EnvironBuilder, run_wsgi_app

from planner.errors import TooManyRequestsError
from planner.registry.accounts import issue_token
from planner.rules.profiles import load_profile
from planner.sites.cache import cached_sites
from planner.web.context import pipeline_of
from tests.check_support import load_small_registry, offset
from tests.web.api_support import TokenClient


def _check_environ(token, body):
    return EnvironBuilder(path="/api/check", method="POST", json=body,
                          headers={"Authorization": f"Bearer {token}"}).get_environ()


def _served(app, engine):
    """A registry, a token the app knows, the sites in memory: the fast path will answer."""
    load_small_registry(engine)
    token = issue_token(engine, "alice")
    client = TokenClient(app.test_client(), token)
    assert client.post("/api/check", json={"lon": 116.6, "lat": 40.1}).status_code == 200
    cached_sites(engine, load_profile("yiwu"))
    return token, client


def test_a_hook_runs_once_for_the_fast_path_and_for_flask(app, engine):
    token, client = _served(app, engine)
    seen = []
    pipeline = pipeline_of(app)
    pipeline.before.append(lambda asking: seen.append((asking.path, asking.user.name)))
    pipeline.after.append(lambda asking, headers: headers.__setitem__("X-Audit", asking.path))
    question = dict(zip(("lon", "lat"), offset("O1", 300, 0)))

    environ = _check_environ(token, question)
    assert app.wsgi_app._answer(environ, environ["wsgi.input"].getvalue()) is not None  # the fast path answers
    assert seen == [("/api/check", "alice")]
    _, status, headers = run_wsgi_app(app.wsgi_app, _check_environ(token, question), buffered=True)
    assert status == "200 OK" and headers["X-Audit"] == "/api/check"
    assert headers["X-Frame-Options"] == "DENY"  # the built-in after hook: security headers
    assert seen == [("/api/check", "alice")] * 2

    layers = client.get("/api/layers/outlets")  # a Flask view
    assert layers.status_code == 200 and layers.headers["X-Audit"] == "/api/layers/outlets"
    assert seen[-1] == ("/api/layers/outlets", "alice") and len(seen) == 3


def test_a_hook_that_refuses_refuses_at_both_doors_the_same_way(app, engine):
    token, client = _served(app, engine)
    calls = []

    def rate_limit(asking):
        calls.append(asking.path)
        raise TooManyRequestsError("too many requests: wait a minute", "请求过于频繁，请一分钟后再试")

    pipeline_of(app).before.append(rate_limit)
    question = dict(zip(("lon", "lat"), offset("O1", 300, 0)))
    fast = run_wsgi_app(app.wsgi_app, _check_environ(token, question), buffered=True)
    flask = run_wsgi_app(app.wsgi_app.flask_wsgi, _check_environ(token, question), buffered=True)
    assert calls == ["/api/check", "/api/check"]  # once per request, not again when Flask answers
    for body, status, headers in (fast, flask):
        assert status.startswith("429")
        assert json.loads(b"".join(body)) == {"error": "TooManyRequestsError",
                                              "message": "请求过于频繁，请一分钟后再试"}
        assert headers["Content-Security-Policy"].startswith("default-src")
    assert client.get("/api/layers/outlets").status_code == 429
