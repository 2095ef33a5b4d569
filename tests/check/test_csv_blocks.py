"""A checked CSV written block by block has the bytes the whole-table writer gave, whatever the cells.

`_whole_table_csv` is that writer as it was (commit 93b21bc, planner/check/output.py): the input frame
masked and joined to the added columns, made formula-safe, then Arrow's writer, or pandas' for the whole
file when Arrow cannot type a column. Tiny block sizes make every list span many blocks.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import pytest

from planner.check.applicants import id_card_columns
from planner.check.batch import ADDED_COLUMNS, STRAIGHT_COLUMNS, check_file
from planner.check.csv_out import write_csv_blocks
from planner.check.output import mask_id_number, write_checked
from planner.files.writers import formula_safe_frame
from planner.rules.profiles import load_profile
from tests.check_support import HEADERS, SITES, load_small_registry, offset, row, write_list

YIWU = load_profile("yiwu")
AWKWARD = ["=1+1", "+", "-", "@SUM(A1)", "\tTAB", "\rCR", 'say "hi"', "a,b", "line\nbreak", "两行\r\n文字",
           "中文店名", "", None, "-12.5", "+3", "'quoted", "  padded  "]


def _whole_table_csv(frame: pd.DataFrame, out_path) -> bytes:
    frame = formula_safe_frame(frame)
    try:
        table = pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        frame.to_csv(out_path, index=False, encoding="utf-8-sig")
        return out_path.read_bytes()
    with open(out_path, "wb") as handle:
        handle.write("\ufeff".encode())
        pa_csv.write_csv(table, handle, write_options=pa_csv.WriteOptions(quoting_style="needed"))
    return out_path.read_bytes()


def _whole_checked_frame(result) -> pd.DataFrame:
    table = result.applicants.table
    frame = table.frame.copy()
    for pos in id_card_columns(table.headers):
        frame.iloc[:, pos] = frame.iloc[:, pos].map(mask_id_number)
    seen, names = set(), []
    for i, h in enumerate(table.headers):
        name = h or f"column_{i + 1}"
        if name in seen or name in ADDED_COLUMNS or name in STRAIGHT_COLUMNS:
            name = f"{name}_{i + 1}"
        seen.add(name)
        names.append(name)
    frame.columns = names
    return pd.concat([frame, result.added.reset_index(drop=True)], axis=1)


def _blocks(frame: pd.DataFrame, out_path, block_rows: int) -> bytes:
    def block(start, stop):
        return frame.iloc[start:stop].reset_index(drop=True)

    write_csv_blocks(block, len(frame), [frame.iloc[:, i] for i in range(frame.shape[1])], out_path,
                     block_rows=block_rows)
    return out_path.read_bytes()


def _cycle(values, n):
    return [values[i % len(values)] for i in range(n)]


def _frames():
    n = 23
    text = _cycle(AWKWARD, n)
    numbers = np.linspace(-3.5, 1e7, n)
    numbers[[2, 9]] = np.nan
    yield "arrow", pd.DataFrame({
        "店名": pd.Series(text, dtype=object), "text": pd.Series(text, dtype="str"),
        "=h": _cycle(["x", "-4", "+x"], n), "number": numbers,
        "whole": pd.Series(_cycle([1, None, 3], n), dtype="Int64"),
        "blank first": [None] * 8 + _cycle(["late", "=late"], n - 8),
        "int then float": [7] * 20 + [2.5, 3.0, None],
        "date then time": [dt.date(2024, 1, 2)] * 15 + [dt.datetime(2024, 1, 3, 4, 5)] * 8,
        "flags": _cycle([True, None, False], n),
        "decimals": _cycle([Decimal("1.5"), Decimal("10.25"), None], n),
        "all blank": [None, np.nan] * 11 + [None],
    })
    late = ["=1"] * 17 + [5, "x", 2.5, None, "-", "中文"]  # a number among texts: no Arrow type holds them
    yield "pandas", pd.DataFrame({"text": pd.Series(text, dtype=object), "mixed late": late, "number": numbers})
    yield "pandas, first block typed", pd.DataFrame({"int then text": [1] * 20 + ["x", "=y", None],
                                                     "text": text})
    yield "empty", pd.DataFrame({"a": pd.Series([], dtype=object), "b": pd.Series([], dtype=float)})


@pytest.mark.parametrize("block_rows", [1, 2, 5, 7, 64, 65_536])
@pytest.mark.parametrize(("name", "frame"), list(_frames()), ids=[name for name, _ in _frames()])
def test_blocks_write_the_bytes_of_the_whole_table(tmp_path, name, frame, block_rows):
    whole = _whole_table_csv(frame, tmp_path / "whole.csv")
    assert _blocks(frame, tmp_path / "blocks.csv", block_rows) == whole
    arrow = whole.startswith('\ufeff"'.encode())  # Arrow's writer quotes every text, the header's too
    assert arrow == (name in ("arrow", "empty")) and whole.count(b"\n") >= len(frame) + 1


def test_a_block_size_below_one_is_refused(tmp_path):
    frame = pd.DataFrame({"a": [1]})
    with pytest.raises(ValueError, match="block_rows"):
        write_csv_blocks(lambda start, stop: frame, 1, [frame["a"]], tmp_path / "x.csv", block_rows=0)


def _awkward_rows(n):
    rows = []
    for i in range(n):
        point = offset("S1", 700 + 40 * i, azimuth=(37 * i) % 360) if i % 6 else SITES["R1"]
        cells = row(f"A{i:02d}", point, name=AWKWARD[i % len(AWKWARD)] or "", phone=_cycle(["-5", "+86 138"], n)[i],
                    id_card=_cycle(["110113199001011234", 11011319900101123, "", "11011319900101123X"], n)[i])
        cells.append(_cycle(["@evil()", 3, 2.5, "", "文字"], n)[i])
        rows.append(cells)
    rows.append(row("bad", (40.11, 116.62)) + [None])  # an error row: its reasons, blank results
    return rows


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_checked_lists_come_out_as_the_whole_table_wrote_them(engine, tmp_path, suffix):
    load_small_registry(engine)
    headers = [*HEADERS, "@备注"]  # a workbook would take "=…" for a formula
    result = check_file(write_list(tmp_path / f"list{suffix}", _awkward_rows(25), headers=headers), engine, YIWU)
    whole = _whole_table_csv(_whole_checked_frame(result), tmp_path / "whole.csv")
    for block_rows in (1, 4, 1000):
        out = write_checked(result, tmp_path / f"blocks{block_rows}.csv", block_rows=block_rows)
        assert out.read_bytes() == whole
    text = whole.decode("utf-8-sig")
    assert "110113********1234" in text and "110113199001011234" not in text
    assert "'@SUM(A1)" in text and "中文店名" in text and "'@备注" in text and "'@evil()" in text
    # The CSV's cells are all text: Arrow's writer. The workbook's 备注 mixes numbers and text: pandas'.
    assert text.startswith('"序号"') == (suffix == ".csv")
