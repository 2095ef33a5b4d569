"""The change API with a bearer token: facts, decisions (409 on a conflict), history, relocation, transfer."""

from __future__ import annotations

from planner.registry.accounts import issue_token
from tests.check_support import offset
from tests.decision_support import load_pair
from tests.geometry_files import GOOD
from tests.web.api_support import TokenClient


def _api(anonymous, engine, name="alice"):
    return TokenClient(anonymous, issue_token(engine, name))


def test_decisions_through_the_api_name_the_token_user(anonymous, engine, tmp_path):
    load_pair(engine, tmp_path)
    api = _api(anonymous, engine)
    facts = api.post("/api/candidates/A/facts", json={"area_m2": 30, "line": True})
    assert facts.status_code == 200 and facts.get_json()["changes"]["area_m2"] == [20.0, 30.0]
    approved = api.post("/api/candidates/A/decision", json={"decision": "approve", "note": "ok", "profile": "yiwu"})
    assert approved.status_code == 200
    body = approved.get_json()
    assert body["status"] == "approved" and body["verdict"]["verdict"] == "pass"
    conflict = api.post("/api/candidates/B/decision?lang=en", json={"decision": "approve", "note": "ok"})
    assert conflict.status_code == 409 and "A" in conflict.get_json()["message"]
    events = api.get("/api/candidates/A/history").get_json()["events"]
    assert [(e["actor"], e["action"]) for e in events[-2:]] == [("alice", "survey"), ("alice", "approve")]


def test_change_api_validates_its_input(anonymous, engine, tmp_path):
    load_pair(engine, tmp_path)
    api = _api(anonymous, engine)
    cases = [
        ("/api/candidates/A/decision", {"decision": "approve"}, 400),  # no note
        ("/api/candidates/A/decision", {"decision": "maybe", "note": "x"}, 400),
        ("/api/candidates/A/decision", {"decision": "reject", "note": "x", "profile": "/etc/passwd"}, 400),
        ("/api/candidates/A/facts", {"area_m2": -3}, 400),
        ("/api/candidates/A/facts", {"colour": "red"}, 400),
        ("/api/candidates/nobody/facts", {"area_m2": 3}, 404),
        ("/api/stations/S1/relocation", {"lon": "east", "lat": 40.1}, 400),
        ("/api/stations/S1/transfer", {}, 400),
    ]
    for url, body, status in cases:
        answer = api.post(url, json=body)
        assert answer.status_code == status, (url, body, answer.get_data(as_text=True))
        assert answer.get_json()["message"], (url, body)
    assert api.post("/api/candidates/A/decision", data="not json").status_code == 400


def test_relocation_and_transfer_through_the_api(anonymous, engine, tmp_path):
    load_pair(engine, tmp_path)
    api = _api(anonymous, engine)
    near_o1 = offset("O1", 100)
    assert api.post("/api/stations/S1/relocation", json={"lon": near_o1[0], "lat": near_o1[1]}).status_code == 409
    # A place in the district (a relocation out of it is refused like a batch check row).
    moved = api.post("/api/stations/S1/relocation", json={"lon": GOOD[0], "lat": GOOD[1], "note": "搬迁"})
    assert moved.status_code == 200 and moved.get_json()["verdict"]["verdict"] == "pass"
    handed = api.post("/api/stations/S1/transfer", json={"operator": "王五"})
    assert handed.status_code == 200 and handed.get_json()["changes"]["operator"][1] == "王五"
    actions = [e["action"] for e in api.get("/api/stations/S1/history").get_json()["events"]]
    assert actions[-2:] == ["relocate", "transfer"]
