"""A table as people read it in Excel: labelled headers, tokens as words, numbers kept numbers with a format.

Shared by the exports meant for people (ranking, coverage): header labels and
token words in the report's language, yes/no for flags, percentages as numbers
with a percent format, positions with six decimals, whole figures as whole
numbers; every text through the formula neutraliser (`excel_value`).

Written with XlsxWriter, row by row (`constant_memory`): a province's coverage
report (80,000 rows, a million cells) is written in a few seconds where
openpyxl took twenty. The book never turns text into a formula, a link or a
number (`safe_book`): text is always written as text.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from planner.files.writers import excel_value
from planner.texts.formatting import EXCEL_COORDINATE, EXCEL_INTEGER, EXCEL_PERCENT, plain_number
from planner.texts.words import word

__all__ = ["COLUMN_KINDS", "Formats", "cell_value", "column_cells", "column_kind", "safe_book", "write_frame",
           "write_table_xlsx"]

Labels = Mapping[str, tuple[str, str]]

# How a column's numbers read, by its name (extended by each caller's `kinds`).
COLUMN_KINDS = {
    "lon": "coordinate", "lat": "coordinate", "lon_wgs84": "coordinate", "lat_wgs84": "coordinate",
    "centre_lon": "coordinate", "centre_lat": "coordinate",
    "covered_share": "percent", "covered_share_straight": "percent",
    "population": "integer", "covered_population": "integer", "served_twice_population": "integer",
    "service_population": "integer", "marginal_population": "integer", "added_population": "integer",
    "households": "integer", "uncovered_population": "integer", "lost_population": "integer",
}
_FORMATS = {"coordinate": EXCEL_COORDINATE, "percent": EXCEL_PERCENT, "integer": EXCEL_INTEGER}
_TEXT_LIMIT = 32767  # UTF-16 units an XLSX cell holds; XlsxWriter cuts longer text and stops writing the row
_log = logging.getLogger(__name__)


def safe_book(path: Path):
    """An XlsxWriter workbook streamed to `path` that writes text as text, never as a formula, link or number."""
    import xlsxwriter

    return xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False,
                                           "strings_to_urls": False, "strings_to_numbers": False})


class Formats:
    """A book's cell formats, each made once: `formats.get(bold=True)`, `formats.number("0.0%")`."""

    def __init__(self, book) -> None:
        self.book = book
        self._made: dict[tuple, Any] = {}

    def get(self, **properties):
        key = tuple(sorted(properties.items()))
        if key not in self._made:
            self._made[key] = self.book.add_format(properties)
        return self._made[key]

    def number(self, code: str | None):
        return None if code is None else self.get(num_format=code)


def column_kind(column: str, kinds: Mapping[str, str] | None = None) -> str | None:
    return (kinds or {}).get(column) or COLUMN_KINDS.get(column)


def cell_value(value, column: str, lang: str, words: Mapping[str, Labels] | None = None):
    """One cell's value: a token column's word, yes/no for a flag, a whole float as an int, else `excel_value`
    (missing and non-finite numbers are empty cells)."""
    value = excel_value(value)
    if isinstance(value, bool):
        return word({}, value, lang)
    if words and column in words and isinstance(value, str):
        return word(dict(words[column]), value, lang)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return plain_number(value)


def _numbers_only(series: pd.Series) -> bool:
    """Whether `column_cells` writes `series` as numbers only (a numpy integer or float column)."""
    return isinstance(series.dtype, np.dtype) and series.dtype.kind in "iuf"


def column_cells(series: pd.Series, lang: str, words: Mapping[str, Labels] | None = None) -> list:
    """`cell_value` of every value of a column, numbers by whole columns at a time."""
    column = str(series.name)
    numpy_dtype = isinstance(series.dtype, np.dtype)
    if numpy_dtype and series.dtype.kind in "iu":
        return series.tolist()
    if numpy_dtype and series.dtype.kind == "f":
        values = series.to_numpy(dtype=float)
        finite = np.isfinite(values)
        whole = finite & (values == np.round(values)) & (np.abs(values) < 2.0 ** 53)
        out = values.astype(object)
        out[whole] = values[whole].astype(np.int64).tolist()
        out[~finite] = None
        return out.tolist()
    return [cell_value(v, column, lang, words) for v in series.tolist()]


def _fit(value):
    """Text cut to what a cell holds, ending in `…` to show it was cut (True as the second item when so)."""
    if not isinstance(value, str) or len(value) <= _TEXT_LIMIT // 2:
        return value, False
    units = value.encode("utf-16-le")
    if len(units) <= 2 * _TEXT_LIMIT:
        return value, False
    return units[:2 * (_TEXT_LIMIT - 1)].decode("utf-16-le", errors="ignore") + "…", True


def _fitted(cells: list, header: str, sheet) -> list:
    """`cells` with text too long for a cell cut (`_fit`), said once per column on the log."""
    fits = [_fit(v) for v in cells]
    cut = sum(was_cut for _, was_cut in fits)
    if not cut:
        return cells
    _log.warning("%s / %s: %d cell(s) longer than Excel's 32,767 characters cut short (the CSV export keeps them "
                 "whole) / %d 个单元格超过 Excel 的 32,767 字符上限，已截断（CSV 导出保留全文）",
                 sheet.get_name(), header, cut, cut)
    return [v for v, _ in fits]


def _label(column: str, lang: str, labels: Labels) -> str:
    zh, en = labels.get(column, (column, column))
    return zh if lang == "zh" else en


def write_frame(sheet, formats: Formats, row: int, frame: pd.DataFrame, lang: str, labels: Labels, *,
                words: Mapping[str, Labels] | None = None, kinds: Mapping[str, str] | None = None,
                whole_sheet: bool = False) -> int:
    """Write `frame` at `row` (0-based) of an XlsxWriter sheet: a bold header row of labels, then one row per
    record, formatted; returns the next free row. `whole_sheet`: the table is the sheet's only one, so its
    columns get their widths and number formats (faster than a format per cell)."""
    headers = [excel_value(_label(str(c), lang, labels)) for c in frame.columns]
    bold = formats.get(bold=True)
    columns = [column_cells(frame.iloc[:, i], lang, words) for i in range(frame.shape[1])]
    columns = [cells if _numbers_only(frame.iloc[:, i]) else _fitted(cells, str(headers[i]), sheet)
               for i, cells in enumerate(columns)]
    codes = [_FORMATS.get(column_kind(str(c), kinds) or "") for c in frame.columns]
    if whole_sheet:
        for i, header in enumerate(headers):
            width = min(max(len(str(header)) * (2 if lang == "zh" else 1) + 2, 10), 40)
            sheet.set_column(i, i, width, formats.number(codes[i]))
    for i, header in enumerate(headers):
        sheet.write_string(row, i, _fit(str(header))[0], bold)
    row += 1
    if whole_sheet:
        for values in zip(*columns):
            sheet.write_row(row, 0, values)
            row += 1
        return row
    number_formats = [formats.number(code) for code in codes]
    for values in zip(*columns):
        for i, value in enumerate(values):
            if isinstance(value, (int, float)) and number_formats[i] is not None:
                sheet.write_number(row, i, value, number_formats[i])
            elif value is not None:
                sheet.write(row, i, value)
        row += 1
    return row


def write_table_xlsx(out_path: Path, frame: pd.DataFrame, lang: str, labels: Labels, *, sheet_title: str,
                     words: Mapping[str, Labels] | None = None) -> Path:
    """A workbook of one sheet holding `frame` as people read it, with a bold frozen header."""
    book = safe_book(out_path)
    sheet = book.add_worksheet(sheet_title)
    sheet.freeze_panes(1, 0)
    write_frame(sheet, Formats(book), 0, frame, lang, labels, words=words, whole_sheet=True)
    book.close()
    return out_path
