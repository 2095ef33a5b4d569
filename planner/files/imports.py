"""Turn a user's file into registry records, collecting every problem before loading.

`prepare_import` reads and validates; `planner.registry.tables.load_records` writes
in one transaction. A file with any bad row raises `InputError` listing each
problem with file, row and column, and nothing is loaded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely

from planner.errors import InputError, RowProblem, UsageError
from planner.files.cells import (
    CellError,
    is_blank,
    parse_bool,
    parse_date,
    parse_month,
    parse_number,
)
from planner.files.columns import (
    KIND_FIELDS,
    LEVEL_WORDS,
    OUTLET_KIND_WORDS,
    STATUS_WORDS,
    match_headers,
)
from planner.files.positions import file_crs_option, layer_shapes, read_positions
from planner.files.tables import Table, read_user_table
from planner.rules.china_time import china_today, month_of
from planner.rules.vocabulary import (
    CANDIDATE_STATUSES,
    FLAG_FACTS,
    NUMBER_FACTS,
    STATION_STATUSES,
)
from planner.spatial.crs import CoordSystem

__all__ = ["TABLE_OF_KIND", "ImportBatch", "code_text", "prepare_import"]

TABLE_OF_KIND = {
    "branches": "outlets",
    "stations": "stations",
    "candidates": "candidates",
    "areas": "areas",
    "transactions": "transactions",
}
_NUMBER_FIELDS = NUMBER_FACTS + ("population", "households")
_BOOL_FIELDS = FLAG_FACTS
_DATE_FIELDS = ("opened_on", "reported_on")
_TEXT_FIELDS = ("name", "address", "operator")
_STATUSES = {"stations": STATION_STATUSES, "candidates": CANDIDATE_STATUSES}


@dataclass
class ImportBatch:
    kind: str
    table_name: str
    source: str
    records: list[dict]
    notes: list[str] = field(default_factory=list)
    repairs: list[RowProblem] = field(default_factory=list)  # e.g. invalid polygons made valid
    columns: dict[str, str] = field(default_factory=dict)  # the file's header of each field, for row problems


def code_text(value) -> str | None:
    """An identifier as text; Excel's 1001.0 becomes '1001'."""
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _json_safe(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


class _Collector:
    def __init__(self, table: Table):
        self.table = table
        self.problems: list[RowProblem] = []
        self.repairs: list[RowProblem] = []  # rows kept after a repair, reported with the summary

    def _at(self, i, header, en, zh) -> RowProblem:
        row = None if i is None else int(self.table.row_numbers[i])
        return RowProblem(self.table.path, row, header, en, zh)

    def add(self, i, header, en, zh):
        self.problems.append(self._at(i, header, en, zh))

    def repair(self, i, header, en, zh):
        self.repairs.append(self._at(i, header, en, zh))


def prepare_import(path, kind: str, *, crs: str | None = None, today: dt.date | None = None) -> ImportBatch:
    """Read and validate `path` as `kind`; raise InputError listing every bad row.

    `today` (default: today in China) decides which transaction months lie in the future."""
    if kind not in KIND_FIELDS:
        msg = f"unknown kind {kind!r}: use one of " + ", ".join(KIND_FIELDS)
        raise UsageError(msg, f"未知数据类型 {kind!r}：可用 " + "、".join(KIND_FIELDS))
    default_crs = file_crs_option(crs)
    table = read_user_table(path, KIND_FIELDS[kind])
    columns = match_headers(table.headers, KIND_FIELDS[kind])
    issues = _Collector(table)
    _nul_cells(table, issues)
    records = [{"_row": int(n)} for n in table.row_numbers]
    if kind == "transactions":
        _transactions(table, columns, records, issues, month_of(today or china_today()))
    else:
        _identity(table, columns, records, issues, kind)
        _geometry(table, columns, records, issues, kind, default_crs)
        _fields(table, columns, records, issues, kind)
        _attrs(table, columns, records)
    if issues.problems:
        raise InputError(sorted(issues.problems, key=lambda p: p.row or 0))
    notes = list(table.notes)
    headers = {name: table.headers[pos] for name, pos in columns.items()}
    return ImportBatch(kind, TABLE_OF_KIND[kind], Path(path).name, records, notes, issues.repairs, headers)


def _nul_cells(table, issues):
    """A NUL character cannot be stored as text by PostgreSQL: refuse such a cell (or header) on both backends
    alike, naming it, instead of failing inside the write."""
    for pos, header in enumerate(table.headers):
        shown = header.replace("\x00", "\u2400")  # ␀ where the character was
        if "\x00" in header:
            issues.add(None, shown, "the header contains a NUL character: remove it", "表头含有空字符（NUL）：请删除")
        try:
            bad = table.column(pos).str.contains("\x00", regex=False, na=False).to_numpy(dtype=bool)
        except AttributeError:  # no text in this column at all
            continue
        for i in np.flatnonzero(bad):
            issues.add(int(i), shown, "contains a NUL character, which cannot be stored: remove it",
                       "含有空字符（NUL），无法保存：请删除")


def _require(table, columns, issues, *names) -> bool:
    missing = [n for n in names if n not in columns]
    for name in missing:
        issues.add(None, None, f"no column for {name!r} (headers: {', '.join(table.headers)})",
                   f"缺少“{name}”列（表头：{'、'.join(table.headers)}）")
    return not missing


def _identity(table, columns, records, issues, kind):
    if "code" not in columns and not (kind == "areas" and "name" in columns):
        _require(table, columns, issues, "code")
        return
    pos = columns.get("code", columns.get("name"))
    header = table.headers[pos]
    first_row = {}
    for i, value in enumerate(table.column(pos)):
        code = code_text(value)
        if code is None:
            issues.add(i, header, "identifier is empty", "编号为空")
            continue
        if code in first_row:
            issues.add(i, header, f"duplicate id {code!r} (first at row {first_row[code]})",
                       f"编号“{code}”重复（首次出现在第 {first_row[code]} 行）")
        else:
            first_row[code] = records[i]["_row"]
        records[i]["code"] = code


def _geometry(table, columns, records, issues, kind, default_crs: CoordSystem):
    if table.geometry is not None:
        _geometry_from_layer(table, records, issues, kind, default_crs)
        return
    if kind == "areas":
        for record in records:
            record["geom"] = None  # census figures for areas already in the registry
        return
    if not _require(table, columns, issues, "lon", "lat"):
        return
    positions = read_positions(table, columns, default_crs)
    for row_problems in positions.problems.values():
        issues.problems.extend(row_problems)
    points = shapely.points(positions.lon, positions.lat)
    ok = positions.ok  # computed once: per row it rebuilt the whole mask (minutes for 400 k stations)
    for i, record in enumerate(records):
        record["geom"] = points[i] if ok[i] else None


def _geometry_from_layer(table, records, issues, kind, default_crs):
    shapes = layer_shapes(table, default_crs, "area" if kind == "areas" else "point")
    for i, fault in shapes.faults.items():
        issues.add(i, "geometry", fault.en, fault.zh)
    for i, fault in shapes.repairs.items():
        issues.repair(i, "geometry", fault.en, fault.zh)
    for i, geom in enumerate(shapes.geoms):
        if geom is not None:
            records[i]["geom"] = geom


def _infer_level(name):
    name = (name or "").strip()
    for suffix, level in (("社区", "community"), ("居委会", "community"), ("村", "village"),
                          ("街道", "subdistrict"), ("镇", "township"), ("乡", "township")):
        if name.endswith(suffix):
            return level
    return None


def _fields(table, columns, records, issues, kind):
    for name, pos in columns.items():
        if name in ("code", "lon", "lat", "crs"):
            continue
        header = table.headers[pos]
        for i, value in enumerate(table.column(pos)):
            if is_blank(value):
                continue
            try:
                records[i][name] = _parse_field(kind, name, value)
            except CellError as exc:
                issues.add(i, header, exc.en, exc.zh)
    if kind == "branches":
        for record in records:
            record.setdefault("kind", "branch")
    if kind == "areas":
        header = table.headers[columns["level"]] if "level" in columns else "level"
        for i, record in enumerate(records):
            if "level" not in record:
                record["level"] = _infer_level(record.get("name"))
            if record["level"] is None:
                issues.add(i, header, "level missing: community, village, subdistrict or township",
                           "缺少级别：社区、村、街道或乡镇")
            if "parent" in record:
                record["parent_code"] = record.pop("parent")


def _parse_field(kind, name, value):
    if name in _TEXT_FIELDS or name == "parent":
        return code_text(value) if name == "parent" else str(value).strip()
    if name in _NUMBER_FIELDS:
        number = parse_number(value)
        if number < 0:
            raise CellError(f"{value!r} is negative", f"“{value}”为负数")
        return number
    if name in _BOOL_FIELDS:
        return parse_bool(value)
    if name in _DATE_FIELDS:
        return parse_date(value)
    words = {"kind": OUTLET_KIND_WORDS, "status": STATUS_WORDS, "level": LEVEL_WORDS}[name]
    word = words.get(str(value).strip().lower())
    allowed = _STATUSES.get(kind) if name == "status" else None
    if word is None or (allowed and word not in allowed):
        options = ", ".join(allowed or sorted(set(words.values())))
        raise CellError(f"{value!r} is not a valid {name} ({options})",
                        f"“{value}”不是有效的{name}（{options}）")
    return word


def _attrs(table, columns, records):
    used = set(columns.values())
    extra = [(pos, h) for pos, h in enumerate(table.headers) if pos not in used and h]
    for i, record in enumerate(records):
        attrs = {}
        for pos, header in extra:
            value = table.frame.iat[i, pos]
            if not is_blank(value):
                attrs[header] = _json_safe(value)
        record["attrs"] = attrs or None


MAX_MONTHLY_COUNT = 2**31 - 1  # the registry's integer column (PostgreSQL integer; SQLite takes 2**63 - 1)


def _transactions(table, columns, records, issues, current_month: str):
    """Station, month and count of each row: a known-looking station id, a month not after `current_month`,
    a whole count from 0 to MAX_MONTHLY_COUNT, each station-month once (whether the station exists is the
    registry's to say)."""
    if not _require(table, columns, issues, "station_id", "month", "count"):
        return
    seen = {}
    for i, record in enumerate(records):
        cells = {name: table.frame.iat[i, columns[name]] for name in ("station_id", "month", "count")}
        code = code_text(cells["station_id"])
        if code is None:
            issues.add(i, table.headers[columns["station_id"]], "station id is empty", "网点编号为空")
        record["station_code"] = code
        for name, parse in (("month", parse_month), ("count", parse_number)):
            header = table.headers[columns[name]]
            try:
                record[name] = parse(cells[name])
            except CellError as exc:
                issues.add(i, header, exc.en, exc.zh)
                continue
        if record.get("month", "") > current_month:
            issues.add(i, table.headers[columns["month"]],
                       f"month {record['month']} is in the future (this month in China is {current_month})",
                       f"月份 {record['month']} 尚未到来（中国当前月份为 {current_month}）")
        count = record.get("count")
        if count is not None and (count < 0 or not float(count).is_integer()):
            issues.add(i, table.headers[columns["count"]], f"{cells['count']!r} is not a whole count",
                       f"“{cells['count']}”不是非负整数")
        elif count is not None and count > MAX_MONTHLY_COUNT:
            issues.add(i, table.headers[columns["count"]], f"{cells['count']!r} is more than {MAX_MONTHLY_COUNT}",
                       f"“{cells['count']}”超过 {MAX_MONTHLY_COUNT}")
        elif count is not None:
            record["count"] = int(count)
        key = (code, record.get("month"))
        if None not in key and key in seen:
            issues.add(i, table.headers[columns["month"]],
                       f"station {code} month {key[1]} repeats row {seen[key]}",
                       f"网点 {code} 的 {key[1]} 月份与第 {seen[key]} 行重复")
        seen.setdefault(key, record["_row"])
