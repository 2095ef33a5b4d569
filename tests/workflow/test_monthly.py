"""The monthly report's figures on a hand-built registry (tests/monthly_support.py), both backends."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from planner.registry.reports import first_production, read_events
from planner.rules.profiles import ExitRule, load_profile
from planner.workflow.monthly import monthly_report, station_months
from tests.conftest import BACKENDS
from tests.monthly_support import MONTH, TODAY, load_monthly_registry, module_registry, utc, write_past_event

YIWU = load_profile("yiwu")


@pytest.fixture(scope="module", params=BACKENDS)
def registry(request, tmp_path_factory):
    """The September registry, built once per backend for this module (the tests only read it)."""
    yield from module_registry(request, tmp_path_factory, "monthly")


@pytest.fixture(scope="module")
def september(registry):
    return monthly_report(registry, YIWU, MONTH, today=TODAY)


def _by_code(rows):
    return {r["code"]: r for r in rows}


def test_each_station_against_the_months_before(september):
    assert september.threshold == 20
    assert september.earlier == ("2026-08", "2026-07", "2026-06", "2025-09")  # a year earlier has a figure
    # Not deleted and opened by the month's end; a closed station only with a figure or closed since.
    assert [s["code"] for s in september.stations] == ["S7", "S5", "S1", "S3", "S6"]
    s = _by_code(september.stations)
    assert s["S1"]["counts"] == {"2026-09": 19, "2026-08": 25, "2026-07": 21, "2026-06": 22, "2025-09": 40}
    assert (s["S1"]["change"], s["S1"]["change_share"], s["S1"]["below_threshold"]) == (-6, -0.24, True)
    assert (s["S5"]["count"], s["S5"]["below_threshold"], s["S5"]["counts"]["2026-07"]) == (20, False, None)
    assert (s["S5"]["change"], s["S5"]["change_share"]) == (8, 0.6667)
    assert (s["S3"]["count"], s["S3"]["below_threshold"], s["S3"]["change"]) == (0, True, None)  # zero is a figure
    assert (s["S6"]["count"], s["S6"]["below_threshold"], s["S6"]["change"]) == (None, None, None)  # missing
    assert (s["S1"]["area_code"], s["S1"]["parent_code"], s["S1"]["parent_name"]) == ("A1", "T1", "示例镇")
    assert s["S7"]["area_code"] is None and s["S7"]["name"].startswith("@")
    summary = september.summary()
    assert (summary["stations"], summary["reporting"], summary["missing"], summary["below_threshold"]) == (5, 4, 1, 2)
    assert (summary["total"], summary["previous_total"]) == (139, 135)


def test_areas_and_parent_areas_this_month_and_last(september):
    areas = _by_code(september.areas)
    assert [a["code"] for a in september.areas] == ["A2", "A1", None]  # by count; outside every area last
    assert {k: areas["A1"][k] for k in ("stations", "count", "reporting", "previous", "previous_reporting",
                                        "change")} == {"stations": 2, "count": 19, "reporting": 1, "previous": 33,
                                                       "previous_reporting": 2, "change": -14}
    assert (areas["A2"]["count"], areas["A2"]["previous"], areas["A2"]["change_share"]) == (20, 12, 0.6667)
    assert (areas[None]["count"], areas[None]["previous"]) == (100, 90)
    parents = _by_code(september.parents)
    assert (parents["T1"]["name"], parents["T1"]["count"], parents["T1"]["previous"]) == ("示例镇", 39, 45)
    assert [a["code"] for a in september.charted_areas] == ["A2", "A1"]
    assert [s["code"] for s in september.charted_stations] == ["S7", "S5", "S1", "S3"]


def test_the_last_twelve_months_total_with_missing_months(september):
    history = {h["month"]: (h["total"], h["reporting"]) for h in september.history}
    assert list(history) == [f"2025-{m}" for m in ("10", "11", "12")] + [f"2026-{m:02d}" for m in range(1, 10)]
    assert history["2026-09"] == (139, 4) and history["2026-08"] == (135, 4)
    assert history["2026-07"] == (31, 2) and history["2026-06"] == (52, 2)
    assert history["2026-05"] == (None, 0)  # no figure at all: missing, not 0


def test_changes_of_the_month_by_china_time(registry, september):
    changes = [(c["on"].isoformat(), c["kind"], c["code"]) for c in september.changes]
    assert changes == [("2026-09-01", "relocated", "S1"),  # 16:30 UTC on 31 Aug
                       ("2026-09-10", "opened", "S3"),
                       ("2026-09-20", "listed_for_exit", "S5"),  # read from the status change, whatever the action
                       ("2026-09-30", "transferred", "S7")]  # 23:59 China time
    assert september.changes[-1]["detail"] == "甲 → 乙" and september.changes[0]["note"] == "迁"
    october = monthly_report(registry, YIWU, "2026-10", today=TODAY)
    assert [(c["kind"], c["code"]) for c in october.changes] == [("closed", "S6"), ("opened", "S4")]
    assert "S4" in _by_code(october.stations) and "S5" in _by_code(october.stations)


def test_applicants_received_and_decided_with_survey_deadlines(registry, september):
    received = {a["code"]: (a["survey_due"].isoformat(), a["surveyed_on"], a["deadline"]) for a in september.received}
    assert list(received) == ["C1", "C2", "C3", "C6"]
    # C1: due 9 Oct after the National Day holidays; surveyed 00:30 on the 10th China time (the 9th in UTC).
    assert received["C1"] == ("2026-10-09", dt.date(2026, 10, 10), "missed")
    assert received["C2"] == ("2026-09-04", dt.date(2026, 9, 3), "met")
    assert received["C3"] == ("2026-09-18", None, "missed")  # never surveyed, past due
    # C6: reported on the Mid-Autumn holiday (25 Sep), due the 30th, asked for more 00:30 on 1 Oct China time.
    assert received["C6"] == ("2026-09-30", dt.date(2026, 10, 1), "missed")
    decided = [(a["code"], a["decision"], a["decided_on"].isoformat(), a["deadline"]) for a in september.decided]
    assert decided == [("C5", "reject", "2026-09-01", "met"),  # the decision is its survey day
                       ("C4", "approve", "2026-09-02", "missed")]  # surveyed 26 Aug, due 25 Aug
    summary = september.summary()
    assert (summary["received"], summary["decided"], summary["deadline_met"], summary["deadline_missed"]) == \
        (4, 2, 2, 4)
    early = monthly_report(registry, YIWU, MONTH, today=dt.date(2026, 9, 16))
    assert _by_code(early.received)["C3"]["deadline"] == "pending"


def test_due_date_and_production_in_time(registry, september):
    assert september.production.due == dt.date(2026, 10, 8)  # 5 Oct is in the National Day holidays
    assert september.production.first_produced == dt.datetime(2026, 10, 8, 15, 30, tzinfo=dt.UTC)
    assert september.production.state == "in_time"  # 23:30 China time on the due day
    august = monthly_report(registry, YIWU, "2026-08", today=TODAY).production
    assert (august.due, august.state) == (dt.date(2026, 9, 7), "late")  # 00:30 on the 8th China time
    october = monthly_report(registry, YIWU, "2026-10", today=TODAY).production
    assert (october.due, october.first_produced, october.state) == (dt.date(2026, 11, 5), None, "not_yet")
    later = monthly_report(registry, YIWU, "2026-10", today=dt.date(2026, 11, 6)).production
    assert later.state == "overdue"


def test_coverage_at_month_end_or_as_generated(registry, september):
    assert september.coverage_as_of == "month_end" and september.coverage_problem is None
    assert september.coverage["areas"] == 2 and 0 < september.coverage["covered_share"] < 1
    old = monthly_report(registry, YIWU, "2026-06", today=TODAY)
    assert old.coverage_as_of == "generation"


def test_coverage_that_cannot_be_computed_is_said(registry):
    walking = monthly_report(registry, load_profile("heilongjiang"), MONTH, today=TODAY)  # no road network
    assert walking.coverage is None and "planner import network" in walking.coverage_problem.en
    assert walking.summary()["stations"] == 5  # the rest of the report stands


def test_a_profile_with_another_threshold(registry):
    strict = dataclasses.replace(YIWU, exit=ExitRule(min_monthly_count=25))
    report = monthly_report(registry, strict, MONTH, today=TODAY)
    assert report.threshold == 25
    assert {s["code"]: s["below_threshold"] for s in report.stations} == \
        {"S7": False, "S5": True, "S1": True, "S3": True, "S6": None}


def test_station_months_for_the_station_page(registry):
    months = station_months(registry, "S1", "2026-10", n=24)
    assert len(months.months) == 24 and months.months[0] == "2024-11" and months.months[-1] == "2026-10"
    counts = dict(zip(months.months, months.counts))
    assert counts["2026-09"] == 19 and counts["2025-09"] == 40 and counts["2026-10"] is None
    assert sum(c is not None for c in months.counts) == 5
    assert station_months(registry, "S2", "2026-10").counts == (None,) * 24


def test_report_events_read_back_in_utc(registry):
    assert first_production(registry, "monthly-2026-09") == dt.datetime(2026, 10, 8, 15, 30, tzinfo=dt.UTC)
    assert first_production(registry, "monthly-1999-01") is None
    start = dt.datetime(2026, 9, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    events = read_events(registry, ("stations",), since=start, until=start + dt.timedelta(days=30))
    assert [e["code"] for e in events] == ["S1", "S5", "S7"] and events[0]["at"].tzinfo is not None


def test_a_production_before_the_month_is_over_does_not_count(engine, tmp_path):
    """Downloading October's report on 20 October (figures not in) is history, not the month's report."""
    load_monthly_registry(engine, tmp_path)
    write_past_event(engine, utc("2026-10-20 02:00"), "reports", "monthly-2026-10", "produce", {"format": ".xlsx"})
    early = monthly_report(engine, YIWU, "2026-10", today=dt.date(2026, 11, 3)).production
    assert (early.first_produced, early.state) == (None, "not_yet")
    write_past_event(engine, utc("2026-10-31 16:30"), "reports", "monthly-2026-10", "produce", {"format": ".xlsx"})
    produced = monthly_report(engine, YIWU, "2026-10", today=dt.date(2026, 11, 3)).production
    assert (produced.first_produced, produced.state) == (utc("2026-10-31 16:30"), "in_time")  # 1 Nov in China


def test_an_applicant_reported_at_the_end_of_the_calendar_breaks_no_report(engine, tmp_path):
    from tests.file_support import load_file, write_xlsx

    load_monthly_registry(engine, tmp_path)
    load_file(engine, write_xlsx(tmp_path / "far.xlsx", ["序号", "店名", "状态", "报送日期", "经度", "纬度"],
                                 [["C9", "哨兵", "待勘察", "9999-12-31", 116.617, 40.107]]), "candidates")
    write_past_event(engine, utc("2026-09-10 02:00"), "candidates", "C9", "reject",
                     {"status": ["submitted", "rejected"]})
    decided = _by_code(monthly_report(engine, YIWU, MONTH, today=TODAY).decided)["C9"]
    assert (decided["survey_due"], decided["deadline"]) == (dt.date.max, "met")
