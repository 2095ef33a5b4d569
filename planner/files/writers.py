"""Small pieces every file writer shares: checking the output name, cell values for spreadsheets.

Every CSV and XLSX planner writes passes its text through `formula_safe`
(OWASP's rule against formula injection): text starting with `=`, `+`,
`-`, `@`, a tab or a carriage return is written with a leading `'`, so a
spreadsheet shows it as text instead of running it. Numbers stay numbers,
and so does text that is just a number ("-12.5").
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl.cell.cell import (
    ILLEGAL_CHARACTERS_RE as _ILLEGAL,  # control characters an XLSX cannot hold
)

from planner.errors import UsageError

__all__ = ["excel_value", "formula_safe", "formula_safe_frame", "output_path"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def output_path(out_path, suffixes) -> tuple[Path, str]:
    """The output path (its folder created) and its lower-case suffix; refuses other formats."""
    out_path = Path(out_path)
    suffix = out_path.suffix.lower()
    if suffix not in suffixes:
        raise UsageError(f"{out_path}: output must end in {', '.join(suffixes)}",
                         f"{out_path}：输出文件扩展名应为 {'、'.join(suffixes)}")
    out_path.parent.mkdir(parents=True, exist_ok=True)
    return out_path, suffix


def formula_safe(value):
    """`value`, with text a spreadsheet would run as a formula made plain text by a leading `'`."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def _excel_text(value):
    """Text without the control characters an XLSX cannot hold (openpyxl refuses them)."""
    return _ILLEGAL.sub("", value) if isinstance(value, str) else value


def formula_safe_frame(frame: pd.DataFrame, *, excel: bool = False) -> pd.DataFrame:
    """A copy of `frame` with `formula_safe` applied to every text cell and to the column names; with
    `excel`, also without the control characters an XLSX cannot hold."""
    fix = (lambda v: _excel_text(formula_safe(v))) if excel else formula_safe
    pattern = "^[=+\\-@\t\r]" + ("|" + _ILLEGAL.pattern if excel else "")
    out = frame.copy()
    out.columns = [fix(c) for c in frame.columns]
    for i in range(out.shape[1]):
        column = out.iloc[:, i]
        if not (column.dtype == object or pd.api.types.is_string_dtype(column.dtype)):
            continue  # numbers, dates, booleans: nothing to neutralise
        try:
            suspect = column.str.contains(pattern, regex=True, na=False).to_numpy(dtype=bool)
        except AttributeError:  # an object column holding no text at all
            continue
        if suspect.any():  # few cells: the rule itself decides each (a plain number stays as it is)
            column = column.astype(object)
            column.iloc[suspect] = [fix(v) for v in column.iloc[suspect]]
            out.isetitem(i, column)
    return out


def excel_value(value):
    """A value openpyxl writes as a number, text (never a formula) or an empty cell."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, np.generic):  # numpy's numbers as Python's; its text through the rule below
        value = value.item()
    if isinstance(value, float) and np.isnan(value):
        return None
    return _excel_text(formula_safe(value))
