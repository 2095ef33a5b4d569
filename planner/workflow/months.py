"""Months as the monthly report counts them: 'YYYY-MM' text, a month's days in China Standard Time, and when
the month's statistics are due (by the 5th of the next month, seeds/001…, moved to the next working day).

Events are stored in UTC; a district post office works in China Standard Time (UTC+8, no daylight saving),
so an event at 20:00 UTC on the 31st belongs to the 1st of the next month (planner.rules.china_time).
"""

from __future__ import annotations

import datetime as dt
import re

from planner.errors import UsageError
from planner.rules.china_time import CHINA_TZ, china_today, month_of
from planner.rules.exits import month_index, month_text
from planner.rules.workdays import is_workday

__all__ = ["REPORT_DAY", "as_date", "last_complete_month", "month_bounds", "month_days", "parse_month", "report_due",
           "shift_month"]

REPORT_DAY = 5  # monthly statistics to the market department by the 5th of the next month (seeds/001…)
_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")
_FIRST_MONTH = "1900-01"


def parse_month(text, *, today: dt.date | None = None) -> str:
    """`text` as a month 'YYYY-MM' that has begun, from 1900; UsageError saying what was given otherwise."""
    text = str(text or "").strip()
    if not _MONTH.fullmatch(text):
        raise UsageError(f"month must be written YYYY-MM (e.g. 2026-09), got {text!r}",
                         f"月份应写作 YYYY-MM（如 2026-09），实际为“{text}”")
    if text > month_of(today or china_today()):
        raise UsageError(f"month {text} has not begun yet", f"{text} 月尚未开始")
    if text < _FIRST_MONTH:  # a report reaches a year and more back: year 0 is no date at all
        raise UsageError(f"month {text} is before 1900", f"{text} 早于 1900 年")
    return text


def last_complete_month(today: dt.date | None = None) -> str:
    """The month before the current one in China: the latest whose figures can be complete."""
    return shift_month(month_of(today or china_today()), -1)


def shift_month(month: str, by: int) -> str:
    """The month `by` months after `month` (before, when negative)."""
    return month_text(month_index(month) + by)


def month_days(month: str) -> tuple[dt.date, dt.date]:
    """The first and the last day of `month`."""
    first = dt.date(int(month[:4]), int(month[5:7]), 1)
    following = dt.date.fromisoformat(shift_month(month, 1) + "-01")
    return first, following - dt.timedelta(days=1)


def month_bounds(month: str) -> tuple[dt.datetime, dt.datetime]:
    """The month as [start, end) instants: midnight China time on its first day and on the next month's."""
    first, last = month_days(month)
    start = dt.datetime.combine(first, dt.time(), CHINA_TZ)
    return start, dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), CHINA_TZ)


def as_date(value) -> dt.date | None:
    """A stored day (a date, a datetime, ISO text) as a date; None for None or NaN."""
    if value is None or value != value:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def report_due(month: str) -> tuple[dt.date, bool]:
    """When `month`'s statistics are due: the 5th of the next month, or the first working day after it
    when it is not one (Chinese holiday calendar, make-up days included); and whether the calendar is
    official for that year (else Monday to Friday was assumed)."""
    day = dt.date.fromisoformat(shift_month(month, 1) + f"-{REPORT_DAY:02d}")
    working, exact = is_workday(day)
    while not working:
        day += dt.timedelta(days=1)
        working, known = is_workday(day)
        exact &= known
    return day, exact
