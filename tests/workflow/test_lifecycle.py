"""Opening an approved applicant as a station, and dated visits, on both backends: what is written, what is
refused (and then nothing changes), who is named."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from planner.errors import ConflictError, NotFoundError, UsageError
from planner.registry.tables import history, read_table
from planner.rules.china_time import china_today
from planner.rules.profiles import load_profile
from planner.workflow.decisions import decide
from planner.workflow.lifecycle import open_station, record_visit, site_visits
from tests.check_support import SITES
from tests.decision_support import A, load_pair

YIWU = load_profile("yiwu")
DAY = dt.timedelta(days=1)


def _approved(engine, tmp_path):
    """The small registry, applicants A and B waiting, A approved today (China)."""
    load_pair(engine, tmp_path)
    decide(engine, "A", "approve", "勘察合格", actor="alice", profile=YIWU)
    return china_today()


def _station(engine, code):
    frame = read_table(engine, "stations", codes=[code])
    return None if frame.empty else frame.iloc[0]


def _status(engine, code):
    return read_table(engine, "candidates", codes=[code])["status"].iloc[0]


def test_opening_makes_a_station_at_the_applicants_place_with_its_history(engine, tmp_path):
    today = _approved(engine, tmp_path)
    opening = open_station(engine, "A", on=today.isoformat(), operator=" 张三 ", actor="bob",
                           station_code="11011300123", note="挂牌营业")
    assert (opening.applicant, opening.station, opening.opened_on) == ("A", "11011300123", today)
    station = _station(engine, "11011300123")
    applicant = read_table(engine, "candidates", codes=["A"]).iloc[0]
    assert (station["name"], station["status"], station["operator"]) == ("商店A", "open", "张三")
    assert str(station["opened_on"]) == today.isoformat() and station["candidate_id"] == applicant["id"]
    assert (station.geometry.x, station.geometry.y) == pytest.approx(A, abs=1e-12)
    assert applicant["status"] == "opened"
    on_applicant = history(engine, "candidates", "A")[-1]
    on_station = history(engine, "stations", "11011300123")[-1]
    assert (on_applicant["actor"], on_applicant["action"]) == ("bob", "open")
    assert on_applicant["changes"] == {"status": ["approved", "opened"], "station": "11011300123",
                                       "opened_on": today.isoformat(), "note": "挂牌营业"}
    assert (on_station["actor"], on_station["action"], on_station["changes"]["applicant"]) == ("bob", "open", "A")
    assert on_station["changes"]["operator"] == [None, "张三"]


def test_the_station_code_defaults_to_the_applicants(engine, tmp_path):
    today = _approved(engine, tmp_path)
    assert open_station(engine, "A", on=today, operator="张三", actor="bob", station_code="  ").station == "A"
    assert _station(engine, "A")["status"] == "open"


@pytest.mark.parametrize(("change", "error", "words"), [
    ({"code": "B"}, ConflictError, "only an approved applicant"),  # B is still waiting
    ({"station_code": "S1"}, ConflictError, "a station with code S1 exists already"),
    ({"station_code": "S2"}, ConflictError, "exists already"),  # closed stations keep their code
    ({"on": "tomorrow"}, UsageError, "is not a date"),
    ({"operator": "  "}, UsageError, "operator is required"),
    ({"station_code": "X" * 65}, UsageError, "longer than 64"),
])
def test_refused_openings_change_nothing(engine, tmp_path, change, error, words):
    today = _approved(engine, tmp_path)
    args = {"code": "A", "on": today, "operator": "张三", "station_code": None} | change
    before = len(read_table(engine, "stations", include_deleted=True))
    with pytest.raises(error) as caught:
        open_station(engine, args.pop("code"), actor="bob", **args)
    assert words in caught.value.message("en")
    assert len(read_table(engine, "stations", include_deleted=True)) == before
    assert _status(engine, "A") == "approved" and history(engine, "candidates", "A")[-1]["action"] == "approve"


def test_an_opening_is_dated_neither_in_the_future_nor_before_the_approval(engine, tmp_path):
    today = _approved(engine, tmp_path)
    with pytest.raises(UsageError, match="in the future"):
        open_station(engine, "A", on=today + DAY, operator="张三", actor="bob")
    with pytest.raises(UsageError, match=r"before the approval \("):
        open_station(engine, "A", on=today - DAY, operator="张三", actor="bob")
    assert _station(engine, "A") is None
    with pytest.raises(NotFoundError):
        open_station(engine, "nobody", on=today, operator="张三", actor="bob")


def test_an_applicant_approved_before_the_registry_opens_on_any_past_day(engine, tmp_path):
    _approved(engine, tmp_path)
    assert open_station(engine, "R1", on="2025-03-01", operator="李四", actor="bob").station == "R1"
    assert str(_station(engine, "R1")["opened_on"]) == "2025-03-01"


def test_an_applicant_opens_once(engine, tmp_path):
    today = _approved(engine, tmp_path)
    open_station(engine, "A", on=today, operator="张三", actor="bob")
    with pytest.raises(ConflictError, match="is opened"):
        open_station(engine, "A", on=today, operator="张三", actor="bob", station_code="other")


def test_two_simultaneous_openings_make_one_station(engine, tmp_path):
    today = _approved(engine, tmp_path)
    start = threading.Barrier(2)
    results = []

    def opening(code):
        start.wait()
        try:
            results.append(open_station(engine, "A", on=today, operator="张三", actor="bob", station_code=code).station)
        except ConflictError:
            results.append("conflict")

    threads = [threading.Thread(target=opening, args=(code,)) for code in ("X1", "X2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results)[-1] == "conflict" and sorted(results)[0] in ("X1", "X2")
    assert len(read_table(engine, "stations", codes=["X1", "X2"])) == 1


def test_visits_are_dated_events_naming_the_actor(engine, tmp_path):
    today = _approved(engine, tmp_path)
    assert record_visit(engine, "candidates", "A", "install", today, " 终端已装 ", actor="carol") == \
        {"on": today.isoformat(), "note": "终端已装"}
    open_station(engine, "A", on=today, operator="张三", actor="bob", station_code="BM9")
    record_visit(engine, "stations", "BM9", "follow_up", today.isoformat(), actor="dave")
    record_visit(engine, "stations", "BM9", "inspect", today, "卫生良好", actor="erin")
    last = history(engine, "stations", "BM9")[-1]
    assert (last["actor"], last["action"], last["changes"]) == ("erin", "inspect",
                                                                {"on": today.isoformat(), "note": "卫生良好"})
    visits = site_visits(engine, "stations", "BM9")
    assert {(v["kind"], v["table"], v["code"], v["actor"]) for v in visits} == {
        ("install", "candidates", "A", "carol"), ("follow_up", "stations", "BM9", "dave"),
        ("inspect", "stations", "BM9", "erin")}
    assert {v["kind"] for v in site_visits(engine, "candidates", "A")} == {"install", "follow_up", "inspect"}


def test_visit_dates_follow_the_approval_and_the_opening_and_never_the_future(engine, tmp_path):
    today = _approved(engine, tmp_path)
    with pytest.raises(UsageError, match="before the approval"):
        record_visit(engine, "candidates", "A", "install", today - DAY, actor="carol")
    with pytest.raises(UsageError, match="in the future"):
        record_visit(engine, "candidates", "A", "install", today + DAY, actor="carol")
    record_visit(engine, "candidates", "A", "install", today, actor="carol")  # the approval day itself
    open_station(engine, "A", on=today, operator="张三", actor="bob", station_code="BM9")
    for kind in ("follow_up", "inspect"):
        with pytest.raises(UsageError, match=r"before the opening \("):
            record_visit(engine, "stations", "BM9", kind, today - DAY, actor="dave")
    with pytest.raises(UsageError, match="before the approval"):
        record_visit(engine, "stations", "BM9", "install", today - DAY, actor="dave")
    # S1 was imported without an opening date: nothing to follow, any past date will do.
    record_visit(engine, "stations", "S1", "inspect", dt.date(2024, 3, 10), actor="dave")
    assert [e["action"] for e in history(engine, "stations", "BM9")] == ["open"]


@pytest.mark.parametrize(("table", "code", "kind", "error", "words"), [
    ("candidates", "B", "install", ConflictError, "installation follows an approval"),
    ("stations", "S2", "inspect", ConflictError, "is closed: no more visits"),
    ("candidates", "A", "follow_up", UsageError, "recorded on a station"),
    ("stations", "S1", "party", UsageError, "unknown visit"),
    ("stations", "S9", "inspect", NotFoundError, "no station with id 'S9'"),
])
def test_refused_visits(engine, tmp_path, table, code, kind, error, words):
    today = _approved(engine, tmp_path)
    with pytest.raises(error) as caught:
        record_visit(engine, table, code, kind, today, actor="dave")
    assert words in caught.value.message("en")
    assert not site_visits(engine, "stations", "S1") and set(SITES) >= {"S1", "S2"}


def test_a_long_note_or_a_bad_date_is_refused(engine, tmp_path):
    today = _approved(engine, tmp_path)
    with pytest.raises(UsageError, match="longer than 2000"):
        record_visit(engine, "stations", "S1", "inspect", today, "长" * 2001, actor="dave")
    with pytest.raises(UsageError, match="is not a date"):
        record_visit(engine, "stations", "S1", "inspect", "2026-02-30", actor="dave")
