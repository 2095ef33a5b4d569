"""What `planner import all` checks in each layer of an export before the database is touched: values the
registry cannot hold, which SQLite would otherwise store as they come and PostgreSQL refuse (or, for geometry,
store where no map can show it).

Read from the file itself (a GeoPackage is SQLite): each value's storage class against its column's type (GDAL
would read the text 'many' in a number column as 0), days and times that are real ones (GDAL would read
'2026-02-31' as none), text no longer than its column, one row per id. Geometry
as GDAL reads it: present, readable, of the layer's type, not empty, finite, within the degree ranges. A place
outside China is not refused: a registry may lie anywhere (its check then says so).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pyarrow as pa
import shapely
from sqlalchemy import JSON, Boolean, Date, DateTime, Float, Integer, LargeBinary, String

__all__ = ["layer_problems"]

_SHOWN = 3  # rows named per problem


def _classes(kind) -> tuple[str, ...]:
    """SQLite storage classes a value of this column type may have in an export (NULL aside)."""
    if isinstance(kind, (Boolean, Integer)):
        return ("integer",)
    if isinstance(kind, Float):
        return ("real", "integer")
    if isinstance(kind, LargeBinary):
        return ("blob",)
    if isinstance(kind, (JSON, Date, DateTime, String)):
        return ("text",)
    return ()


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _first(db: sqlite3.Connection, table: str, what: str, where: str) -> list:
    """Up to _SHOWN values of `what` from `table` where `where` holds (table and column names are the
    registry's own, quoted: nothing of the file's goes into the SQL)."""
    query = f"SELECT {what} FROM {table} {where} LIMIT {_SHOWN}"
    return [row[0] for row in db.execute(query)]


def _value_problems(db: sqlite3.Connection, spec) -> list[str]:
    table, found = _quoted(spec.name), []
    for column in spec.columns():
        if column.name == "geom":
            continue
        name, classes = _quoted(column.name), _classes(column.type)
        if classes:
            allowed = ", ".join(f"'{c}'" for c in (*classes, "null"))
            rows = _first(db, table, "rowid", f"WHERE typeof({name}) NOT IN ({allowed})")
            if rows:
                found.append(f"{column.name} holds a value of another type (rows {_rows(rows)})")
                continue
        if isinstance(column.type, (Date, DateTime)):  # GDAL reads a day it cannot read as none; a modifier
            # makes SQLite carry an impossible day over (2026-02-31 becomes 2026-03-03), so it differs
            rows = _first(db, table, "rowid", f"WHERE {name} IS NOT NULL AND (julianday({name}) IS NULL "
                                              f"OR date({name}, '+0 days') IS NOT substr({name}, 1, 10))")
            if rows:
                found.append(f"{column.name} holds a value that is not a date or time (rows {_rows(rows)})")
        length = getattr(column.type, "length", None)
        if isinstance(column.type, String) and length:
            rows = _first(db, table, "rowid", f"WHERE length({name}) > {int(length)}")
            if rows:
                found.append(f"{column.name} longer than {length} characters (rows {_rows(rows)})")
    if "id" in spec.table.c:
        twice = _first(db, table, "id", "GROUP BY id HAVING count(*) > 1")
        if twice:
            found.append(f"id {_rows(twice)} on more than one row")
    return found


def _rows(values) -> str:
    return ", ".join(str(v) for v in values)


def _geometry_problems(spec, table: pa.Table) -> list[str]:
    if not spec.geometry_type or "geom" not in table.column_names:
        return []
    raw = table.column("geom").to_pylist()
    shapes = shapely.from_wkb(np.array(raw, dtype=object), on_invalid="ignore")
    missing = shapely.is_missing(shapes)
    wrong = ~missing & (shapely.get_type_id(shapes) != _TYPE_IDS[spec.geometry_type])
    empty = ~missing & ~wrong & shapely.is_empty(shapes)
    xy, owner = shapely.get_coordinates(shapes, return_index=True)
    bad = ~np.isfinite(xy).all(axis=1) | (np.abs(xy[:, 0]) > 180) | (np.abs(xy[:, 1]) > 90)
    outside = np.zeros(len(raw), bool)
    outside[owner[bad]] = True
    found = []
    for mask, what in ((missing, "no readable geometry"), (wrong, f"a geometry that is not a {spec.geometry_type}"),
                       (empty, "an empty geometry"), (outside & ~empty & ~wrong,
                                                      "coordinates not finite or outside -180…180, -90…90")):
        rows = np.flatnonzero(mask)[:_SHOWN] + 1
        if rows.size:
            found.append(f"{what} (rows {_rows(rows.tolist())})")
    return found


_TYPE_IDS = {"Point": 0, "LineString": 1, "Polygon": 3, "MultiPolygon": 6}


def layer_problems(path: Path, spec, table: pa.Table) -> list[str]:
    """Why the layer `spec` of the export at `path` (read by GDAL as `table`) cannot be loaded; empty when it can."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        found = _value_problems(db, spec)
    found += _geometry_problems(spec, table)
    return [f"layer {spec.name}: {problem}" for problem in found]
