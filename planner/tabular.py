"""Read the files users have — CSV, XLSX, GeoJSON, GeoPackage, Shapefile — as one table shape.

A `Table` keeps every column as the user wrote it, in order, and knows the
row number each record had in the file (as a spreadsheet or text editor
counts), so every later message can point at file, row and column.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from planner.columns import match_headers
from planner.errors import UsageError

__all__ = ["Table", "read_table", "GIS_SUFFIXES", "TABULAR_SUFFIXES"]

TABULAR_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm")
GIS_SUFFIXES = (".geojson", ".json", ".gpkg", ".shp", ".zip")
_HEADER_SCAN_ROWS = 30
_CSV_ENCODINGS = ("utf-8-sig", "gb18030")


@dataclass
class Table:
    """Rows of one file: original headers and cells, plus where each row was."""

    path: str
    headers: list[str]
    frame: pd.DataFrame  # object columns, named by position "0", "1", …
    row_numbers: np.ndarray
    geometry: object = None  # GeoSeries for GIS files
    file_crs: object = None  # pyproj CRS of a GIS file
    sheet: str | None = None
    notes: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.frame)

    def column(self, position: int) -> pd.Series:
        return self.frame.iloc[:, position]


def _unusable(path, en: str, zh: str) -> UsageError:
    return UsageError(f"{path}: {en}", f"{path}：{zh}")


def read_table(path, fields) -> Table:
    """Read `path`; for CSV/XLSX, find the header row by the `fields` it names."""
    path = Path(path)
    if not path.exists():
        raise _unusable(path, "file not found", "文件不存在")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        return _read_csv(path, fields)
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, fields)
    if suffix in GIS_SUFFIXES:
        return _read_gis(path)
    if suffix == ".xls":
        raise _unusable(path, "old .xls workbooks are not supported: save as .xlsx",
                        "不支持旧版 .xls 文件，请另存为 .xlsx")
    raise _unusable(
        path,
        f"unsupported file type {suffix!r} (use .csv, .xlsx, .geojson, .gpkg or .shp)",
        f"不支持的文件类型 {suffix!r}（请使用 .csv、.xlsx、.geojson、.gpkg 或 .shp）",
    )


def _find_header(rows, fields, path) -> int:
    """Index of the first row naming at least two known fields (or one, for short files)."""
    best, best_hits = None, 0
    for i, row in enumerate(rows[:_HEADER_SCAN_ROWS]):
        hits = len(match_headers(row, fields))
        if hits >= 2:
            return i
        if hits > best_hits:
            best, best_hits = i, hits
    if best is not None:
        return best
    raise _unusable(
        path,
        "no header row found: expected columns such as " + ", ".join(fields[:5]),
        "找不到表头行：应包含如 " + "、".join(fields[:5]) + " 等列",
    )


def _table_from_rows(path, rows, fields, *, first_line: int, sheet=None) -> Table:
    header_index = _find_header(rows, fields, path)
    header = [("" if h is None else str(h).strip()) for h in rows[header_index]]
    body = rows[header_index + 1:]
    width = len(header)
    records, numbers = [], []
    for offset, row in enumerate(body):
        cells = list(row[:width]) + [None] * (width - len(row))
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            continue  # blank lines are not rows
        records.append(cells)
        numbers.append(first_line + header_index + 1 + offset)
    frame = pd.DataFrame(records, columns=[str(i) for i in range(width)], dtype=object)
    if frame.empty:
        frame = pd.DataFrame({str(i): pd.Series(dtype=object) for i in range(width)})
    return Table(str(path), header, frame, np.asarray(numbers, dtype=np.int64), sheet=sheet)


def _read_csv(path: Path, fields) -> Table:
    raw = path.read_bytes()
    for encoding in _CSV_ENCODINGS:
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise _unusable(path, "not UTF-8 or GB18030 text", "不是 UTF-8 或 GB18030 编码的文本")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    first_lines = text[:200_000].splitlines()[:_HEADER_SCAN_ROWS]
    head = list(csv.reader(io.StringIO("\n".join(first_lines)), delimiter=delimiter))
    head = [[c if c.strip() else None for c in row] for row in head]
    header_index = _find_header(head, fields, path)
    try:
        has_blank_lines = re.search(r"\n[ \t,;]*\r?\n", text) is not None
        return _read_csv_body(path, raw, encoding, delimiter, header_index, head[header_index], has_blank_lines)
    except (pd.errors.ParserError, ValueError):
        pass  # ragged lines: the slower reader keeps every cell
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    rows = [[c if c.strip() else None for c in row] for row in rows]
    return _table_from_rows(path, rows, fields, first_line=1)


def _read_csv_arrow(path, raw: bytes, encoding, delimiter, header_index, header) -> Table | None:
    """The rows under the header as Arrow-backed text columns (fast), or None where Arrow cannot.

    Arrow drops blank lines and refuses ragged ones; the caller leaves those
    files to the pandas reader, which keeps every line number right.
    """
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    width = len(header)
    names = [str(i) for i in range(width)]
    try:
        table = pa_csv.read_csv(
            io.BytesIO(raw),
            read_options=pa_csv.ReadOptions(skip_rows=header_index + 1, column_names=names,
                                            encoding="utf8" if encoding == "utf-8-sig" else encoding),
            parse_options=pa_csv.ParseOptions(delimiter=delimiter),
            convert_options=pa_csv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                  strings_can_be_null=False, quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, UnicodeDecodeError):
        return None
    frame = table.to_pandas()
    numbers = np.arange(header_index + 2, header_index + 2 + len(frame), dtype=np.int64)
    headers = [("" if h is None else str(h).strip()) for h in header]
    return Table(str(path), headers, frame, numbers)


def _read_csv_body(path, raw: bytes, encoding, delimiter, header_index, header, has_blank_lines) -> Table:
    """The rows under the header, read by pandas' C parser; line numbers as an editor shows them."""
    if not has_blank_lines:
        table = _read_csv_arrow(path, raw, encoding, delimiter, header_index, header)
        if table is not None:
            return table
    width = len(header)
    frame = pd.read_csv(io.BytesIO(raw), encoding=encoding, sep=delimiter, header=None,
                        skiprows=header_index + 1, dtype=object, keep_default_na=False, na_filter=False,
                        skip_blank_lines=False, engine="c", names=[str(i) for i in range(width)],
                        on_bad_lines="error")
    numbers = np.arange(header_index + 2, header_index + 2 + len(frame), dtype=np.int64)
    if has_blank_lines:  # blank lines are not rows
        blank = frame.eq("").all(axis=1).to_numpy()
        frame = frame.loc[~blank].reset_index(drop=True)
        numbers = numbers[~blank]
    headers = [("" if h is None else str(h).strip()) for h in header]
    return Table(str(path), headers, frame, numbers)


def _cell(value):
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date()
    return value


def _read_xlsx(path: Path, fields) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for broken files
        raise _unusable(path, f"cannot open workbook ({exc})", f"无法打开工作簿（{exc}）") from exc
    try:
        tried = []
        for sheet in workbook.worksheets:
            rows = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            try:
                table = _table_from_rows(path, rows, fields, first_line=1, sheet=sheet.title)
            except UsageError:
                tried.append(sheet.title)
                continue
            if len(match_headers(table.headers, fields)) < 2 and sheet is not workbook.worksheets[-1]:
                tried.append(sheet.title)
                continue
            if len(workbook.worksheets) > 1:
                table.notes.append(f"sheet {sheet.title!r} used")
            return table
    finally:
        workbook.close()
    raise _unusable(
        path,
        "no sheet has a recognisable header row (sheets: " + ", ".join(tried) + ")",
        "没有工作表包含可识别的表头（工作表：" + "、".join(tried) + "）",
    )


def _read_gis(path: Path) -> Table:
    import pyogrio

    try:
        frame = pyogrio.read_dataframe(path)
    except Exception as exc:  # GDAL errors come in several classes
        raise _unusable(path, f"cannot read GIS file ({exc})", f"无法读取 GIS 文件（{exc}）") from exc
    geometry = frame.geometry
    data = pd.DataFrame(frame.drop(columns=frame.geometry.name)).astype(object)
    data = data.where(pd.notna(data), None)
    headers = [str(c) for c in data.columns]
    data.columns = [str(i) for i in range(len(headers))]
    # Features are numbered from 1, as QGIS shows them.
    numbers = np.arange(1, len(data) + 1, dtype=np.int64)
    return Table(str(path), headers, data.reset_index(drop=True), numbers,
                 geometry=geometry.reset_index(drop=True), file_crs=frame.crs)
