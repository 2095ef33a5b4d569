"""Dates, times and history lines as each interface language writes them."""

import datetime as dt

from planner.web.formatting import (
    describe_changes,
    format_date,
    format_datetime,
    format_number,
)


def test_dates_and_times_in_china_time_per_language():
    utc = dt.datetime(2026, 9, 30, 17, 5, tzinfo=dt.UTC)  # 01:05 on 1 October in Beijing
    assert format_datetime(utc, "zh") == "2026年10月1日 01:05"
    assert format_datetime(utc, "en") == "1 Oct 2026 01:05"
    assert format_date(dt.date(2026, 2, 3), "zh") == "2026年2月3日"
    assert format_date(dt.date(2026, 2, 3), "en") == "3 Feb 2026"
    assert format_date(None, "en") == ""


def test_numbers_are_grouped_and_missing_ones_are_blank():
    assert format_number(1234567.891, 1) == "1,234,567.9"
    assert format_number(float("nan")) == "" and format_number(None) == ""


def test_history_lines_name_fields_values_and_notes():
    changes = {"area_m2": [20.0, 35.5], "signage": [None, True], "status": ["submitted", "surveyed"],
               "note": "店面已扩建", "profile": "yiwu", "verdict": {"verdict": "pass"}}
    assert describe_changes(changes, "zh") == [
        "营业面积（平方米）: 20 → 35.5", "户外标识位: 未填 → 有", "状态: 待勘察 → 待决定", "说明: 店面已扩建",
        "结论: 通过"]
    assert describe_changes(changes, "en")[0] == "Floor area (m²): 20 → 35.5"
