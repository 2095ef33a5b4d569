"""Dates, numbers, percentages and positions written the way each language writes them, for every interface.

One layer for pages, exports and the command line. Instants are stored in UTC
and always shown in China time (Asia/Shanghai, UTC+8), where every district post
office works; a naive instant means UTC (SQLite hands them back so). No web
framework here: the report files and the CLI use it outside any request.
"""

from __future__ import annotations

import datetime as dt
import math
from zoneinfo import ZoneInfo

__all__ = ["CHINA_TZ", "COORDINATE_DIGITS", "EXCEL_COORDINATE", "EXCEL_INTEGER", "EXCEL_NUMBER", "EXCEL_PERCENT",
           "china_time", "format_coordinate", "format_date", "format_datetime", "format_number", "format_percent",
           "format_position", "plain_number"]

CHINA_TZ = ZoneInfo("Asia/Shanghai")
COORDINATE_DIGITS = 6  # about 0.1 m: enough to find a shop door, never rounded to whole degrees
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# Excel number formats for the same kinds of figure.
EXCEL_PERCENT = "0.0%"
EXCEL_COORDINATE = "0.000000"
EXCEL_INTEGER = "#,##0"
EXCEL_NUMBER = "#,##0.0"


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value != value


def china_time(value):
    """An instant (aware, naive UTC, or ISO text) as a China-time datetime; a date or anything else unchanged."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(CHINA_TZ)
    return value


def format_number(value, digits: int = 0, lang: str | None = None) -> str:
    """`1,178` / `12.5`: thousands separated, `digits` decimals; empty for a missing figure."""
    if _missing(value):
        return ""
    return f"{float(value):,.{digits}f}"


def plain_number(value):
    """A figure as a spreadsheet or script should hold it: a whole float becomes an int (1178.0 → 1178)."""
    if isinstance(value, float) and not math.isnan(value) and value.is_integer() and abs(value) < 2 ** 53:
        return int(value)
    return value


def format_percent(share, digits: int = 1, lang: str | None = None) -> str:
    """A share (0.461) as `46.1%`; empty when missing."""
    if _missing(share):
        return ""
    return f"{float(share) * 100:,.{digits}f}%"


def format_coordinate(value) -> str:
    """A longitude or latitude with six decimals (never rounded to whole degrees)."""
    if _missing(value):
        return ""
    return f"{float(value):.{COORDINATE_DIGITS}f}"


def format_position(lon, lat, lang: str = "zh") -> str:
    """`经度 116.740000，纬度 40.020000` / `lon 116.740000, lat 40.020000`."""
    if _missing(lon) or _missing(lat):
        return ""
    if lang == "zh":
        return f"经度 {format_coordinate(lon)}，纬度 {format_coordinate(lat)}"
    return f"lon {format_coordinate(lon)}, lat {format_coordinate(lat)}"


def format_date(value, lang: str = "zh") -> str:
    """A day (or an instant, taken in China time): `2026年10月8日` / `8 Oct 2026`."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value) if len(value) == 10 else dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    value = china_time(value)
    if _missing(value) or not isinstance(value, dt.date):
        return "" if _missing(value) else str(value)
    if lang == "zh":
        return f"{value.year}年{value.month}月{value.day}日"
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def format_datetime(value, lang: str = "zh") -> str:
    """An instant in China time: `2026年11月30日 13:04` / `30 Nov 2026 13:04`; a plain day as `format_date`."""
    value = china_time(value)
    if not isinstance(value, dt.datetime):
        return format_date(value, lang)
    return f"{format_date(value, lang)} {value:%H:%M}"
