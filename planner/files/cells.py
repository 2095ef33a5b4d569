"""Parse the values people type into spreadsheet cells.

Numbers with full-width digits (１１６．６５), degrees-minutes-seconds text
(116°39'12.5"E), yes/no words in Chinese or English, months in several
spellings. Each parser returns the value or raises CellError with a message in
both languages.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata

__all__ = [
    "CellError",
    "NonFiniteError",
    "is_blank",
    "parse_bool",
    "parse_date",
    "parse_degrees",
    "parse_distinct",
    "parse_month",
    "parse_number",
]


class CellError(ValueError):
    def __init__(self, en: str, zh: str):
        super().__init__(en)
        self.en = en
        self.zh = zh


class NonFiniteError(CellError):
    """A number that is not finite (NaN, inf): never a coordinate or a count, whatever else it could be read as."""


def is_blank(value) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _text(value) -> str:
    # NFKC turns full-width digits, points and minus signs into ASCII ones.
    return unicodedata.normalize("NFKC", str(value)).strip().replace("−", "-")


def parse_number(value) -> float:
    """A finite number from a cell; thousands separators allowed."""
    if isinstance(value, bool):
        raise CellError(f"{value!r} is not a number", f"“{value}”不是数字")
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = _text(value).replace(",", "")
        try:
            number = float(text)
        except ValueError:
            raise CellError(f"{value!r} is not a number", f"“{value}”不是数字") from None
    if not math.isfinite(number):
        raise NonFiniteError(f"{value!r} is not a finite number", f"“{value}”不是有限数值")
    return number


_DMS = re.compile(
    r"""^\s*(?P<hemi1>[NSEW北南东西])?\s*
    (?P<deg>\d+(?:\.\d+)?)\s*(?:°|度|d|\s)\s*
    (?:(?P<min>\d+(?:\.\d+)?)\s*(?:'|′|’|分|m|\s)\s*)?
    (?:(?P<sec>\d+(?:\.\d+)?)\s*(?:"|″|′′|”|''|秒|s)?\s*)?
    (?P<hemi2>[NSEW北南东西]|北纬|南纬|东经|西经)?\s*$""",
    re.VERBOSE | re.IGNORECASE,
)
_NEGATIVE_HEMI = {"S", "W", "南", "西", "南纬", "西经"}


def parse_degrees(value) -> float:
    """Decimal degrees from a number or degrees-minutes-seconds text."""
    try:
        return parse_number(value)
    except NonFiniteError:
        raise
    except CellError:
        pass
    text = _text(value)
    for prefix in ("东经", "北纬", "西经", "南纬"):
        if text.startswith(prefix):
            text = text[len(prefix):] + prefix
    match = _DMS.match(text)
    if not match or (match.group("min") is None and match.group("sec") is None and
                     match.group("hemi1") is None and match.group("hemi2") is None):
        raise CellError(
            f"{value!r} is not a coordinate (decimal degrees or 116°39'12\"E)",
            f"“{value}”不是有效坐标（应为十进制度或 116°39'12\"E 形式）",
        )
    degrees = float(match.group("deg"))
    minutes = float(match.group("min") or 0)
    seconds = float(match.group("sec") or 0)
    if minutes >= 60 or seconds >= 60:
        raise CellError(
            f"{value!r}: minutes and seconds must be below 60",
            f"“{value}”：分和秒必须小于 60",
        )
    result = degrees + minutes / 60.0 + seconds / 3600.0
    hemi = (match.group("hemi1") or match.group("hemi2") or "").upper()
    return -result if hemi in _NEGATIVE_HEMI else result


_TRUE = {"1", "y", "yes", "true", "t", "是", "有", "具备", "√", "✓", "✔"}
_FALSE = {"0", "n", "no", "false", "f", "否", "无", "没有", "不具备", "×", "✗", "-"}


def parse_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = _text(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(f"{value!r} is not yes/no", f"“{value}”不是“是/否”")


def parse_month(value) -> str:
    """'YYYY-MM' from 2026-03, 2026/3, 2026年3月, 202603 or a date cell."""
    if isinstance(value, (dt.date, dt.datetime)):
        return f"{value.year:04d}-{value.month:02d}"
    text = _text(value)
    match = re.fullmatch(r"(\d{4})\s*(?:[-/.年])\s*(\d{1,2})\s*(?:月)?(?:[-/.]\d{1,2}.*)?", text)
    if not match:
        match = re.fullmatch(r"(\d{4})(\d{2})", text)
    if match and 1 <= int(match.group(2)) <= 12:
        return f"{int(match.group(1)):04d}-{int(match.group(2)):02d}"
    raise CellError(f"{value!r} is not a month (YYYY-MM)", f"“{value}”不是月份（YYYY-MM）")


def parse_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?", text)
    if match:
        try:
            return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            pass
    raise CellError(f"{value!r} is not a date (YYYY-MM-DD)", f"“{value}”不是日期（YYYY-MM-DD）")


def parse_distinct(cells, parse, errors=(CellError,)):
    """Apply `parse` once per distinct non-blank cell of a column.

    Returns (values, failures): values is an object array (None where blank
    or unparseable), failures maps row position → the exception raised.
    """
    import numpy as np
    import pandas as pd

    codes, distinct = pd.factorize(pd.Series(cells, dtype=object), use_na_sentinel=True)
    parsed = np.full(len(distinct) + 1, None, dtype=object)  # last slot: NA cells
    failed = {}
    for k, cell in enumerate(distinct):
        if is_blank(cell):
            continue
        try:
            parsed[k] = parse(cell)
        except errors as exc:
            failed[k] = exc
    values = parsed[np.where(codes < 0, len(distinct), codes)]
    failures = {}
    if failed:
        for k, exc in failed.items():
            for i in np.flatnonzero(codes == k):
                failures[int(i)] = exc
    return values, failures
