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
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from planner.config import Limits, current_limits, unusable_file
from planner.errors import UsageError
from planner.files.columns import match_headers
from planner.files.encoding import detect_encoding
from planner.files.scan import check_size, check_zip, scan_lines, scan_xlsx_parts

__all__ = ["GIS_SUFFIXES", "TABULAR_SUFFIXES", "Table", "read_user_table"]

TABULAR_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm")
GIS_SUFFIXES = (".geojson", ".json", ".gpkg", ".shp", ".zip")
_HEADER_SCAN_ROWS = 30


@dataclass
class Table:
    """Rows of one file: original headers and cells, plus where each row was."""

    path: str  # the file's own name, as messages show it (never the folder it sits in)
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


def _quiet(exc: Exception, path: Path) -> str:
    """A library's error text without the folders of `path` (users see file names, not server paths)."""
    text = str(exc)
    for folder in {str(path.parent), str(path.resolve().parent)}:
        text = text.replace(folder.rstrip("/") + "/", "")
    return text


def read_user_table(path, fields) -> Table:
    """Read `path`; for CSV/XLSX, find the header row by the `fields` it names.

    The file is checked against the limits in force (planner.config) before
    its content is read: size, line length, rows, columns, and for zips the
    unpacked size and compression ratio.
    """
    path = Path(path)
    if not path.is_file():
        raise unusable_file(path, "file not found", "文件不存在")
    limits = current_limits()
    check_size(path, limits)
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        return _read_csv(path, fields, limits)
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, fields, limits)
    if suffix in GIS_SUFFIXES:
        return _read_gis(path, limits)
    if suffix == ".xls":
        raise unusable_file(path, "old .xls workbooks are not supported: save as .xlsx",
                        "不支持旧版 .xls 文件，请另存为 .xlsx")
    raise unusable_file(
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
    raise unusable_file(
        path,
        "no header row found: expected columns such as " + ", ".join(fields[:5]),
        "找不到表头行：应包含如 " + "、".join(fields[:5]) + " 等列",
    )


def _table_from_rows(path, rows, numbers, fields, *, sheet=None) -> Table:
    """A table from rows of cells and the line (row) number of each, under the header found in them."""
    header_index = _find_header(rows, fields, path)
    header = [("" if h is None else str(h).strip()) for h in rows[header_index]]
    width = len(header)
    records, kept = [], []
    for cells, number in zip(rows[header_index + 1:], numbers[header_index + 1:]):
        cells = list(cells[:width]) + [None] * (width - len(cells))
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            continue  # blank lines are not rows
        records.append(cells)
        kept.append(number)
    frame = pd.DataFrame(records, columns=[str(i) for i in range(width)], dtype=object)
    if frame.empty:
        frame = pd.DataFrame({str(i): pd.Series(dtype=object) for i in range(width)})
    return Table(path.name, header, frame, np.asarray(kept, dtype=np.int64), sheet=sheet)


def _read_csv(path: Path, fields, limits: Limits) -> Table:
    lines = scan_lines(path, limits)  # refuses a line that is too long before anything is held
    if lines - 1 > limits.rows:
        raise unusable_file(path, f"more than {limits.rows:,} rows (PLANNER_MAX_ROWS)",
                        f"超过 {limits.rows:,} 行（PLANNER_MAX_ROWS）")
    encoding, note = detect_encoding(path)
    raw = path.read_bytes()
    text = raw[:2 * limits.line_bytes].decode(encoding, errors="ignore")  # whole lines: the cut only ends one
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    first_lines = text.splitlines()[:_HEADER_SCAN_ROWS]
    head = list(csv.reader(io.StringIO("\n".join(first_lines)), delimiter=delimiter))
    for number, row in enumerate(head, start=1):
        _check_width(path, len(row), limits, number)
    head = [[c if c.strip() else None for c in row] for row in head]
    header_index = _find_header(head, fields, path)
    if (lines - header_index - 1) * len(head[header_index]) > limits.cells:
        raise unusable_file(path, f"more than {limits.cells:,} cells (rows × columns, PLANNER_MAX_CELLS)",
                        f"单元格数（行 × 列）超过 {limits.cells:,}（PLANNER_MAX_CELLS）")
    try:
        has_blank_lines = re.search(rb"\n[ \t,;]*\r?\n", raw) is not None
        table = _read_csv_body(path, raw, encoding, delimiter, header_index, head[header_index], has_blank_lines)
    except (pd.errors.ParserError, ValueError):
        table = _read_csv_ragged(path, raw.decode(encoding), delimiter, fields, limits)
    _check_cell_lengths(path, table, limits)
    if note:
        table.notes.append(note)
    return table


def _check_width(path, width: int, limits: Limits, row: int) -> None:
    if width > limits.columns:
        raise unusable_file(path, f"{width:,} columns, more than the {limits.columns:,} allowed (PLANNER_MAX_COLUMNS)",
                            f"共 {width:,} 列，超过允许的 {limits.columns:,} 列（PLANNER_MAX_COLUMNS）", row=row)


def _read_csv_ragged(path: Path, text: str, delimiter: str, fields, limits: Limits) -> Table:
    """Lines of different lengths: Python's csv reader keeps every cell, row by row, within the limits."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows, numbers = [], []
    for row in reader:
        _check_width(path, len(row), limits, reader.line_num)
        rows.append([c if c.strip() else None for c in row])
        numbers.append(reader.line_num)
    return _table_from_rows(path, rows, numbers, fields)


def _check_cell_lengths(path, table: Table, limits: Limits) -> None:
    """Refuse, naming row and column, a text cell longer than PLANNER_MAX_CELL_CHARS."""
    for position in range(len(table.headers)):
        lengths = table.column(position).str.len()
        over = np.flatnonzero(lengths.to_numpy(dtype=float, na_value=0) > limits.cell_chars)
        if over.size:
            raise _long_cell(path, limits, int(table.row_numbers[over[0]]), table.headers[position] or None)


def _long_cell(path, limits: Limits, row: int, column: str | None) -> UsageError:
    return unusable_file(path, f"a cell longer than {limits.cell_chars:,} characters (PLANNER_MAX_CELL_CHARS)",
                         f"单元格超过 {limits.cell_chars:,} 个字符（PLANNER_MAX_CELL_CHARS）", row=row, column=column)


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
    return Table(path.name, headers, frame, numbers)


def _read_csv_body(path, raw: bytes, encoding, delimiter, header_index, header, has_blank_lines) -> Table:
    """The rows under the header, read by pandas' C parser; line numbers as an editor shows them."""
    if not has_blank_lines:
        table = _read_csv_arrow(path, raw, encoding, delimiter, header_index, header)
        if table is not None:
            return table
    width = len(header)
    with warnings.catch_warnings():  # cells right of the header are dropped, as for every reader here
        warnings.simplefilter("ignore", pd.errors.ParserWarning)
        frame = pd.read_csv(io.BytesIO(raw), encoding=encoding, sep=delimiter, header=None,
                            skiprows=header_index + 1, dtype=object, keep_default_na=False, na_filter=False,
                            skip_blank_lines=False, engine="c", names=[str(i) for i in range(width)],
                            index_col=False, on_bad_lines="error")  # never the first cells as an index
    numbers = np.arange(header_index + 2, header_index + 2 + len(frame), dtype=np.int64)
    if has_blank_lines:  # blank lines are not rows
        blank = frame.eq("").all(axis=1).to_numpy()
        frame = frame.loc[~blank].reset_index(drop=True)
        numbers = numbers[~blank]
    headers = [("" if h is None else str(h).strip()) for h in header]
    return Table(path.name, headers, frame, numbers)


def _cell(value):
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date()
    return value


def _read_xlsx(path: Path, fields, limits: Limits) -> Table:
    from openpyxl import load_workbook

    scan_xlsx_parts(path, limits)  # a zip bomb, an endless row or an entity bomb stops here
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for broken files
        raise unusable_file(path, f"cannot open workbook ({_quiet(exc, path)})",
                        f"无法打开工作簿（{_quiet(exc, path)}）") from exc
    try:
        tried = []
        for sheet in workbook.worksheets:
            rows, numbers = _sheet_rows(path, sheet, limits)
            try:
                table = _table_from_rows(path, rows, numbers, fields, sheet=sheet.title)
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
    raise unusable_file(
        path,
        "no sheet has a recognisable header row (sheets: " + ", ".join(tried) + ")",
        "没有工作表包含可识别的表头（工作表：" + "、".join(tried) + "）",
    )


def _sheet_rows(path: Path, sheet, limits: Limits) -> tuple[list, list]:
    """The sheet's non-blank rows (cells up to the last filled one) and their row numbers, within the limits."""
    rows, numbers, cells = [], [], 0
    try:
        for number, parsed in _parsed_rows(sheet):
            if number > limits.rows + _HEADER_SCAN_ROWS:
                raise unusable_file(path, f"sheet {sheet.title!r} has more than {limits.rows:,} rows "
                                    "(PLANNER_MAX_ROWS)",
                                    f"工作表“{sheet.title}”超过 {limits.rows:,} 行（PLANNER_MAX_ROWS）")
            filled = [c for c in parsed if c["value"] is not None]
            if not filled:
                continue
            width = max(c["column"] for c in filled)
            _check_width(path, width, limits, number)
            values = [None] * width
            for cell in filled:
                value = values[cell["column"] - 1] = _cell(cell["value"])
                if isinstance(value, str) and len(value) > limits.cell_chars:
                    raise _long_cell(path, limits, number, _column_letter(cell["column"] - 1))
            cells += width
            if cells > limits.cells:
                raise unusable_file(path, f"more than {limits.cells:,} cells (PLANNER_MAX_CELLS)",
                                    f"单元格数超过 {limits.cells:,}（PLANNER_MAX_CELLS）")
            rows.append(values)
            numbers.append(number)
    except UsageError:
        raise
    except Exception as exc:  # a damaged sheet: openpyxl and the XML parser raise many kinds
        raise unusable_file(path, f"cannot read sheet {sheet.title!r} ({_quiet(exc, path)})",
                            f"无法读取工作表“{sheet.title}”（{_quiet(exc, path)}）") from exc
    return rows, numbers


def _parsed_rows(sheet):
    """(row number, cells) straight from openpyxl's sheet parser.

    Its read-only worksheet would fill every missing row in (a sheet whose
    rows are 1 and 1,048,576 costs a million empty rows), pad rows to the
    width the file's <dimension> claims, and keep every row's height; this
    walks the same parser without any of that (openpyxl 3.1's internals,
    pinned in pyproject.toml).
    """
    from openpyxl.worksheet._reader import WorkSheetParser

    book = sheet.parent
    with sheet._get_source() as source:
        parser = WorkSheetParser(source, sheet._shared_strings, data_only=True, epoch=book.epoch,
                                 date_formats=book._date_formats, timedelta_formats=book._timedelta_formats)
        for number, cells in parser.parse():
            parser.row_dimensions.clear()
            yield number, cells


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _read_gis(path: Path, limits: Limits) -> Table:
    import pyogrio

    if path.suffix.lower() == ".zip":
        check_zip(path, limits)
    if path.suffix.lower() in (".geojson", ".json") and path.stat().st_size > limits.geojson_bytes:
        mb = limits.geojson_bytes // (1024 * 1024)
        raise unusable_file(path, f"a GeoJSON file over {mb} MB (PLANNER_MAX_GEOJSON_MB): GeoJSON is read whole, "
                            "so send a larger layer as a GeoPackage (.gpkg), which is read feature by feature",
                            f"GeoJSON 文件超过 {mb} MB（PLANNER_MAX_GEOJSON_MB）：GeoJSON 需整体读入内存，"
                            "较大的图层请改用 GeoPackage（.gpkg），它逐个要素读取")
    try:
        info = pyogrio.read_info(path)
        if info.get("features", -1) > limits.rows:
            raise unusable_file(path, f"more than {limits.rows:,} features (PLANNER_MAX_ROWS)",
                            f"超过 {limits.rows:,} 个要素（PLANNER_MAX_ROWS）")
        if len(info.get("fields", ())) > limits.columns:
            raise unusable_file(path, f"{len(info['fields']):,} fields, more than the {limits.columns:,} allowed "
                                "(PLANNER_MAX_COLUMNS)",
                                f"共 {len(info['fields']):,} 个字段，超过允许的 {limits.columns:,} "
                                "个（PLANNER_MAX_COLUMNS）")
        frame = pyogrio.read_dataframe(path)
    except UsageError:
        raise
    except Exception as exc:  # GDAL errors come in several classes
        raise unusable_file(path, f"cannot read GIS file ({_quiet(exc, path)})",
                        f"无法读取 GIS 文件（{_quiet(exc, path)}）") from exc
    geometry = frame.geometry
    data = pd.DataFrame(frame.drop(columns=frame.geometry.name)).astype(object)
    data = data.where(pd.notna(data), None)
    headers = [str(c) for c in data.columns]
    data.columns = [str(i) for i in range(len(headers))]
    # Features are numbered from 1, as QGIS shows them.
    numbers = np.arange(1, len(data) + 1, dtype=np.int64)
    return Table(path.name, headers, data.reset_index(drop=True), numbers,
                 geometry=geometry.reset_index(drop=True), file_crs=frame.crs)
