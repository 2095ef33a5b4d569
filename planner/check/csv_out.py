"""A checked list as CSV, written block by block in input order, so no copy of the whole output is built.

Written at once, a list was copied whole beside the result it came from
(masked input, joined frame, formula-safe copy, Arrow table); block by
block, only `block_rows` rows are copied at a time. The bytes are those the
whole table gave: UTF-8 with a BOM, Arrow's writer (every text
quoted), or pandas' writer for the whole file when a column mixes cell types
Arrow cannot hold in one column (a number and a text, say).

Arrow types a column of Python objects by all of its cells (a column of
dates with one date-time is a date column), so a block alone could be typed
otherwise: each column's type is found over the whole column first (no copy),
and every block is converted with it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from planner.files.writers import formula_safe_frame

__all__ = ["BLOCK_ROWS", "write_csv_blocks"]

BLOCK_ROWS = 65_536
_BOM = "\ufeff"

# The output rows [start, stop) as a frame, before formula safety (planner.files.writers does that here).
Block = Callable[[int, int], pd.DataFrame]


class _NoArrowTypeError(Exception):
    """A column Arrow cannot hold: the whole file goes through pandas' writer instead."""


def write_csv_blocks(block: Block, n_rows: int, cells: Sequence, out_path: Path, *,
                     block_rows: int = BLOCK_ROWS) -> None:
    """Write rows 0..n_rows of `block` to `out_path`. `cells[i]` holds column i's cells over the whole list, or
    cells of the same Python types (Arrow types the column by them); a column with a dtype is typed by it."""
    if block_rows < 1:
        msg = f"block_rows must be at least 1, got {block_rows}"
        raise ValueError(msg)
    starts = range(0, max(n_rows, 1), block_rows)  # an empty list still gets its header
    try:
        types = [_column_type(values) for values in cells]
        _write_arrow(block, n_rows, types, starts, block_rows, out_path)
        return
    except _NoArrowTypeError:
        pass  # cells no one Arrow type holds: the file is written (again), all of it by pandas
    with open(out_path, "w", encoding="utf-8-sig", newline="") as handle:
        for start in starts:
            safe = formula_safe_frame(block(start, min(start + block_rows, n_rows)))
            safe.to_csv(handle, index=False, header=start == 0)


def _write_arrow(block: Block, n_rows: int, types: Sequence, starts: range, block_rows: int, out_path: Path):
    import pyarrow.csv as pa_csv

    with open(out_path, "wb") as handle:
        handle.write(_BOM.encode())
        for start in starts:
            table = _arrow_table(formula_safe_frame(block(start, min(start + block_rows, n_rows))), types)
            options = pa_csv.WriteOptions(quoting_style="needed", include_header=start == 0)
            pa_csv.write_csv(table, handle, write_options=options)


def _arrow_table(frame: pd.DataFrame, types: Sequence):
    """`frame` as pyarrow.Table.from_pandas converts it (NaN and None blank), each column of type `types[i]`."""
    import pyarrow as pa

    try:
        arrays = [pa.array(frame.iloc[:, i], type=types[i], from_pandas=True) for i in range(frame.shape[1])]
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError) as exc:
        raise _NoArrowTypeError from exc
    return pa.Table.from_arrays(arrays, names=[str(c) for c in frame.columns])


def _column_type(values):
    """The Arrow type pyarrow gives a column of Python objects (all its cells weigh in), or None for a column of
    one dtype (the block's dtype decides)."""
    import pyarrow as pa

    if not pd.api.types.is_object_dtype(getattr(values, "dtype", None)):
        return None
    try:
        return pa.infer_type(pd.Series(values, copy=False).to_numpy(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError) as exc:
        raise _NoArrowTypeError from exc
