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
    """Working days after `start` up to and including `end` (negative when end is earlier).

    Counted at once, however far apart (a date typed a century off, ?today= on the work queue): the official
    calendar's days from running totals, the years beyond it (Monday to Friday) by whole weeks."""
    if end < start:
        return -workdays_between(end, start)
    before, last, running = _official_calendar()
    count = _weekdays(start, min(end, before)) if start < before else 0
    if end > last:
        count += _weekdays(max(start, last), end)
    low, high = max(start, before), min(end, last)
    if low < high:
        count += running[(high - before).days] - running[(low - before).days]
    return count


@lru_cache(maxsize=1)
def _official_calendar() -> tuple[dt.date, dt.date, list[int]]:
    """The day before the official calendar's first year, the last day of its last year, and running totals:
    item k is the working days in the k days after the first of these (chinese_calendar's own rule, read from
    its tables at once rather than through is_workday's checks on each call)."""
    import chinese_calendar

    years = [day.year for day in chinese_calendar.holidays]
    before, last = dt.date(min(years), 1, 1) - dt.timedelta(days=1), dt.date(max(years), 12, 31)
    running, total, day = [0], 0, before
    while day < last:
        day += dt.timedelta(days=1)
        total += day in chinese_calendar.workdays or (day.weekday() < 5 and day not in chinese_calendar.holidays)
        running.append(total)
    return before, last, running


def _weekdays(start: dt.date, end: dt.date) -> int:
    """Monday to Friday days after `start` up to and including `end` (start <= end)."""
    weeks, rest = divmod((end - start).days, 7)
    return weeks * 5 + sum((start.weekday() + k) % 7 < 5 for k in range(1, rest + 1))
