"""The registry: the one place that turns database rows into GeoDataFrames and back.

Loads validated records in one transaction (upsert by code, soft deletion,
an event per change), reads tables as GeoDataFrames, answers single-site
nearest-neighbour queries on the spatial index of either backend.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from sqlalchemy import Connection, Engine, bindparam, insert, inspect, select, text, update

from planner.errors import InputError, RowProblem, UsageError
from planner.files.imports import ImportBatch
from planner.registry.engine import connected
from planner.registry.import_lock import import_transaction
from planner.registry.models import Base, Event, utcnow
from planner.registry.transaction_imports import load_transactions
from planner.rules.geometry import usable_geometries, usable_positions
from planner.rules.vocabulary import SITE_TABLES

__all__ = [
    "SITE_TABLES",
    "ImportSummary",
    "count_rows",
    "extent",
    "history",
    "load_records",
    "read_point_columns",
    "read_points",
    "read_table",
]

_log = logging.getLogger(__name__)
_GEOMETRY_TABLES = SITE_TABLES + ("areas",)
_SKIP = {"_row", "geom", "code"}
_FLOAT_TOLERANCE = 1e-9
_POSITION_TOLERANCE_DEG = 1e-9  # about 0.1 mm


@dataclass
class ImportSummary:
    kind: str
    table_name: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    restored: int = 0
    deleted: int = 0

    def line(self) -> str:
        return (
            f"{self.kind}: {self.created} created, {self.updated} updated, "
            f"{self.restored} restored, {self.unchanged} unchanged, {self.deleted} deleted"
        )


def _ewkt(geom) -> str | None:
    return None if geom is None else f"SRID=4326;{shapely.to_wkt(geom, rounding_precision=-1)}"


def _same(old, new) -> bool:
    if isinstance(old, float) and isinstance(new, (int, float)) and not isinstance(new, bool):
        return math.isclose(old, float(new), rel_tol=0, abs_tol=_FLOAT_TOLERANCE)
    if isinstance(old, dt.datetime) and isinstance(new, dt.date):
        return old.date() == new
    return old == new


def _plain(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, shapely.Geometry):
        return shapely.to_wkt(value, rounding_precision=7)
    return value


def load_records(engine: Engine, batch: ImportBatch, *, actor: str, replace: bool = False) -> ImportSummary:
    """Write a validated batch in one transaction; any problem rolls everything back."""
    summary = ImportSummary(batch.kind, batch.table_name)
    with import_transaction(engine, batch.kind) as conn:  # one import at a time; a clear line when busy
        if batch.table_name == "transactions":
            load_transactions(conn, batch, summary, actor=actor, replace=replace)
        else:
            _load_rows(conn, batch, summary, actor=actor, replace=replace)
        conn.execute(insert(Event.__table__), [{
            "at": utcnow(), "actor": actor, "table_name": batch.table_name, "code": "*",
            "action": "import", "source": batch.source,
            "changes": {k: v for k, v in vars(summary).items() if isinstance(v, int)},
        }])
    _analyze(engine, batch.table_name)
    return summary


def _analyze(engine: Engine, table_name: str) -> None:
    """Refresh the planner statistics after a bulk load, so filtered nearest-site queries use the index."""
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        conn.execute(text(f"ANALYZE {table_name}"))
        conn.commit()


def _existing(conn: Connection, table) -> dict[str, dict]:
    columns = [c for c in table.c if c.name != "geom"]
    stmt = select(*columns, text("ST_AsBinary(geom) AS wkb")).select_from(table)
    rows = {}
    for row in conn.execute(stmt).mappings():
        row = dict(row)
        wkb = row.pop("wkb")
        row["geom"] = shapely.from_wkb(bytes(wkb)) if wkb is not None else None
        rows[row["code"]] = row
    return rows


def _diff(old: dict, record: dict, fields) -> dict:
    changes = {}
    for name in fields:
        new = record.get(name)
        if name == "geom":
            if new is None:
                continue
            if old["geom"] is None or not shapely.equals_exact(old["geom"], new, _POSITION_TOLERANCE_DEG):
                changes["geom"] = [_plain(old["geom"]), _plain(new)]
        elif not _same(old.get(name), new):
            changes[name] = [_plain(old.get(name)), _plain(new)]
    return changes


def _load_rows(conn, batch: ImportBatch, summary: ImportSummary, *, actor, replace):
    table = Base.metadata.tables[batch.table_name]
    fields = sorted({k for r in batch.records for k in r} - {"_row", "code"})
    existing = _existing(conn, table)
    defaults = {c.name: c.default.arg for c in table.c
                if c.default is not None and not callable(c.default.arg) and c.name in fields}
    required = [c.name for c in table.c if not c.nullable and c.name in fields and c.name != "geom"]
    now = utcnow()
    inserts, updates, events, problems = [], [], [], []
    for record in batch.records:
        old = existing.get(record["code"])
        if old is None:
            if record.get("geom") is None:
                problems.append(RowProblem(batch.source, record["_row"], None,
                                           f"{record['code']!r} is not in the registry and has no geometry",
                                           f"“{record['code']}”不在登记库中且没有几何图形"))
                continue
            row = {k: record.get(k) for k in fields}
            for name, default in defaults.items():
                if row.get(name) is None:
                    row[name] = default
            row.update(code=record["code"], geom=_ewkt(record["geom"]), created_at=now, updated_at=now)
            inserts.append(row)
            events.append(_event(actor, batch, record["code"], "create",
                                 {k: [None, _plain(v)] for k, v in record.items() if k != "_row"}))
            summary.created += 1
            continue
        changes = _diff(old, record, fields)
        action = "restore" if old["deleted_at"] is not None else "update"
        if not changes and action == "update":
            summary.unchanged += 1
            continue
        values = {k: record.get(k) for k in fields if k != "geom"}
        for name in required:  # a blank cell never empties a required column
            if values.get(name) is None:
                values[name] = old[name]
        values["geom"] = _ewkt(record["geom"]) if record.get("geom") is not None else _ewkt(old["geom"])
        values.update(_id=old["id"], updated_at=now, deleted_at=None)
        updates.append(values)
        events.append(_event(actor, batch, record["code"], action, changes))
        summary.restored += action == "restore"
        summary.updated += action == "update"
    if problems:
        raise InputError(problems)
    if replace:
        in_file = {r["code"] for r in batch.records}
        gone = [old for code, old in existing.items() if code not in in_file and old["deleted_at"] is None]
        if gone:
            conn.execute(update(table).where(table.c.id == bindparam("_id")),
                         [{"_id": old["id"], "deleted_at": now} for old in gone])
            events.extend(_event(actor, batch, old["code"], "delete", None) for old in gone)
            summary.deleted = len(gone)
    if inserts:
        conn.execute(insert(table), inserts)
    if updates:
        conn.execute(update(table).where(table.c.id == bindparam("_id")), updates)
    if events:
        conn.execute(insert(Event.__table__), events)


def _event(actor, batch, code, action, changes):
    return {"at": utcnow(), "actor": actor, "table_name": batch.table_name, "code": code,
            "action": action, "changes": changes, "source": batch.source}


def read_table(db: Engine | Connection, table_name: str, *, include_deleted: bool = False,
               columns=None, codes=None, usable_only: bool = True) -> gpd.GeoDataFrame | pd.DataFrame:
    """A registry table as a GeoDataFrame (WGS84) — or a DataFrame for transactions.

    `columns` limits the attribute columns read (the geometry always comes);
    `codes` limits the rows to those codes. Rows whose stored geometry breaks
    the position rules (stored before they held) are left out and logged,
    unless `usable_only` is false.
    """
    if table_name not in Base.metadata.tables:
        msg = f"unknown registry table {table_name!r}"
        raise UsageError(msg)
    table = Base.metadata.tables[table_name]
    columns = [c for c in table.c if c.name != "geom" and (columns is None or c.name in columns)]
    has_geom = table_name in _GEOMETRY_TABLES
    extra = [text("ST_AsBinary(geom) AS wkb")] if has_geom else []
    stmt = select(*columns, *extra).select_from(table).order_by(table.c.id)
    if not include_deleted:
        stmt = stmt.where(table.c.deleted_at.is_(None))
    if codes is not None:
        stmt = stmt.where(table.c.code.in_(list(codes)))
    frame = _read_frame(db, stmt, columns, has_geom)
    if not has_geom or not usable_only or not len(frame):
        return frame
    usable = usable_geometries(frame.geometry.values)
    if usable.all():
        return frame
    _skipped(table_name, frame["code"].to_numpy()[~usable] if "code" in frame else np.flatnonzero(~usable))
    return frame.loc[usable].reset_index(drop=True)


def _skipped(table_name: str, which) -> None:
    """Say that stored rows with unusable geometry were left out of a read (they cannot be drawn or measured)."""
    shown = ", ".join(str(v) for v in list(which)[:10]) + (", …" if len(which) > 10 else "")
    _log.warning("%s: %d stored row(s) with a non-finite or out-of-range geometry left out (%s); "
                 "import them again with valid coordinates", table_name, len(which), shown)


def _read_frame(db, stmt, columns, has_geom):
    names = [c.name for c in columns] + (["wkb"] if has_geom else [])
    with connected(db) as conn:
        rows = conn.execute(stmt).fetchall()
    values = list(zip(*rows)) if rows else [()] * len(names)
    # Text stays in plain object columns: converting them to Arrow strings costs more than it saves here.
    data = {}
    for name, column, cells in zip(names, columns + [None], values):
        numeric = column is not None and column.type.python_type in (int, float) and name != "id"
        data[name] = pd.to_numeric(pd.Series(cells, dtype=object)) if numeric else pd.Series(cells, dtype=object)
    frame = pd.DataFrame(data, columns=names)
    if not has_geom:
        return frame
    geometry = shapely.from_wkb([bytes(w) for w in frame.pop("wkb")]) if len(frame) else []
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geometry, crs=4326), crs=4326)


def read_point_columns(db: Engine | Connection, table_name: str, names, *, code: str | None = None):
    """Columns `names` and lon/lat of a site table's active rows, through the driver's own cursor.

    The fast path for whole point layers (no ORM rows, no WKB): returns
    ({name: list}, lon array, lat array) in row order. Rows whose stored
    position breaks the position rules are left out and logged.
    """
    if table_name not in SITE_TABLES:
        raise UsageError(f"unknown site table {table_name!r}")
    unknown = sorted(set(names) - set(Base.metadata.tables[table_name].columns.keys()))
    if unknown:  # names go into the statement's text: only the table's own columns may
        raise UsageError(f"unknown column(s) of {table_name}: {', '.join(map(repr, unknown))}")
    postgres = db.dialect.name == "postgresql"
    where = "deleted_at IS NULL"
    if code is not None:
        where += " AND code = %(code)s" if postgres else " AND code = :code"
    sql = f"SELECT {', '.join(names)}, ST_X(geom), ST_Y(geom) FROM {table_name} WHERE {where} ORDER BY id"
    with connected(db) as conn:
        cursor = conn.connection.cursor()
        try:
            cursor.execute(sql, {} if code is None else {"code": code})
            rows = cursor.fetchall()
        finally:
            cursor.close()
    transposed = list(zip(*rows)) if rows else [()] * (len(names) + 2)
    values = {name: list(column) for name, column in zip(names, transposed)}
    lon, lat = np.asarray(transposed[-2], dtype=float), np.asarray(transposed[-1], dtype=float)
    usable = usable_positions(lon, lat)
    if usable.all():
        return values, lon, lat
    _skipped(table_name, np.asarray(values["code"], dtype=object)[~usable] if "code" in values
             else np.flatnonzero(~usable))
    keep = np.flatnonzero(usable)
    return {name: [column[i] for i in keep] for name, column in values.items()}, lon[keep], lat[keep]


def read_points(db: Engine | Connection, table_name: str, names) -> gpd.GeoDataFrame:
    """A site table's active rows as a point GeoDataFrame (WGS84) with columns `names`, read fast."""
    values, lon, lat = read_point_columns(db, table_name, names)
    frame = pd.DataFrame({name: pd.Series(values[name], dtype=object) for name in names}, columns=list(names))
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(lon, lat, crs=4326), crs=4326)


def extent(engine: Engine) -> tuple[float, float, float, float] | None:
    """West, south, east, north of every active site and area (WGS84), None when empty.

    Geometries outside the degree ranges (stored before the position rules held) do not count."""
    names = ("ST_XMin", "ST_YMin", "ST_XMax", "ST_YMax") if engine.dialect.name == "postgresql" \
        else ("ST_MinX", "ST_MinY", "ST_MaxX", "ST_MaxY")
    # NaN sorts above every number in PostgreSQL, so the upper bounds leave it out too.
    usable = (f"{names[0]}(geom) >= -180 AND {names[2]}(geom) <= 180 AND {names[1]}(geom) >= -90 "
              f"AND {names[3]}(geom) <= 90")
    parts = " UNION ALL ".join(
        f"SELECT min({names[0]}(geom)) AS w, min({names[1]}(geom)) AS s, max({names[2]}(geom)) AS e, "
        f"max({names[3]}(geom)) AS n FROM {name} WHERE deleted_at IS NULL AND {usable}" for name in _GEOMETRY_TABLES)
    with engine.connect() as conn:
        row = conn.execute(text(f"SELECT min(w), min(s), max(e), max(n) FROM ({parts}) AS boxes")).first()
    return None if row is None or row[0] is None else tuple(float(v) for v in row)


def count_rows(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {name: conn.execute(text(f"SELECT count(*) FROM {name} WHERE deleted_at IS NULL")).scalar()
                for name in ("outlets", "stations", "candidates", "areas", "transactions")}


def history(engine: Engine, table_name: str, code: str) -> list[dict]:
    """Every event of one row, oldest first; a station's include its monthly counts' changes."""
    tables = [table_name, "transactions"] if table_name == "stations" else [table_name]
    stmt = (select(Event.__table__).where(Event.table_name.in_(tables), Event.code == code)
            .order_by(Event.at, Event.id))
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(stmt).mappings()]


def data_date(engine: Engine) -> str:
    """The day (YYYY-MM-DD) the registry's sites or areas last changed, "" for an empty registry."""
    with engine.connect() as conn:
        latest = [conn.execute(text(f"SELECT max(updated_at) FROM {t}")).scalar()
                  for t in ("areas", "outlets", "stations", "candidates")]
    days = [str(v)[:10] for v in latest if v is not None]
    return max(days) if days else ""


def has_outlets(engine: Engine) -> bool:
    """Whether the database has the registry's schema and at least one post outlet in it."""
    if "outlets" not in inspect(engine).get_table_names():
        return False
    with engine.connect() as conn:
        return bool(conn.execute(text("SELECT count(*) FROM outlets")).scalar())
