"""Months of the monthly report: YYYY-MM text, China days, and the due date moved by the holiday calendar."""

import datetime as dt

import pytest

from planner.errors import UsageError
from planner.workflow.months import month_bounds, month_days, parse_month, report_due, shift_month

D = dt.date


@pytest.mark.parametrize(("month", "due"), [
    ("2026-09", D(2026, 10, 8)),  # 5 Oct falls in the National Day holidays (1–7 Oct): the 8th
    ("2026-04", D(2026, 5, 6)),  # 5 May is the last day of the Labour Day holidays
    ("2026-08", D(2026, 9, 7)),  # 5 Sep is a Saturday
    ("2026-03", D(2026, 4, 7)),  # 5 Apr is Qingming, the 6th its day off in lieu
    ("2026-10", D(2026, 11, 5)),  # a Thursday: due that day
    ("2025-12", D(2026, 1, 5)),  # the next year
])
def test_due_on_the_5th_or_the_next_working_day(month, due):
    assert report_due(month) == (due, True)


def test_a_year_without_an_official_calendar_is_an_estimate():
    due, exact = report_due("2035-05")
    assert due == D(2035, 6, 5) and exact is False  # a Tuesday, Monday to Friday assumed


def test_months_and_their_days_in_china():
    assert shift_month("2026-01", -1) == "2025-12" and shift_month("2025-12", 13) == "2027-01"
    assert month_days("2024-02") == (D(2024, 2, 1), D(2024, 2, 29))
    start, end = month_bounds("2026-09")
    assert start.astimezone(dt.UTC) == dt.datetime(2026, 8, 31, 16, tzinfo=dt.UTC)
    assert end.astimezone(dt.UTC) == dt.datetime(2026, 9, 30, 16, tzinfo=dt.UTC)


@pytest.mark.parametrize(("text", "fragment"), [
    ("2026-13", "YYYY-MM"), ("2026-9", "YYYY-MM"), ("September", "YYYY-MM"), ("", "YYYY-MM"),
    ("2026-12", "has not begun"), ("0000-01", "before 1900"), ("0001-01", "before 1900"),
])
def test_bad_months_say_what_was_given(text, fragment):
    with pytest.raises(UsageError, match=fragment) as caught:
        parse_month(text, today=D(2026, 11, 30))
    assert text in caught.value.en and text in caught.value.zh


def test_the_month_under_way_may_be_reported():
    assert parse_month(" 2026-11 ", today=D(2026, 11, 30)) == "2026-11"
