"""The registry's tables as the layers of an export: which columns go out, in which types, and back in.

One layer per registry table, named as the table, rows in id order. Every column of the table goes out
except secrets and per-database counters (the accounts' password and token hashes and session generation);
tables with soft deletion gain a `deleted` flag (and users a `disabled` one) beside the stored time, for
filtering and styling in a GIS. Times are UTC at the millisecond (the GeoPackage's DATETIME), JSON columns
are JSON text with sorted keys (the same text from either backend), geometry is WKB in the storage CRS.
Left out: sign-in failures (client addresses, kept a short while for throttling), locks and change counters
(per-database bookkeeping), Alembic's revision (written to the export's marker instead).
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import dataclass

import pyarrow as pa
import shapely
from sqlalchemy import (
    JSON,
    Boolean,
    Connection,
    Date,
    DateTime,
    Float,
    Integer,
    LargeBinary,
    func,
    insert,
    select,
    text,
)
from werkzeug.security import generate_password_hash

from planner.registry.models import Base
from planner.rules.vocabulary import SRID

__all__ = ["LAYERS", "STORAGE_CRS", "LayerSpec", "insert_layer", "read_layer", "registry_is_empty",
           "reset_id_sequences"]

STORAGE_CRS = f"EPSG:{SRID}"


@dataclass(frozen=True)
class LayerSpec:
    name: str  # the layer's name: the table's
    geometry_type: str | None = None  # GeoPackage geometry type; None for a table without geometry
    left_out: tuple[str, ...] = ()  # columns never exported (secrets, per-database counters)
    flag: tuple[str, str] | None = ("deleted", "deleted_at")  # (derived boolean column, the time it is true by)

    @property
    def table(self):
        return Base.metadata.tables[self.name]

    def columns(self) -> list:
        """The table's exported columns, geometry last (as `geom`)."""
        cols = [c for c in self.table.c if c.name not in self.left_out and c.name != "geom"]
        return cols + ([self.table.c.geom] if self.geometry_type else [])


# In load order: stations refer to candidates by id.
LAYERS = (
    LayerSpec("areas", "MultiPolygon"),
    LayerSpec("outlets", "Point"),
    LayerSpec("candidates", "Point"),
    LayerSpec("stations", "Point"),
    LayerSpec("transactions"),
    LayerSpec("events", flag=None),
    LayerSpec("users", left_out=("password_hash", "token_hash", "session_gen"), flag=("disabled", "disabled_at")),
    LayerSpec("population_rasters"),
    LayerSpec("road_edges", "LineString", flag=None),
)


def _arrow_type(column) -> pa.DataType:
    kind = column.type
    if column.name == "geom":
        return pa.binary()
    for sql_type, arrow_type in ((JSON, pa.string()), (DateTime, pa.timestamp("ms", tz="UTC")),
                                 (Date, pa.date32()), (Boolean, pa.bool_()), (Float, pa.float64()),
                                 (Integer, pa.int64()), (LargeBinary, pa.binary())):
        if isinstance(kind, sql_type):
            return arrow_type
    return pa.string()


def _utc_ms(value: dt.datetime | None) -> dt.datetime | None:
    """UTC (SQLite hands back naive UTC), cut to the millisecond the GeoPackage keeps."""
    if value is None:
        return None
    value = value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def _out(column, values: list) -> list:
    kind = column.type
    if column.name == "geom":
        return [None if v is None else bytes(v) for v in values]
    if isinstance(kind, JSON):
        return [None if v is None else json.dumps(v, ensure_ascii=False, sort_keys=True) for v in values]
    if isinstance(kind, DateTime):
        return [_utc_ms(v) for v in values]
    if isinstance(kind, LargeBinary):
        return [None if v is None else bytes(v) for v in values]
    return values


def read_layer(conn: Connection, spec: LayerSpec) -> pa.Table:
    """Every row of the layer's table (soft-deleted ones too) as an Arrow table, in id order."""
    columns = spec.columns()
    chosen = [text("ST_AsBinary(geom) AS geom") if c.name == "geom" else c for c in columns]
    rows = conn.execute(select(*chosen).select_from(spec.table).order_by(spec.table.c.id)).all()
    cells = list(zip(*rows)) if rows else [()] * len(columns)
    arrays, names = [], []
    for column, values in zip(columns, cells):
        arrays.append(pa.array(_out(column, list(values)), type=_arrow_type(column)))
        names.append(column.name)
        if spec.flag and column.name == spec.flag[1]:
            arrays.append(pa.array([v is not None for v in values], type=pa.bool_()))
            names.append(spec.flag[0])
    return pa.Table.from_arrays(arrays, names=names)


def expected_fields(spec: LayerSpec) -> list[str]:
    """The attribute fields (not the geometry) an export's layer has, in order."""
    names = []
    for column in spec.columns():
        if column.name != "geom":
            names.append(column.name)
        if spec.flag and column.name == spec.flag[1]:
            names.append(spec.flag[0])
    return names


def _in(column, values: list) -> list:
    kind = column.type
    if column.name == "geom":
        wkt = shapely.to_wkt(shapely.from_wkb(values), rounding_precision=-1)
        return [f"SRID={SRID};{w}" for w in wkt.tolist()]
    if isinstance(kind, JSON):
        return [None if v is None else json.loads(v) for v in values]
    if isinstance(kind, DateTime):
        return [None if v is None else v.astimezone(dt.UTC) for v in values]
    return values


def insert_layer(conn: Connection, spec: LayerSpec, table: pa.Table, *, batch: int = 20_000) -> int:
    """Insert the layer's rows (ids as they are) into the registry table; returns the number of rows."""
    columns = spec.columns()
    values = {c.name: _in(c, table.column(c.name).to_pylist()) for c in columns}
    if spec.name == "users":  # the hash of a password nobody knows: `planner user password NAME` sets one
        values["password_hash"] = [generate_password_hash(secrets.token_urlsafe(32))] * table.num_rows
    names = list(values)
    rows = [dict(zip(names, row)) for row in zip(*values.values())]
    for start in range(0, len(rows), batch):
        conn.execute(insert(spec.table), rows[start:start + batch])
    return len(rows)


def registry_is_empty(conn: Connection) -> list[str]:
    """The exported tables that hold rows (empty list: the registry is empty)."""
    return [spec.name for spec in LAYERS
            if conn.execute(select(func.count()).select_from(spec.table)).scalar()]


def reset_id_sequences(conn: Connection) -> None:
    """PostgreSQL: move each id sequence past the ids inserted as they were (SQLite picks max(id) + 1 itself)."""
    if conn.dialect.name != "postgresql":
        return
    for spec in LAYERS:
        conn.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{spec.name}', 'id'), "  # noqa: S608 (our own table names)
            f"coalesce((SELECT max(id) FROM {spec.name}), 1), (SELECT max(id) IS NOT NULL FROM {spec.name}))")
