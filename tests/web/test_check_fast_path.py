"""The check API's fast path answers plain token requests exactly as the Flask view does, and hands
everything else to Flask."""

from __future__ import annotations

import json

import numpy as np
from werkzeug.test import EnvironBuilder, run_wsgi_app

from planner.registry.accounts import issue_token
from planner.rules.profiles import load_profile
from planner.rules.reasons import reason
from planner.sites.cache import cached_sites
from tests.check_support import SITES, load_small_registry, offset
from tests.web.api_support import TokenClient


def _environ(body, token, *, query="", headers=None, content_type="application/json"):
    data = body if isinstance(body, (bytes, str)) else None
    builder = EnvironBuilder(path="/api/check", method="POST", query_string=query,
                             json=None if data is not None else body, data=data,
                             content_type=None if data is None else content_type,
                             headers={"Authorization": f"Bearer {token}", **(headers or {})})
    return builder.get_environ()


def _run(wsgi, environ):
    body, status, headers = run_wsgi_app(wsgi, environ, buffered=True)
    return status, headers.get("Content-Type"), b"".join(body), sorted(headers.items())


def _ready(app, engine, token):
    """A registry, the token known to the app, the sites in memory: what a running server has."""
    load_small_registry(engine)
    assert TokenClient(app.test_client(), token).post("/api/check", json={"lon": 116.6, "lat": 40.1}).status_code == 200
    for name in ("yiwu", "mianyang"):
        cached_sites(engine, load_profile(name))


def test_plain_token_checks_get_the_flask_answer_byte_for_byte(app, engine):
    token = issue_token(engine, "alice")
    _ready(app, engine, token)
    fast = app.wsgi_app
    rng = np.random.default_rng(11)
    questions = [{"lon": float(116.55 + rng.random() * 0.2), "lat": float(40.05 + rng.random() * 0.15)}
                 for _ in range(30)]
    questions += [{"lon": SITES[code][0], "lat": SITES[code][1], "code": code, "profile": profile}
                  for code in SITES for profile in ("yiwu", "mianyang")]
    questions += [dict(zip(("lon", "lat"), offset("O1", 300, 0)), profile="yiwu"),
                  {"lon": 116, "lat": 40, "code": None}]
    statuses = []
    for question in questions:
        environ = _environ(question, token)
        assert fast._answer(environ, environ["wsgi.input"].getvalue()) is not None, question
        ours = _run(fast, _environ(question, token))
        flask = _run(fast.flask_wsgi, _environ(question, token))
        assert ours == flask, question
        statuses.append(ours[0])
        if ours[0] != "200 OK":  # outside the registry's district: refused as a batch check row is
            assert ours[0] == "400 BAD REQUEST", question
            assert json.loads(ours[2])["message"] == reason("outside_region", "zh", km=1), question
    assert set(statuses[:30]) == {"200 OK", "400 BAD REQUEST"}  # random places: in the district and out of it
    assert set(statuses[30:-1]) == {"200 OK"} and statuses[-1] == "400 BAD REQUEST"  # (116, 40): 55 km out


def test_every_request_that_is_not_plain_goes_to_flask(app, engine):
    token = issue_token(engine, "alice")
    _ready(app, engine, token)
    fast = app.wsgi_app
    near = dict(zip(("lon", "lat"), offset("O1", 300, 0)))
    unusual = {
        "unknown token": (_environ(near, "not-a-token"), "401", "SignInError"),
        "not JSON": (_environ(b"{lon: 1", token), "400", "UsageError"),
        "not an object": (_environ([1, 2], token), "400", "UsageError"),
        "bad number": (_environ({"lon": 500, "lat": 40}, token), "400", "UsageError"),
        "unknown profile": (_environ({**near, "profile": "nowhere"}, token), "400", "UsageError"),
        "code not a string": (_environ({**near, "code": 7}, token), "400", "UsageError"),
        "form content": (_environ(b"lon=1", token, content_type="application/x-www-form-urlencoded"), "400",
                         "UsageError"),
    }
    for name, (environ, status, error) in unusual.items():
        body = environ["wsgi.input"].read()
        environ["wsgi.input"].seek(0)
        assert fast._answer(environ, body) is None, name
        answered = _run(fast, environ)
        assert answered[0].startswith(status) and json.loads(answered[2])["error"] == error, (name, answered)
    # English asked for by the query or a cookie: Flask answers (and remembers the choice in a cookie).
    for environ in (_environ(near, token, query="lang=en"), _environ(near, token, headers={"Cookie": "lang=en"})):
        status, _, body, _ = _run(fast, environ)
        reasons = json.loads(body)["reasons"]
        assert status == "200 OK" and reasons and reasons[0].isascii() and "O1" in reasons[0]
    chinese = json.loads(_run(fast, _environ(near, token))[2])["reasons"]
    assert chinese and not chinese[0].isascii()


def test_a_replaced_token_is_refused_on_the_very_next_request(app, engine):
    old = issue_token(engine, "alice")
    _ready(app, engine, old)
    near = dict(zip(("lon", "lat"), offset("O1", 300, 0)))
    assert _run(app.wsgi_app, _environ(near, old))[0] == "200 OK"
    new = issue_token(engine, "alice")
    assert _run(app.wsgi_app, _environ(near, old))[0].startswith("401")
    assert _run(app.wsgi_app, _environ(near, new))[0] == "200 OK"
