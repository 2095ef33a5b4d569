"""Text no database can hold (NUL, lone surrogates) and over-deep JSON are a 400 at the door, never a 500."""

from __future__ import annotations

from planner.registry.accounts import issue_token, list_users
from tests.decision_support import load_pair
from tests.web.api_support import TokenClient
from tests.web.conftest import csrf

_NUL_NOTE = '{"decision": "needs_info", "note": "a\\u0000b"}'
_SURROGATE_NOTE = '{"decision": "needs_info", "note": "a\\ud800b"}'


def _history(api, code):
    return api.get(f"/api/candidates/{code}/history").get_json()["events"]


def test_nul_and_lone_surrogates_are_refused_before_the_database(app, anonymous, engine, tmp_path):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # what a server answers, not the test's exception
    load_pair(engine, tmp_path)
    api = TokenClient(anonymous, issue_token(engine, "alice"))
    before = _history(api, "A")
    for body in (_NUL_NOTE, _SURROGATE_NOTE):
        answer = api.post("/api/candidates/A/decision?lang=en", data=body, content_type="application/json")
        assert answer.status_code == 400, answer.get_data(as_text=True)
        assert answer.get_json()["message"].startswith("the request contains a NUL character")
    transfer = api.post("/api/stations/S1/transfer", data='{"operator": "x\\ud800"}', content_type="application/json")
    assert transfer.status_code == 400
    assert _history(api, "A") == before
    stranger = anonymous.post("/api/candidates/A/decision", data=_NUL_NOTE, content_type="application/json")
    assert stranger.status_code == 401  # who is asking comes first: a stranger's body is never read
    for url in ("/candidates/A%00", "/stations/S1%00", "/api/candidates/A%00/history",
                "/api/layers/stations?code=S%00"):
        assert api.get(url).status_code == 400, url


def test_a_nul_in_a_form_field_is_refused_and_nothing_is_written(app, engine):
    from tests.web.conftest import sign_in

    app.config["PROPAGATE_EXCEPTIONS"] = False
    admin = sign_in(app.test_client(), "ada")
    names = [row.name for row in list_users(engine)]
    answer = admin.post("/admin/users?lang=en", data={"csrf_token": csrf(admin), "name": "eve\x00", "role": "staff",
                                                       "password": "correct horse battery"})
    assert answer.status_code == 400 and "NUL character" in answer.get_data(as_text=True)
    assert answer.mimetype == "text/html"
    assert [row.name for row in list_users(engine)] == names


def test_json_nested_too_deeply_is_a_400_on_the_fast_path_too(anonymous, engine):
    api = TokenClient(anonymous, issue_token(engine, "alice"))
    question = {"lon": 116.628, "lat": 40.1035}
    assert api.post("/api/check", json=question).status_code == 200  # the fast path knows the token now
    deep = "[" * 60_000  # under the fast path's 64 KB body limit
    answer = api.post("/api/check", data=deep, content_type="application/json")  # no query, no cookie: fast path
    assert answer.status_code == 400
    answer = api.post("/api/check?lang=en", data=deep, content_type="application/json")
    assert answer.status_code == 400 and answer.get_json()["message"] == "the JSON body is nested too deeply"
