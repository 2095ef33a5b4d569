"""A reason for many rows at once, as Arrow text: the batch check's reasons without a Python string per row.

`reason_column(key, lang, n, **values)` gives, row by row, exactly the text
`reason(key, lang, **row_values)` gives (planner.rules.reasons; tested against
it): arrays are per-row values, anything else is the same in every row. The
formats the batch check's reasons use are built from whole numbers in Arrow
(`.2f` metres, `,.0f` people, plain text); any other format goes through
Python's `format`, cell by cell.
"""

from __future__ import annotations

import string
from typing import Any

import numpy as np

from planner.rules.reasons import SURVEY_FIELDS_ZH, template

__all__ = ["reason_column"]


def reason_column(key: str, lang: str, n: int, **values: Any) -> Any:
    """The reason `key` in `lang` for `n` rows, as a pyarrow string array."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if "field" in values:
        values.setdefault("field_zh", SURVEY_FIELDS_ZH.get(values["field"], values["field"]))
    parts: list[Any] = []
    literal_run = ""
    for literal, name, spec, conversion in string.Formatter().parse(template(key, lang)):
        literal_run += literal
        if name is None:
            continue
        value, spec = values[name], spec or ""
        if conversion or np.ndim(value) == 0:
            field = "{0" + (f"!{conversion}" if conversion else "") + ":" + spec + "}"
            literal_run += field.format(value)
            continue
        if literal_run:
            parts.append(pa.scalar(literal_run, pa.string()))
            literal_run = ""
        parts.append(_cells(np.asarray(value), spec))
    if literal_run or not parts:
        parts.append(pa.scalar(literal_run, pa.string()))
    if all(isinstance(p, pa.Scalar) for p in parts):
        return pa.array([parts[0].as_py()] * n, pa.string())
    return pc.binary_join_element_wise(*parts, "")


def _cells(values: np.ndarray, spec: str) -> Any:
    import pyarrow as pa

    if spec == ".2f" and values.dtype.kind == "f" and np.isfinite(values).all():
        return _fixed(values)
    if spec == ",.0f" and values.dtype.kind == "f" and np.isfinite(values).all():
        return _grouped(values)
    if spec == "" and values.dtype.kind in "OU" and all(isinstance(v, str) for v in values.tolist()):
        return pa.array(values, type=pa.string())
    return pa.array([format(v, spec) for v in values.tolist()], type=pa.string())


def _signed(negative: np.ndarray, text: Any) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    if not negative.any():
        return text
    return pc.if_else(pa.array(negative), pc.binary_join_element_wise("-", text, ""), text)


def _fixed(values: np.ndarray) -> Any:
    """`format(v, '.2f')` of finite floats, via whole hundredths (exact below 2**53 / 100)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    hundredths = np.rint(values * 100.0).astype(np.int64)
    size = np.abs(hundredths)
    whole = pc.cast(pa.array(size // 100), pa.string())
    cents = pc.utf8_lpad(pc.cast(pa.array(size % 100), pa.string()), 2, "0")
    return _signed(np.signbit(values), pc.binary_join_element_wise(whole, ".", cents, ""))  # '-0.00' as format


def _grouped(values: np.ndarray) -> Any:
    """`format(v, ',.0f')` of finite floats: whole numbers (rounded half to even, as format does) in
    groups of three digits."""
    import pyarrow as pa
    import pyarrow.compute as pc

    whole = np.rint(values).astype(np.int64)
    size = np.abs(whole)
    text = pc.cast(pa.array(size % 1000), pa.string())
    level = 1
    while (size >= 1000**level).any():
        higher = size >= 1000**level
        group = pc.cast(pa.array((size // 1000**level) % 1000), pa.string())
        padded = pc.utf8_lpad(text, 4 * level - 1, "0")
        text = pc.if_else(pa.array(higher), pc.binary_join_element_wise(group, padded, ","), text)
        level += 1
    return _signed(np.signbit(values), text)  # '-0' as format
