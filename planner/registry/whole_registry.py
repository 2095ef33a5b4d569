"""The whole registry as Arrow tables, one per registry table, and back into an empty registry (what
`planner export` and `planner import all` carry; planner.interop writes and reads the GeoPackage).

One table per registry table, named as the table, rows in id order. Every column of the table goes out
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
import math
import secrets
from collections.abc import Iterator
from dataclasses import dataclass

import pyarrow as pa
import shapely
import shapely.errors
from sqlalchemy import (
    JSON,
    Boolean,
    Connection,
    Date,
    DateTime,
    Engine,
    Float,
    Integer,
    LargeBinary,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.exc import DBAPIError
from werkzeug.security import generate_password_hash

from planner.errors import UsageError
from planner.registry.engine import snapshot
from planner.registry.import_lock import import_transaction
from planner.registry.models import Base
from planner.rules.vocabulary import SRID

__all__ = ["LAYERS", "STORAGE_CRS", "LayerSpec", "expected_fields", "load_whole_registry", "read_whole_registry"]

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


def _read_layer(conn: Connection, spec: LayerSpec) -> pa.Table:
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
        return [None if v is None else _json(v) for v in values]
    if isinstance(kind, DateTime):  # a time without a zone (a file another tool wrote) is UTC, as ours are
        return [None if v is None else v.replace(tzinfo=dt.UTC) if v.tzinfo is None else v.astimezone(dt.UTC)
                for v in values]
    return values


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {text[:24]} is too large for JSON")
    return value


def _no_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


def _json(text: str):
    """A JSON column's text as its value: only finite numbers (PostgreSQL's JSON has no NaN or Infinity; Python
    reads them, and 1e999 as infinity), nested no deeper than Python parses (RecursionError: a ValueError here)."""
    try:
        return json.loads(text, parse_float=_finite, parse_constant=_no_constant)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def _insert_layer(conn: Connection, spec: LayerSpec, table: pa.Table, *, batch: int = 20_000) -> int:
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


def _holding(conn: Connection) -> list[str]:
    """The exported tables that hold rows (empty list: the registry is empty)."""
    return [spec.name for spec in LAYERS
            if conn.execute(select(func.count()).select_from(spec.table)).scalar()]


def _reset_id_sequences(conn: Connection) -> None:
    """PostgreSQL: move each id sequence past the ids inserted as they were (SQLite picks max(id) + 1 itself)."""
    if conn.dialect.name != "postgresql":
        return
    for spec in LAYERS:
        conn.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{spec.name}', 'id'), "
            f"coalesce((SELECT max(id) FROM {spec.name}), 1), (SELECT max(id) IS NOT NULL FROM {spec.name}))")


def read_whole_registry(engine: Engine) -> Iterator[tuple[LayerSpec, pa.Table]]:
    """Each exported table with its rows, in load order, all read in one transaction (one moment of the
    registry: PostgreSQL's repeatable read, SQLite's read transaction)."""
    with snapshot(engine) as conn:
        for spec in LAYERS:
            yield spec, _read_layer(conn, spec)


def load_whole_registry(engine: Engine, tables: dict[str, pa.Table], *, source: str) -> dict[str, int]:
    """Insert every table (ids as they are) into the empty registry in one transaction that holds the registry's
    write turn; refuses a registry that holds any row, and a table the database refuses changes nothing.
    Returns the rows loaded per table. No event is added: the history comes back as it was."""
    counts = {}
    with import_transaction(engine, "all") as conn:
        holding = _holding(conn)
        if holding:
            raise UsageError(f"the registry is not empty ({', '.join(holding)} hold rows): import all loads an "
                             "export into an empty registry only",
                             f"登记库不是空的（{', '.join(holding)} 中有数据）：import all 只能导入到空登记库")
        for spec in LAYERS:
            try:
                counts[spec.name] = _insert_layer(conn, spec, tables[spec.name])
            except (DBAPIError, ValueError, TypeError, shapely.errors.ShapelyError) as exc:  # refused, or unreadable
                said = (str(exc.orig) if isinstance(exc, DBAPIError) else str(exc)).strip().splitlines()[0]
                raise UsageError(f"{source}: layer {spec.name} cannot be loaded ({said}); nothing was imported",
                                 f"{source}：图层 {spec.name} 无法导入（{said}）；未导入任何数据") from None
        _reset_id_sequences(conn)
    _analyze(engine)
    return counts


def _analyze(engine: Engine) -> None:
    """Fresh planner statistics after the bulk load, so the spatial indexes are used."""
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        for spec in LAYERS:
            conn.exec_driver_sql(f"ANALYZE {spec.name}")
        conn.commit()
