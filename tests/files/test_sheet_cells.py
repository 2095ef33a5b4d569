"""Cells of the people-facing XLSX tables (planner.files.sheets) that Excel cannot hold as they are."""

import logging

import pandas as pd
from openpyxl import load_workbook

from planner.files.sheets import write_table_xlsx

EXCEL_TEXT_LIMIT = 32767  # characters (UTF-16 units) a cell can hold


def test_text_past_excels_limit_is_cut_with_a_warning_and_the_row_kept(tmp_path, caplog):
    frame = pd.DataFrame({"code": ["A1", "A2"], "name": ["x" * 40000, "ok"], "population": [1200, 30],
                          "note": ["after", "-"]})
    with caplog.at_level(logging.WARNING, logger="planner"):
        path = write_table_xlsx(tmp_path / "t.xlsx", frame, "en", {}, sheet_title="T")
    sheet = load_workbook(path).active
    first = [c.value for c in sheet[2]]
    assert first[0] == "A1" and first[2] == 1200 and first[3] == "after"  # the cells after the long one are kept
    assert len(first[1]) <= EXCEL_TEXT_LIMIT and first[1].startswith("x" * 1000) and first[1].endswith("…")
    assert [c.value for c in sheet[3]] == ["A2", "ok", 30, "'-"]
    said = " ".join(r.getMessage() for r in caplog.records)
    assert "32,767" in said and "name" in said


def test_text_past_the_limit_in_a_table_that_shares_its_sheet(tmp_path, caplog):
    from planner.files.sheets import Formats, safe_book, write_frame

    frame = pd.DataFrame({"name": ["😀" * 20000], "population": [5]})  # 40,000 UTF-16 units
    book = safe_book(tmp_path / "s.xlsx")
    with caplog.at_level(logging.WARNING, logger="planner"):
        write_frame(book.add_worksheet("S"), Formats(book), 3, frame, "en", {})
    book.close()
    row = [c.value for c in load_workbook(tmp_path / "s.xlsx").active[5]]
    assert row[1] == 5 and row[0].endswith("…") and len(row[0].encode("utf-16-le")) // 2 <= EXCEL_TEXT_LIMIT
    assert "32,767" in caplog.text


def test_numpy_text_keeps_the_formula_rule():
    """numpy's own strings (a value taken from a numpy array) are text like any other."""
    import numpy as np

    from planner.files.sheets import cell_value
    from planner.files.writers import excel_value

    assert excel_value(np.str_("=1+1")) == "'=1+1" and excel_value(np.str_("a\x01b")) == "ab"
    assert cell_value(np.str_("@SUM(1)"), "name", "en") == "'@SUM(1)"
    assert excel_value(np.float64(2.5)) == 2.5 and excel_value(np.bool_(True)) is True
    assert excel_value(np.float32("nan")) is None
