"""Numbers, dates and history entries written the way each interface language writes them.

Times are stored in UTC and shown in China Standard Time (UTC+8), the time
zone every user of a district post office works in.
"""

from __future__ import annotations

import datetime as dt
import math

from flask import Flask

from planner.texts.interface import TEXT
from planner.web.i18n import current_lang

__all__ = ["describe_changes", "init_app"]

CHINA = dt.timezone(dt.timedelta(hours=8))
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def format_number(value, digits: int = 0, lang: str | None = None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return f"{float(value):,.{digits}f}"


def _as_datetime(value):
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(CHINA)
    return value


def format_date(value, lang: str | None = None) -> str:
    value = _as_datetime(value)
    if value is None or value != value:
        return ""
    lang = lang or current_lang()
    if lang == "zh":
        return f"{value.year}年{value.month}月{value.day}日"
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def format_datetime(value, lang: str | None = None) -> str:
    value = _as_datetime(value)
    if not isinstance(value, dt.datetime):
        return format_date(value, lang)
    return f"{format_date(value, lang)} {value:%H:%M}"


def _value(value, t) -> str:
    if value is None:
        return t["unknown"]
    if isinstance(value, bool):
        return t["yes"] if value else t["no"]
    if isinstance(value, float):
        return f"{value:g}"
    return t.get(f"status_{value}", str(value)) if isinstance(value, str) else str(value)


def describe_changes(changes: dict | None, lang: str) -> list[str]:
    """One readable line per changed field: `floor area: 20 → 35.5`, the note, the verdict."""
    t = TEXT[lang]
    lines = []
    for key, change in (changes or {}).items():
        label = t.get(f"fact_{key}", t.get(key, key))
        if key == "verdict" and isinstance(change, dict):
            lines.append(f"{t['verdict']}: {t.get(change.get('verdict'), change.get('verdict'))}")
        elif key == "note":
            if change:
                lines.append(f"{t['optional_note']}: {change}")
        elif isinstance(change, list) and len(change) == 2:
            lines.append(f"{label}: {_value(change[0], t)} → {_value(change[1], t)}")
        elif key not in ("profile",):
            lines.append(f"{label}: {change}")
    return lines


def init_app(app: Flask) -> None:
    app.jinja_env.filters["number"] = format_number
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.globals["describe_changes"] = describe_changes
