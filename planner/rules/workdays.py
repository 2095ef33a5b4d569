"""Working days by the Chinese public-holiday calendar, make-up working days included.

Uses the `chinesecalendar` package (official State Council arrangements). For
years it has no data for, Monday to Friday count as working days and the
answer says it is an estimate.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

__all__ = ["add_workdays", "is_workday", "last_workday", "workdays_between"]


@lru_cache(maxsize=8192)  # chinese_calendar checks its whole year range on every call: ~60 µs a day
def is_workday(day: dt.date) -> tuple[bool, bool]:
    """(is it a working day, is that from the official calendar rather than Mon–Fri)."""
    import chinese_calendar

    try:
        return bool(chinese_calendar.is_workday(day)), True
    except NotImplementedError:  # a year the package has no arrangements for
        return day.weekday() < 5, False


def add_workdays(start: dt.date, days: int) -> tuple[dt.date, bool]:
    """The date `days` working days after `start` (start itself not counted), and whether exact."""
    day, exact, counted = start, True, 0
    while counted < days:
        day += dt.timedelta(days=1)
        working, known = is_workday(day)
        exact &= known
        counted += working
    return day, exact


def last_workday(day: dt.date) -> tuple[dt.date, bool]:
    """The last working day on or before `day`, and whether exact (e.g. a quarter's last working day)."""
    exact = True
    while True:
        working, known = is_workday(day)
        exact &= known
        if working:
            return day, exact
        day -= dt.timedelta(days=1)


def workdays_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (negative when end is earlier)."""
    if end < start:
        return -workdays_between(end, start)
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        count += is_workday(day)[0]
    return count
