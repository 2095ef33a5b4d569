"""Survey facts, decisions, relocation and transfer on both backends, with the history they leave."""

from __future__ import annotations

import threading
import time

import pytest

from planner.errors import ConflictError, NotFoundError, UsageError
from planner.registry.engine import writer
from planner.registry.nearest import nearest_in_db
from planner.registry.tables import history, read_table
from planner.rules.china_time import china_today
from planner.rules.profiles import load_profile
from planner.spatial.geodesic import geodesic_distance
from planner.workflow.decisions import (
    decide,
    relocate_station,
    transfer_station,
    update_facts,
)
from tests.check_support import SITES, offset
from tests.decision_support import A, load_pair, load_waiting_at

YIWU = load_profile("yiwu")


def _status(engine, code):
    return read_table(engine, "candidates", codes=[code])["status"].iloc[0]


def test_survey_facts_are_saved_and_the_applicant_becomes_surveyed(engine, tmp_path):
    load_pair(engine, tmp_path)
    changes = update_facts(engine, "A", {"area_m2": "35.5", "signage": "无", "line": "yes"}, actor="alice")
    assert changes == {"area_m2": [20.0, 35.5], "signage": [True, False], "status": ["submitted", "surveyed"]}
    row = read_table(engine, "candidates", codes=["A"]).iloc[0]
    assert (row["area_m2"], bool(row["signage"]), bool(row["line"]), row["status"]) == (35.5, False, True, "surveyed")
    last = history(engine, "candidates", "A")[-1]
    assert (last["actor"], last["action"], last["changes"]["area_m2"]) == ("alice", "survey", [20.0, 35.5])
    assert update_facts(engine, "A", {"area_m2": "35.5"}, actor="alice") == {}


@pytest.mark.parametrize("facts", [{"area_m2": "-1"}, {"display_m2": "abc"}, {"signage": "maybe"}])
def test_bad_survey_facts_change_nothing(engine, tmp_path, facts):
    load_pair(engine, tmp_path)
    before = len(history(engine, "candidates", "A"))
    with pytest.raises(UsageError):
        update_facts(engine, "A", facts, actor="alice")
    assert _status(engine, "A") == "submitted" and len(history(engine, "candidates", "A")) == before


def test_decisions_need_a_note_and_an_open_application(engine, tmp_path):
    load_pair(engine, tmp_path)
    with pytest.raises(UsageError, match="note"):
        decide(engine, "A", "reject", "  ", actor="alice", profile=YIWU)
    with pytest.raises(NotFoundError):
        decide(engine, "nobody", "reject", "x", actor="alice", profile=YIWU)
    decide(engine, "A", "needs_info", "营业执照照片不清楚", actor="alice", profile=YIWU)
    assert _status(engine, "A") == "needs_info"
    result = decide(engine, "A", "reject", "店主放弃", actor="bob", profile=YIWU)
    assert result.status == "rejected" and result.verdict is None
    with pytest.raises(ConflictError):
        decide(engine, "A", "approve", "改主意", actor="bob", profile=YIWU)
    with pytest.raises(ConflictError):
        update_facts(engine, "A", {"area_m2": "99"}, actor="bob")  # decided: the facts stay as decided
    actions = [(e["actor"], e["action"], e["changes"].get("note")) for e in history(engine, "candidates", "A")]
    assert actions[-2:] == [("alice", "needs_info", "营业执照照片不清楚"), ("bob", "reject", "店主放弃")]


def test_approval_rechecks_and_the_second_of_two_conflicting_shops_fails(engine, tmp_path):
    load_pair(engine, tmp_path)
    first = decide(engine, "A", "approve", "勘察合格", actor="alice", profile=YIWU)
    assert first.status == "approved" and first.verdict.verdict == "pass"
    with pytest.raises(ConflictError) as caught:
        decide(engine, "B", "approve", "勘察合格", actor="bob", profile=YIWU)
    assert "A" in caught.value.message("en") and "300" in caught.value.message("en")
    assert _status(engine, "B") == "submitted"
    assert history(engine, "candidates", "A")[-1]["changes"]["verdict"]["verdict"] == "pass"
    # An approved applicant counts as an existing station for everyone else.
    assert nearest_in_db(engine, "candidates", *offset(A, 10), 1, statuses=("approved",))[0][0] == "A"


def test_approval_checks_survey_facts_of_the_profile(engine, tmp_path):
    load_pair(engine, tmp_path)
    update_facts(engine, "A", {"line": "无"}, actor="alice")
    with pytest.raises(ConflictError, match="通信线路"):
        decide(engine, "A", "approve", "ok", actor="alice", profile=load_profile("mianyang"))
    assert decide(engine, "A", "approve", "ok", actor="alice", profile=YIWU).status == "approved"


def test_an_approval_waits_for_a_concurrent_one_and_then_sees_it(engine, tmp_path):
    """Approval of B starts while A's approval transaction holds the lock: B must wait, then fail."""
    from sqlalchemy import update

    from planner.registry.models import Candidate, Lock

    load_pair(engine, tmp_path)
    outcome = {}

    def approve_b():
        try:
            outcome["result"] = decide(engine, "B", "approve", "ok", actor="bob", profile=YIWU)
        except ConflictError as exc:
            outcome["error"] = exc

    with writer(engine) as conn:
        conn.execute(update(Lock).where(Lock.name == "sites").values(taken_at=None))
        conn.execute(update(Candidate).where(Candidate.code == "A").values(status="approved"))
        racer = threading.Thread(target=approve_b)
        racer.start()
        time.sleep(1.0)
        assert racer.is_alive(), "the second approval did not wait for the first transaction"
    racer.join(timeout=30)
    assert "error" in outcome and "result" not in outcome
    assert _status(engine, "B") == "submitted"


def test_two_simultaneous_approvals_never_both_succeed(engine, tmp_path):
    load_pair(engine, tmp_path)
    start = threading.Barrier(2)
    results = {}

    def approve(code, who):
        start.wait()
        try:
            results[code] = decide(engine, code, "approve", "ok", actor=who, profile=YIWU).status
        except ConflictError:
            results[code] = "conflict"

    threads = [threading.Thread(target=approve, args=(c, w)) for c, w in (("A", "alice"), ("B", "bob"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(results.values()) == ["approved", "conflict"]


def test_relocation_is_checked_at_the_new_place_without_the_station_itself(engine, tmp_path):
    load_pair(engine, tmp_path)
    near_itself = offset("S1", 50, 0)  # 50 m from its own old position: must not count against it
    verdict = relocate_station(engine, "S1", *near_itself, actor="alice", profile=YIWU, note="房租上涨")
    assert verdict.verdict == "pass"
    moved = read_table(engine, "stations", codes=["S1"]).geometry.iloc[0]
    assert geodesic_distance(moved.x, moved.y, *near_itself) < 0.01
    event = history(engine, "stations", "S1")[-1]
    assert (event["actor"], event["action"], event["changes"]["note"]) == ("alice", "relocate", "房租上涨")
    with pytest.raises(ConflictError, match="O1"):
        relocate_station(engine, "S1", *offset("O1", 200), actor="alice", profile=YIWU)
    still = read_table(engine, "stations", codes=["S1"]).geometry.iloc[0]
    assert geodesic_distance(still.x, still.y, *near_itself) < 0.01


def test_transfer_keeps_the_code_and_records_the_new_operator(engine, tmp_path):
    load_pair(engine, tmp_path)
    transfer_station(engine, "S1", "王五", actor="alice", note="原店主退休")
    stations = read_table(engine, "stations")
    assert list(stations["code"]).count("S1") == 1
    assert stations.set_index("code").loc["S1", "operator"] == "王五"
    event = history(engine, "stations", "S1")[-1]
    assert event["action"] == "transfer" and event["changes"]["operator"][1] == "王五" and event["actor"] == "alice"
    assert event["changes"]["on"] == china_today().isoformat()  # the day in China, whatever the server's zone
    with pytest.raises(UsageError):
        transfer_station(engine, "S1", "", actor="alice")
    with pytest.raises(ConflictError):
        transfer_station(engine, "S2", "赵六", actor="alice")  # closed
    moved = read_table(engine, "stations", codes=["S1"]).geometry.iloc[0]
    assert (moved.x, moved.y) == SITES["S1"]  # same place: only the operator changed


def test_approval_exactly_at_the_minimum_distance_passes(engine, tmp_path):
    """The decision re-check in the database (以上 includes 500 m), placed by pyproj.Geod.fwd."""
    g = offset("R1", 500, 90)  # R1: approved in the registry
    load_waiting_at(engine, tmp_path, {"E": offset("O1", 500, 140), "F": offset("S1", 500, 40), "G": g,
                                      "H": offset(g, 500, 90)})
    # H comes last: by then G, approved exactly 500 m away, is an existing station for it.
    for code, nearest, site in (("E", "nearest_outlet", "O1"), ("F", "nearest_station", "S1"),
                                ("G", "nearest_station", "R1"), ("H", "nearest_station", "G")):
        result = decide(engine, code, "approve", "勘察合格", actor="alice", profile=YIWU, lang="en")
        assert (result.status, result.verdict.verdict, result.verdict.reasons) == ("approved", "pass", [])
        assert result.verdict.as_dict()[nearest] == {"code": site, "distance_m": 500.0}


def test_approval_a_centimetre_short_fails_naming_the_compared_metres(engine, tmp_path):
    load_waiting_at(engine, tmp_path, {"E": offset("O1", 499.99, 140), "F": offset("S1", 499.99, 40)})
    for code, text in (("E", "499.99 m from post outlet O1, below the required 500 m"),
                       ("F", "499.99 m from existing station S1, below the required 500 m")):
        with pytest.raises(ConflictError) as caught:
            decide(engine, code, "approve", "勘察合格", actor="alice", profile=YIWU, lang="en")
        assert caught.value.message("en") == f"{code} cannot be approved now: {text}"
        assert _status(engine, code) == "submitted"


def test_relocation_exactly_at_the_minimum_distance_passes_and_a_centimetre_short_fails(engine, tmp_path):
    load_pair(engine, tmp_path)
    with pytest.raises(ConflictError) as caught:
        relocate_station(engine, "S1", *offset("O1", 499.99, 320), actor="alice", profile=YIWU, lang="en")
    assert caught.value.message("en") == "S1 cannot move there: 499.99 m from post outlet O1, below the required 500 m"
    verdict = relocate_station(engine, "S1", *offset("O1", 500, 320), actor="alice", profile=YIWU, lang="en")
    assert (verdict.verdict, verdict.reasons, verdict.as_dict()["nearest_outlet"]) == (
        "pass", [], {"code": "O1", "distance_m": 500.0})
    verdict = relocate_station(engine, "S1", *offset("R1", 500, 270), actor="alice", profile=YIWU, lang="en")
    assert (verdict.verdict, verdict.as_dict()["nearest_station"]) == ("pass", {"code": "R1", "distance_m": 500.0})
