"""An applicant list as the batch check needs it: ids, WGS84 positions, survey facts, row problems.

Nothing is dropped: a row whose cells cannot be used keeps its place and
carries the reasons, which make its verdict `error`. Whether a position lies
in the registry's region depends on the registry, so the batch check judges
that (`planner.rules.region`), with the system each position was given in.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from planner.errors import UsageError
from planner.files.cells import (
    CellError,
    is_blank,
    parse_bool,
    parse_distinct,
    parse_number,
)
from planner.files.columns import KIND_FIELDS, match_headers, normalise_header
from planner.files.imports import code_text
from planner.files.positions import file_crs_option, layer_positions, read_positions
from planner.files.tables import Table, read_user_table
from planner.rules.reasons import reason
from planner.rules.verdict import RowNotes
from planner.rules.vocabulary import FLAG_FACTS, NUMBER_FACTS, SURVEY_FACTS

__all__ = ["ID_CARD_HEADERS", "Applicants", "id_card_columns", "read_applicants"]

FIELDS = KIND_FIELDS["candidates"]
ID_CARD_HEADERS = {"身份证号", "身份证", "身份证号码", "id_card", "证件号", "证件号码", "id card"}




@dataclass
class Applicants:
    table: Table
    ids: np.ndarray  # object: the row's id, or "#<row>" where it has none
    lon: np.ndarray  # WGS84; NaN where the position is unusable
    lat: np.ndarray
    errors: RowNotes  # reasons that make a row's verdict 'error'
    facts: dict[str, np.ndarray]  # survey facts: float (NaN = not given) or object bool/None
    systems: np.ndarray  # object: the label of the system each position was given in ('wgs84', 'gcj02', …)

    def __len__(self) -> int:
        return len(self.table)

    @property
    def usable(self) -> np.ndarray:
        return ~self.errors.mask()


def _usage(path, en, zh) -> UsageError:
    """A problem of the whole file, named by the file's own name: never a server folder (a web upload lives in
    instance/checks/<token>/)."""
    name = Path(str(path)).name
    return UsageError(f"{name}: {en}", f"{name}：{zh}")


def read_applicants(path, *, crs: str | None = None, lang: str = "zh",
                    facts=SURVEY_FACTS) -> Applicants:
    """Read an applicant list; rows with unusable cells are kept with their reasons.

    Only the survey `facts` named are parsed (a profile without survey rules
    needs none, and a typo in a column it never reads is not an error).
    """
    default_crs = file_crs_option(crs)
    table = read_user_table(path, FIELDS)
    columns = match_headers(table.headers, FIELDS)
    if table.geometry is not None:
        positions = layer_positions(table, default_crs)
    elif "lon" in columns and "lat" in columns:
        positions = read_positions(table, columns, default_crs)
    else:
        raise _usage(path, "no coordinate columns: expected 经度/纬度 or lon/lat (headers: "
                     + ", ".join(table.headers) + ")",
                     "找不到坐标列：应有“经度/纬度”或 lon/lat（表头：" + "、".join(table.headers) + "）")
    n = len(table)
    errors = RowNotes(n)
    for i, problems in positions.problems.items():
        for problem in problems:
            errors.add(i, _cell_text(problem, lang))
    ids = _ids(table, columns, errors, lang)
    facts = _facts(table, columns, errors, lang, facts)
    return Applicants(table, ids, positions.lon.copy(), positions.lat.copy(), errors, facts,
                      np.array(positions.crs_labels, dtype=object))


def _cell_text(problem, lang: str) -> str:
    message = problem.zh if lang == "zh" else problem.en
    return f"{problem.column}: {message}" if problem.column else message


def _ids(table: Table, columns, errors, lang) -> np.ndarray:
    import pyarrow as pa
    import pyarrow.compute as pc

    if "code" not in columns:
        return np.array([f"#{r}" for r in table.row_numbers], dtype=object)
    cells = table.column(columns["code"])
    if pd.api.types.infer_dtype(cells, skipna=False) == "string":  # text from a CSV: trimmed in Arrow
        text = pc.utf8_trim_whitespace(pa.array(cells.to_numpy(dtype=object), type=pa.string()))
        ids = text.to_numpy(zero_copy_only=False).astype(object)
        ids[ids == ""] = None
    else:
        ids = np.array([code_text(v) for v in cells], dtype=object)
    missing = np.flatnonzero(pd.isna(ids))
    ids[missing] = [f"#{table.row_numbers[i]}" for i in missing]
    values = pa.array(ids, type=pa.string())
    counts = pc.value_counts(values)
    repeated_values = counts.field("values").filter(pc.greater(counts.field("counts"), 1))
    if len(repeated_values):
        repeated = pc.is_in(values, value_set=repeated_values).to_numpy(zero_copy_only=False)
        for dup in pd.unique(ids[repeated]):
            rows = np.flatnonzero(ids == dup)
            listed = ", ".join(str(table.row_numbers[i]) for i in rows)
            for i in rows:
                errors.add(i, reason("duplicate_id", lang, id=dup, rows=listed))
    return ids


def _facts(table: Table, columns, errors, lang, wanted) -> dict[str, np.ndarray]:
    n = len(table)
    facts = {}
    for name in NUMBER_FACTS:
        if name not in wanted:
            facts[name] = np.full(n, np.nan)
            continue
        values = np.full(n, np.nan)
        if name in columns:
            cells = table.column(columns[name])
            values[:] = pd.to_numeric(cells, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
            for i in np.flatnonzero(np.isnan(values)):
                if is_blank(cells.iat[i]):
                    continue
                try:
                    values[i] = parse_number(cells.iat[i])
                except CellError as exc:
                    errors.add(i, f"{table.headers[columns[name]]}: {exc.zh if lang == 'zh' else exc.en}")
        facts[name] = values
    for name in FLAG_FACTS:
        values = np.full(n, None, dtype=object)
        if name in columns and name in wanted:
            header = table.headers[columns[name]]
            values, failures = parse_distinct(table.column(columns[name]), parse_bool)
            for i, exc in failures.items():
                errors.add(i, f"{header}: {exc.zh if lang == 'zh' else exc.en}")
        facts[name] = values
    return facts


def id_card_columns(headers) -> list[int]:
    return [i for i, h in enumerate(headers) if normalise_header(h) in ID_CARD_HEADERS]
