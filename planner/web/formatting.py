"""Numbers, dates, profile names and history entries on the pages, in the interface language.

The formatting itself is planner.texts.formatting (shared with the exports and
the command line): times are stored in UTC and shown in China time (UTC+8).
"""

from __future__ import annotations

import shapely
from flask import Flask

from planner.texts import formatting as fmt
from planner.texts.interface import TEXT
from planner.texts.words import CHANGE_LABELS, change_label, profile_name, value_words, word
from planner.web.i18n import current_lang

__all__ = ["describe_changes", "format_date", "format_datetime", "format_number", "init_app"]

_DAY_KEYS = ("on", "opened_on", "reported_on")
_MOMENT_KEYS = ("deleted_at", "created_at", "updated_at", "at")


def format_number(value, digits: int = 0, lang: str | None = None) -> str:
    return fmt.format_number(value, digits)


def format_date(value, lang: str | None = None) -> str:
    return fmt.format_date(value, lang or current_lang())


def format_datetime(value, lang: str | None = None) -> str:
    return fmt.format_datetime(value, lang or current_lang())


def _position(value, lang: str) -> str:
    """A stored WKT position as `经度 116.740000，纬度 40.020000`; another shape by its kind."""
    try:
        geometry = shapely.from_wkt(value)
    except shapely.errors.GEOSException:
        return str(value)
    if isinstance(geometry, shapely.Point) and not geometry.is_empty:
        return fmt.format_position(geometry.x, geometry.y, lang)
    return geometry.geom_type


def _figure(value) -> str:
    if isinstance(value, float):
        value = fmt.plain_number(value)
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _value(key: str, value, t: dict, lang: str) -> str:
    """One old or new value of history key `key` as people read it."""
    if value is None:
        return t["unknown"]
    if isinstance(value, bool):
        return t["yes"] if value else t["no"]
    if isinstance(value, (int, float)):
        return _figure(value)
    if key == "geom":
        return _position(value, lang)
    if key in _DAY_KEYS:
        return fmt.format_date(value, lang)
    if key in _MOMENT_KEYS:
        return fmt.format_datetime(value, lang)
    if key == "profile":
        return profile_name(str(value), lang)
    if key == "months" and isinstance(value, str):  # the exit rule's `YYYY-MM:count; …`, a missing figure said so
        return value.replace(":missing", ":无数据" if lang == "zh" else ":no figure")
    if isinstance(value, dict):
        return "; ".join(f"{change_label(str(k), lang)}: {_value(str(k), v, t, lang)}" for k, v in value.items())
    if isinstance(value, list):
        return " × ".join(_value(key, v, t, lang) for v in value)
    words = value_words(key)
    if isinstance(value, str) and value in words:
        return word(words, value, lang)
    return t.get(f"status_{value}", str(value)) if isinstance(value, str) else str(value)


def _label(key: str, t: dict, lang: str) -> str:
    """A survey fact's label, else the history key's, else an interface text of that name, else the key."""
    if f"fact_{key}" in t:
        return t[f"fact_{key}"]
    if key in CHANGE_LABELS or key not in t:
        return change_label(key, lang)
    return t[key]


def describe_changes(changes: dict | None, lang: str) -> list[str]:
    """One readable line per changed field: `营业面积（平方米）: 20 → 35.5`, `位置: 经度 … → 经度 …`, the note,
    the verdict; every key labelled in `lang`, dates as dates, positions with six decimals."""
    t = TEXT[lang]
    lines = []
    for key, change in (changes or {}).items():
        if key == "verdict" and isinstance(change, dict):
            lines.append(f"{t['verdict']}: {t.get(change.get('verdict'), change.get('verdict'))}")
        elif key == "note":
            if change:
                lines.append(f"{t['optional_note']}: {change}")
        elif isinstance(change, list) and len(change) == 2 and key != "shape":
            lines.append(f"{_label(key, t, lang)}: {_value(key, change[0], t, lang)} → "
                         f"{_value(key, change[1], t, lang)}")
        else:
            lines.append(f"{_label(key, t, lang)}: {_value(key, change, t, lang)}")
    return lines


def _profile_name(profile, lang: str | None = None) -> str:
    """A profile (or its id) by its display name, for `{{ p | profile_name }}` and `profile_name(p)`."""
    name = getattr(profile, "name", profile)
    return profile_name(str(name), lang or current_lang())


def init_app(app: Flask) -> None:
    app.jinja_env.filters["number"] = format_number
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["percent"] = lambda v, digits=1: fmt.format_percent(v, digits)
    app.jinja_env.filters["coordinate"] = fmt.format_coordinate
    app.jinja_env.filters["profile_name"] = _profile_name
    app.jinja_env.globals["profile_name"] = _profile_name
    app.jinja_env.globals["describe_changes"] = describe_changes
