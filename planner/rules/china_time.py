"""The calendar day in China (Asia/Shanghai, UTC+8), where every district post office works.

A server runs in UTC; between 16:00 and 24:00 UTC it is already tomorrow in China. Deadlines, "a month in
the future" and the day a decision was made are all China days.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

__all__ = ["CHINA_TZ", "china_date", "china_today", "month_of", "quarter_of"]

CHINA_TZ = ZoneInfo("Asia/Shanghai")


def china_today() -> dt.date:
    """Today's date in China."""
    return dt.datetime.now(CHINA_TZ).date()


def china_date(moment: dt.datetime | str) -> dt.date:
    """The China date of a stored moment (timezone-aware, or naive meaning UTC; ISO text accepted)."""
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment)
    if moment.tzinfo is None:  # SQLite hands back naive UTC
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(CHINA_TZ).date()


def month_of(day: dt.date) -> str:
    """'YYYY-MM' of a date."""
    return f"{day.year:04d}-{day.month:02d}"


def quarter_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of the calendar quarter holding `day`."""
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = dt.date(day.year, first_month, 1)
    if first_month == 10:
        return start, dt.date(day.year, 12, 31)
    return start, dt.date(day.year, first_month + 3, 1) - dt.timedelta(days=1)
