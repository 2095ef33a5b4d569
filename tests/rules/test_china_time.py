"""China days: a moment stored in UTC belongs to the day it is in Beijing; quarters and their last working day."""

import datetime as dt

import pytest

from planner.rules.china_time import china_date, china_today, month_of, quarter_of
from planner.rules.workdays import last_workday

D = dt.date


@pytest.mark.parametrize(("moment", "day"), [
    (dt.datetime(2026, 11, 30, 15, 59, 59, tzinfo=dt.UTC), D(2026, 11, 30)),  # 23:59:59 in Beijing
    (dt.datetime(2026, 11, 30, 16, 0, tzinfo=dt.UTC), D(2026, 12, 1)),  # midnight in Beijing
    (dt.datetime(2026, 11, 30, 16, 30), D(2026, 12, 1)),  # naive: SQLite's UTC
    ("2026-12-31T16:00:00+00:00", D(2027, 1, 1)),
])
def test_a_stored_moment_is_the_day_it_is_in_china(moment, day):
    assert china_date(moment) == day


def test_today_in_china_is_utc_plus_8():
    before = dt.datetime.now(dt.UTC)
    today = china_today()
    after = dt.datetime.now(dt.UTC)
    assert today in {(before + dt.timedelta(hours=8)).date(), (after + dt.timedelta(hours=8)).date()}


@pytest.mark.parametrize(("day", "quarter"), [
    (D(2026, 1, 1), (D(2026, 1, 1), D(2026, 3, 31))),
    (D(2026, 6, 30), (D(2026, 4, 1), D(2026, 6, 30))),
    (D(2026, 7, 1), (D(2026, 7, 1), D(2026, 9, 30))),
    (D(2026, 12, 31), (D(2026, 10, 1), D(2026, 12, 31))),
    (D(9999, 12, 31), (D(9999, 10, 1), D(9999, 12, 31))),  # ?today=9999-12-31 on the work queue: no year 10000
])
def test_calendar_quarters(day, quarter):
    assert quarter_of(day) == quarter
    assert month_of(day) == f"{day.year}-{day.month:02d}"


@pytest.mark.parametrize(("day", "expected"), [
    (D(2026, 9, 30), (D(2026, 9, 30), True)),  # a Wednesday: itself
    (D(2024, 3, 31), (D(2024, 3, 29), True)),  # a Sunday: the Friday before
    (D(2026, 10, 7), (D(2026, 9, 30), True)),  # inside the National Day holiday
    (D(2030, 3, 31), (D(2030, 3, 29), False)),  # no official arrangements yet: Mon–Fri, said so
])
def test_last_working_day_on_or_before(day, expected):
    assert last_workday(day) == expected
