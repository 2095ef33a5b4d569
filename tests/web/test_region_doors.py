"""The web's single-site doors apply the batch check's region rule, on both backends: `/api/check` (the
Flask view and its fast path, the same bytes), the station page's relocation preview and the relocation
API — refusing a place in Helsinki in a registry in China, and checking it normally in a registry there."""

from __future__ import annotations

import json

import pytest
from markupsafe import escape
from werkzeug.test import EnvironBuilder, run_wsgi_app

from planner.registry.accounts import add_user, issue_token
from planner.registry.tables import read_table
from planner.rules.reasons import reason
from planner.web import create_app
from tests.abroad_support import HELSINKI, SHANGHAI, load_helsinki
from tests.abroad_support import SITES as HELSINKI_SITES
from tests.check_support import SITES, load_small_registry, offset
from tests.decision_support import load_pair
from tests.geometry_files import GOOD
from tests.web.api_support import TokenClient
from tests.web.conftest import PASSWORD, csrf, sign_in


def _plain(body, token):
    """A request the fast path answers itself: bearer token, JSON, no query, no cookie."""
    return EnvironBuilder(path="/api/check", method="POST", json=body,
                          headers={"Authorization": f"Bearer {token}"}).get_environ()


def _answer(wsgi, body, token):
    out, status, headers = run_wsgi_app(wsgi, _plain(body, token), buffered=True)
    return status, b"".join(out), sorted(headers.items())


def test_api_check_refuses_helsinki_and_far_places_in_a_registry_in_china(app, client, engine):
    load_small_registry(engine)
    token = issue_token(engine, "alice")
    assert TokenClient(app.test_client(), token).post("/api/check", json=dict(zip(("lon", "lat"), GOOD))).status_code \
        == 200  # the token is known: plain requests go to the fast path now
    fast = app.wsgi_app
    for place, key, values in ((HELSINKI, "outside_china", {"lon": HELSINKI[0], "lat": HELSINKI[1]}),
                               (SHANGHAI, "outside_region", {"km": 1})):
        body = dict(zip(("lon", "lat"), place))
        environ = _plain(body, token)
        assert fast._answer(environ, environ["wsgi.input"].getvalue()) is not None  # the fast path answers
        ours, flask = _answer(fast, body, token), _answer(fast.flask_wsgi, body, token)
        assert ours == flask and ours[0].startswith("400")
        assert json.loads(ours[1]) == {"error": "UsageError", "message": reason(key, "zh", **values)}
        english = client.post("/api/check?lang=en", json=body, headers={"X-CSRF-Token": csrf(client)})
        assert english.status_code == 400 and english.get_json()["message"] == reason(key, "en", **values)
    inside = client.post("/api/check", json=dict(zip(("lon", "lat"), GOOD)), headers={"X-CSRF-Token": csrf(client)})
    assert inside.status_code == 200 and inside.get_json()["verdict"] == "pass"


def test_the_relocation_preview_and_api_refuse_far_places_like_the_batch_check(client, anonymous, engine, tmp_path):
    load_pair(engine, tmp_path)
    preview = client.get(f"/stations/S1?lon={SHANGHAI[0]}&lat={SHANGHAI[1]}&lang=en")
    said = str(escape(reason("outside_region", "en", km=1)))  # as the page writes it
    assert preview.status_code == 400 and said in preview.get_data(as_text=True)
    api = TokenClient(anonymous, issue_token(engine, "alice"))
    far = api.post("/api/stations/S1/relocation?lang=en", json=dict(zip(("lon", "lat"), SHANGHAI)))
    assert far.status_code == 400 and far.get_json()["message"] == reason("outside_region", "en", km=1)
    point = read_table(engine, "stations", codes=["S1"]).geometry.iloc[0]
    assert (point.x, point.y) == SITES["S1"]
    assert client.get(f"/stations/S1?lon={GOOD[0]}&lat={GOOD[1]}").status_code == 200


@pytest.fixture
def helsinki_app(engine, tmp_path):
    """An app on a registry in Helsinki alone (the other web tests' registry is in China)."""
    load_helsinki(engine, tmp_path)
    add_user(engine, "paula", "planner", PASSWORD)
    app = create_app({"DATABASE_URL": engine.url.render_as_string(hide_password=False), "TESTING": True},
                     instance_path=str(tmp_path / "instance"))
    app.extensions["planner.engine"] = engine
    return app


def test_api_check_in_a_registry_in_helsinki_checks_helsinki(helsinki_app, engine):
    client = sign_in(helsinki_app.test_client(), "paula")
    token = issue_token(engine, "paula")
    ask = TokenClient(helsinki_app.test_client(), token)
    assert ask.post("/api/check", json=dict(zip(("lon", "lat"), HELSINKI))).status_code == 200  # token known
    near_outlet = offset(HELSINKI_SITES["HO1"], 300, 180)
    for place, verdict in ((HELSINKI, "pass"), (near_outlet, "fail")):
        body = dict(zip(("lon", "lat"), place))
        ours, flask = _answer(helsinki_app.wsgi_app, body, token), _answer(helsinki_app.wsgi_app.flask_wsgi, body,
                                                                            token)
        assert ours == flask and ours[0] == "200 OK" and json.loads(ours[1])["verdict"] == verdict
    answer = client.post("/api/check?lang=en", json=dict(zip(("lon", "lat"), near_outlet)),
                         headers={"X-CSRF-Token": csrf(client)}).get_json()
    assert answer["reasons"] == [reason("outlet_too_close", "en", m=300.0, id="HO1", min=500)]
    china = client.post("/api/check?lang=en", json=dict(zip(("lon", "lat"), GOOD)),
                        headers={"X-CSRF-Token": csrf(client)})
    assert china.status_code == 400 and china.get_json()["message"] == reason("outside_region", "en", km=1)
