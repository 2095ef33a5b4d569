"""Write a checked applicant list back in the user's format: the input columns, then ours.

Input columns come back unchanged and in order, except personal ID numbers,
which are masked (first 6 and last 4 characters kept). CSV, GeoJSON and
GeoPackage use the column names and verdict tokens (pass/fail/error) of
interfaces.md, with reasons in `lang`; an Excel file is for people: header
labels and verdict words in `lang` (通过/不通过/数据有误), a frozen header,
verdict colours and positions with six decimals.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from planner.check.applicants import id_card_columns
from planner.check.batch import ADDED_COLUMNS, STRAIGHT_COLUMNS, CheckResult
from planner.check.csv_out import BLOCK_ROWS, write_csv_blocks
from planner.files.writers import excel_value, output_path
from planner.texts.formatting import EXCEL_COORDINATE
from planner.texts.words import VERDICT, word

__all__ = ["default_output_path", "mask_id_number", "write_checked"]

LABELS_ZH = {
    "verdict": "结论", "reasons": "原因", "nearest_outlet_id": "最近邮政网点", "nearest_outlet_m": "距邮政网点（米）",
    "nearest_station_id": "最近便民服务站", "nearest_station_m": "距便民服务站（米）",
    "conflicts_with": "本批距离过近的申请户", "service_population": "服务人口", "marginal_population": "新增服务人口",
    "rank": "排序", "lon_wgs84": "经度（WGS84）", "lat_wgs84": "纬度（WGS84）",
    "nearest_outlet_straight_m": "距邮政网点直线（米）", "nearest_station_straight_m": "距便民服务站直线（米）",
}
_FILLS = {"pass": "DCFCE7", "fail": "FEE2E2", "error": "E5E7EB"}
SUFFIXES = (".csv", ".xlsx", ".geojson", ".gpkg")


def default_output_path(path) -> Path:
    """FILE name + .checked + same extension."""
    path = Path(path)
    return path.with_name(f"{path.stem}.checked{path.suffix}")


def mask_id_number(value):
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return value
    text = str(value).strip()
    if len(text) <= 10:
        return "*" * len(text)
    return text[:6] + "*" * (len(text) - 10) + text[-4:]


def _input_frame(result: CheckResult, start: int = 0, stop: int | None = None) -> pd.DataFrame:
    """The input rows [start, stop) as written back: ID numbers masked, headers made unique."""
    table = result.applicants.table
    frame = table.frame.iloc[start:stop].copy()
    for pos in id_card_columns(table.headers):
        frame.iloc[:, pos] = frame.iloc[:, pos].map(mask_id_number)
    frame.columns = _unique_headers(table.headers)
    return frame


def _output_block(result: CheckResult, start: int, stop: int) -> pd.DataFrame:
    """Output rows [start, stop): the input columns, then ours."""
    return pd.concat([_input_frame(result, start, stop).reset_index(drop=True),
                      result.added.iloc[start:stop].reset_index(drop=True)], axis=1)


def _cells_by_column(result: CheckResult) -> list:
    """Each output column's cells over the whole list (no copy), or cells of the same types: a masked ID
    number is text wherever one is given."""
    table = result.applicants.table
    cells = [table.frame.iloc[:, i] for i in range(table.frame.shape[1])]
    for pos in id_card_columns(table.headers):
        if any(not (v is None or (isinstance(v, float) and np.isnan(v))) for v in cells[pos]):
            cells[pos] = np.array(["*"], dtype=object)
    return cells + [result.added.iloc[:, i] for i in range(result.added.shape[1])]


def _unique_headers(headers) -> list[str]:
    seen, out = {}, []
    for i, h in enumerate(headers):
        name = h or f"column_{i + 1}"
        if name in seen or name in ADDED_COLUMNS or name in STRAIGHT_COLUMNS:
            name = f"{name}_{i + 1}"
        seen[name] = True
        out.append(name)
    return out


def write_checked(result: CheckResult, out_path, *, lang: str = "zh", block_rows: int = BLOCK_ROWS) -> Path:
    """Write `result` to `out_path` in its format; a CSV `block_rows` rows at a time (planner.check.csv_out)."""
    out_path, suffix = output_path(out_path, SUFFIXES)
    if suffix == ".csv":
        write_csv_blocks(partial(_output_block, result), len(result.added), _cells_by_column(result), out_path,
                         block_rows=block_rows)
        return out_path
    frame = _output_block(result, 0, len(result.added))
    if suffix == ".xlsx":
        _write_xlsx(frame, out_path, lang, len(result.applicants.table.headers))
    else:
        _write_gis(result, frame, out_path)
    return out_path


def _write_gis(result: CheckResult, frame: pd.DataFrame, out_path: Path):
    import geopandas as gpd
    import pyogrio

    table = result.applicants.table
    if table.geometry is not None:
        geometry = gpd.GeoSeries(table.geometry.values, crs=table.file_crs or 4326)
    else:
        geometry = gpd.GeoSeries(gpd.points_from_xy(result.added["lon_wgs84"], result.added["lat_wgs84"]), crs=4326)
    frame = frame.copy()
    for column in frame.columns:
        if frame[column].dtype == object:
            frame[column] = frame[column].map(lambda v: v if v is None or isinstance(v, (str, int, float))
                                              else str(v))
    out = gpd.GeoDataFrame(frame, geometry=geometry.values, crs=geometry.crs)
    if out_path.exists():
        out_path.unlink()
    pyogrio.write_dataframe(out, out_path, layer="checked" if out_path.suffix.lower() == ".gpkg" else None)


def _write_xlsx(frame: pd.DataFrame, out_path: Path, lang: str, n_input: int):
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet("检查结果" if lang == "zh" else "checked")
    headers = [c if i < n_input or lang != "zh" else LABELS_ZH.get(c, c) for i, c in enumerate(frame.columns)]
    for i, header in enumerate(headers):
        sheet.column_dimensions[get_column_letter(i + 1)].width = min(40, max(8, 2 * len(str(header)) + 2))
    sheet.column_dimensions[get_column_letter(n_input + 2)].width = 60  # reasons
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=excel_value(header))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    fills = {k: PatternFill("solid", fgColor=v) for k, v in _FILLS.items()}
    verdict_pos = n_input
    positions = [i for i, c in enumerate(frame.columns) if i >= n_input and c in ("lon_wgs84", "lat_wgs84")]
    for row in frame.itertuples(index=False, name=None):
        values = [excel_value(v) for v in row]
        token = values[verdict_pos]
        verdict = WriteOnlyCell(sheet, value=word(VERDICT, token, lang))
        verdict.fill = fills.get(token, fills["error"])
        values[verdict_pos] = verdict
        for i in positions:
            if isinstance(values[i], float):
                values[i] = WriteOnlyCell(sheet, value=values[i])
                values[i].number_format = EXCEL_COORDINATE
        sheet.append(values)
    book.save(out_path)
