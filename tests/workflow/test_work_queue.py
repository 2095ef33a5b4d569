"""The work queue on both backends: each kind of task, its due date in Chinese working days at the edges
(due today, one working day late), done once the visit is recorded; one more source is one more kind."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.errors import UsageError
from planner.rules.china_time import china_today
from planner.rules.profiles import load_profile
from planner.rules.workdays import add_workdays
from planner.workflow import review
from planner.workflow.deadlines import follow_up_owed, site_tasks
from planner.workflow.decisions import decide, update_facts
from planner.workflow.lifecycle import open_station, record_visit
from planner.workflow.review import task_counts, work_queue
from planner.workflow.tasks import Task
from tests.decision_support import load_pair
from tests.file_support import load_file, write_xlsx

YIWU = load_profile("yiwu")
D = dt.date


def _tasks(engine, today, kind):
    return {t.code: t for t in work_queue(engine, today, kinds=[kind])}


def _next_workday(day):
    return add_workdays(day, 1)[0]


def test_survey_due_three_working_days_after_the_report(engine, tmp_path):
    load_pair(engine, tmp_path)  # A and B reported Monday 16 Nov 2026; R2 without a date
    due_day = _tasks(engine, D(2026, 11, 19), "survey")
    assert (due_day["A"].due, due_day["A"].workdays_left, due_day["A"].overdue) == (D(2026, 11, 19), 0, False)
    assert due_day["R2"].due is None and not due_day["R2"].overdue
    late = _tasks(engine, D(2026, 11, 20), "survey")["A"]
    assert (late.workdays_left, late.overdue) == (-1, True)
    assert late.detail == {"reported_on": D(2026, 11, 16)}


def test_decisions_wait_without_a_deadline_and_leave_once_decided(engine, tmp_path):
    load_pair(engine, tmp_path)
    update_facts(engine, "A", {"area_m2": "30"}, actor="alice")
    decide(engine, "B", "needs_info", "执照不清", actor="alice", profile=YIWU)
    waiting = _tasks(engine, D(2026, 11, 30), "decision")
    assert set(waiting) == {"A", "B"} and waiting["B"].detail["status"] == "needs_info"
    assert waiting["A"].due is None and waiting["A"].workdays_left is None
    assert "A" not in _tasks(engine, D(2026, 11, 30), "survey")
    decide(engine, "A", "reject", "放弃", actor="alice", profile=YIWU)
    assert set(_tasks(engine, D(2026, 11, 30), "decision")) == {"B"}


def test_installation_due_ten_working_days_after_the_approval_until_it_is_recorded(engine, tmp_path):
    load_pair(engine, tmp_path)
    decide(engine, "A", "approve", "勘察合格", actor="alice", profile=YIWU)
    approved = china_today()  # the approval event's day in Asia/Shanghai
    due, exact = add_workdays(approved, 10)
    task = _tasks(engine, approved, "install")["A"]
    assert (task.table, task.due, task.workdays_left, task.exact_calendar) == ("candidates", due, 10, exact)
    assert task.detail == {"approved_on": approved}
    assert not _tasks(engine, due, "install")["A"].overdue
    assert _tasks(engine, _next_workday(due), "install")["A"].workdays_left == -1
    # R1 was imported as approved: still to install, with no date to count from.
    assert _tasks(engine, approved, "install")["R1"].due is None
    record_visit(engine, "candidates", "A", "install", approved, actor="carol")
    assert "A" not in _tasks(engine, approved, "install")


def test_installation_follows_the_applicant_to_its_station(engine, tmp_path):
    load_pair(engine, tmp_path)
    decide(engine, "A", "approve", "勘察合格", actor="alice", profile=YIWU)
    today = china_today()
    open_station(engine, "A", on=today, operator="张三", actor="bob", station_code="BM9")
    task = _tasks(engine, today, "install")
    assert "A" not in task and (task["BM9"].table, task["BM9"].name) == ("stations", "商店A")
    assert [t.kind for t in site_tasks(engine, "stations", "BM9", today)] == ["install", "follow_up", "inspect"]
    assert site_tasks(engine, "candidates", "A", today) == []  # the work moved to the station's page
    record_visit(engine, "stations", "BM9", "install", today, actor="carol")
    assert "BM9" not in _tasks(engine, today, "install")


def test_follow_up_due_seven_working_days_after_opening_until_the_visit(engine, tmp_path):
    load_pair(engine, tmp_path)
    decide(engine, "A", "approve", "勘察合格", actor="alice", profile=YIWU)
    today = china_today()
    open_station(engine, "A", on=today, operator="张三", actor="bob", station_code="BM9")
    due, _ = add_workdays(today, 7)
    task = _tasks(engine, today, "follow_up")["BM9"]
    assert (task.due, task.workdays_left, task.detail) == (due, 7, {"opened_on": today})
    assert _tasks(engine, _next_workday(due), "follow_up")["BM9"].overdue
    record_visit(engine, "stations", "BM9", "follow_up", today, actor="dave")
    assert "BM9" not in _tasks(engine, today, "follow_up")


def test_imported_stations_owe_a_follow_up_only_when_it_fell_due_after_they_were_recorded(engine, tmp_path):
    today = china_today()
    recent, old = today - dt.timedelta(days=2), D(2019, 5, 6)
    path = write_xlsx(tmp_path / "st.xlsx", ["机构号", "名称", "状态", "开业日期", "经度", "纬度"],
                      [["N1", "新站", "营业", recent.isoformat(), 116.60, 40.10],
                       ["N2", "老站", "营业", old.isoformat(), 116.61, 40.10],
                       ["N3", "关闭站", "已关闭", recent.isoformat(), 116.62, 40.10]])
    load_file(engine, path, "stations")
    assert set(_tasks(engine, today, "follow_up")) == {"N1"}


def test_an_opening_day_at_the_end_of_the_calendar_does_not_break_the_queue(engine, tmp_path):
    """9999-12-31 (a sentinel some systems write for 'not yet'): no date lies 7 working days after it."""
    path = write_xlsx(tmp_path / "st.xlsx", ["机构号", "名称", "状态", "开业日期", "经度", "纬度"],
                      [["FAR", "哨兵站", "营业", "9999-12-31", 116.60, 40.10]])
    load_file(engine, path, "stations")
    task = {t.code: t for t in work_queue(engine, D(2026, 11, 30))}["FAR"]
    assert (task.kind, task.due, task.exact_calendar, task.overdue) == ("follow_up", dt.date.max, False, False)
    assert [t.kind for t in site_tasks(engine, "stations", "FAR", D(2026, 11, 30))] == ["follow_up"]


@pytest.mark.parametrize(("opened", "candidate_id", "created", "owed"), [
    (D(2026, 11, 27), None, dt.datetime(2026, 12, 8, 15, 59, tzinfo=dt.UTC), True),  # due 8 Dec, recorded that day
    (D(2026, 11, 27), None, dt.datetime(2026, 12, 8, 16, 0, tzinfo=dt.UTC), False),  # recorded 9 Dec (Beijing)
    (D(2019, 5, 6), 7, dt.datetime(2026, 12, 9, tzinfo=dt.UTC), True),  # opened through the product
    (None, None, dt.datetime(2026, 12, 1, tzinfo=dt.UTC), False),  # no opening date
])
def test_which_stations_owe_a_follow_up(opened, candidate_id, created, owed):
    station = {"opened_on": opened, "status": "open", "candidate_id": candidate_id, "created_at": created}
    assert follow_up_owed(station) is owed
    assert follow_up_owed(station | {"status": "closed"}) is False


def test_every_open_station_is_inspected_each_quarter_by_its_last_working_day(engine, tmp_path):
    load_pair(engine, tmp_path)  # S1 open, S2 closed
    q1 = _tasks(engine, D(2024, 3, 15), "inspect")
    assert set(q1) == {"S1"} and q1["S1"].due == D(2024, 3, 29)  # 31 March 2024 is a Sunday
    assert q1["S1"].detail == {"quarter": "2024Q1"}
    weekend = _tasks(engine, D(2024, 3, 31), "inspect")["S1"]  # the Sunday after the due Friday
    assert (weekend.workdays_left, weekend.overdue) == (0, False)
    assert _tasks(engine, D(2024, 4, 1), "inspect")["S1"].detail == {"quarter": "2024Q2"}  # a new quarter
    record_visit(engine, "stations", "S1", "inspect", D(2024, 3, 31), actor="erin")  # the quarter's last day
    assert _tasks(engine, D(2024, 3, 15), "inspect") == {}
    q2 = _tasks(engine, D(2024, 4, 1), "inspect")
    assert q2["S1"].due == D(2024, 6, 28) and q2["S1"].detail == {"quarter": "2024Q2"}
    record_visit(engine, "stations", "S1", "inspect", D(2024, 4, 1), actor="erin")
    assert _tasks(engine, D(2024, 5, 1), "inspect") == {}
    assert "S1" in _tasks(engine, D(2024, 7, 1), "inspect")


def test_the_queue_sorts_by_due_date_and_counts_each_kind(engine, tmp_path):
    load_pair(engine, tmp_path)
    update_facts(engine, "B", {"area_m2": "30"}, actor="alice")
    tasks = work_queue(engine, D(2026, 11, 20))
    assert [(t.kind, t.code) for t in tasks] == [
        ("survey", "A"), ("inspect", "S1"), ("decision", "B"), ("survey", "R2"), ("install", "R1")]
    assert task_counts(tasks) == {"survey": (2, 1), "decision": (1, 0), "install": (1, 0), "follow_up": (0, 0),
                                  "inspect": (1, 0), "exit_decision": (0, 0)}
    with pytest.raises(UsageError, match="unknown kind of task 'nap'"):
        work_queue(engine, D(2026, 11, 20), kinds=["nap"])


def test_one_more_source_is_one_more_kind_of_task(engine, tmp_path, monkeypatch):
    load_pair(engine, tmp_path)

    def calls(snapshot, today):
        return [Task("call", "stations", s["code"], s["name"], today, 0, True, {})
                for s in snapshot.stations if s["status"] == "open"]

    monkeypatch.setitem(review.TASK_SOURCES, "call", calls)
    tasks = work_queue(engine, D(2026, 11, 20), kinds=["call"])
    assert [(t.kind, t.code) for t in tasks] == [("call", "S1")]
    assert task_counts(work_queue(engine, D(2026, 11, 20)))["call"] == (1, 0)
