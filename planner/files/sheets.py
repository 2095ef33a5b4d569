"""A table as people read it in Excel: labelled headers, tokens as words, numbers kept numbers with a format.

Shared by the exports meant for people (ranking, coverage): header labels and
token words in the report's language, yes/no for flags, percentages as numbers
with a percent format, positions with six decimals, whole figures as whole
numbers; every cell through the formula neutraliser (`excel_value`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from planner.files.writers import excel_value
from planner.texts.formatting import EXCEL_COORDINATE, EXCEL_INTEGER, EXCEL_PERCENT, plain_number
from planner.texts.words import word

__all__ = ["COLUMN_KINDS", "append_frame", "cell_value", "column_kind", "write_table_xlsx"]

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


def column_kind(column: str, kinds: Mapping[str, str] | None = None) -> str | None:
    return (kinds or {}).get(column) or COLUMN_KINDS.get(column)


def cell_value(value, column: str, lang: str, words: Mapping[str, Labels] | None = None):
    """One cell's value: a token column's word, yes/no for a flag, a whole float as an int, else `excel_value`."""
    value = excel_value(value)
    if isinstance(value, bool):
        return word({}, value, lang)
    if words and column in words and isinstance(value, str):
        return word(dict(words[column]), value, lang)
    return plain_number(value)


def _label(column: str, lang: str, labels: Labels) -> str:
    zh, en = labels.get(column, (column, column))
    return zh if lang == "zh" else en


def append_frame(sheet, frame: pd.DataFrame, lang: str, labels: Labels, *, words: Mapping[str, Labels] | None = None,
                 kinds: Mapping[str, str] | None = None, header_font=None, widths: bool = True) -> None:
    """Append `frame` to an openpyxl sheet: a header row of labels, then one row per record, formatted."""
    from openpyxl.utils import get_column_letter

    headers = [excel_value(_label(str(c), lang, labels)) for c in frame.columns]
    sheet.append(headers)
    start = sheet.max_row  # the header's row
    if header_font is not None:
        for i in range(1, len(headers) + 1):
            sheet.cell(start, i).font = header_font
    columns = [str(c) for c in frame.columns]
    for row in frame.itertuples(index=False, name=None):
        sheet.append([cell_value(v, c, lang, words) for v, c in zip(row, columns)])
    last = sheet.max_row
    for i, column in enumerate(columns, start=1):
        number_format = _FORMATS.get(column_kind(column, kinds) or "")
        if number_format and last > start:
            for (cell,) in sheet.iter_rows(min_row=start + 1, max_row=last, min_col=i, max_col=i):
                if isinstance(cell.value, (int, float)):
                    cell.number_format = number_format
        if widths:
            width = max(len(str(headers[i - 1])) * (2 if lang == "zh" else 1) + 2, 10)
            letter = get_column_letter(i)
            sheet.column_dimensions[letter].width = max(sheet.column_dimensions[letter].width or 0, min(width, 40))


def write_table_xlsx(out_path: Path, frame: pd.DataFrame, lang: str, labels: Labels, *, sheet_title: str,
                     words: Mapping[str, Labels] | None = None) -> Path:
    """A workbook of one sheet holding `frame` as people read it, with a bold frozen header."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title
    append_frame(sheet, frame, lang, labels, words=words, header_font=Font(bold=True))
    sheet.freeze_panes = "A2"
    book.save(out_path)
    return out_path
