"""The registry's road network: replaced whole by an import, read back as segments.

One network per registry. An import deletes every stored segment and writes
the new ones in one transaction (with the registry's write turn, like every
import), and records itself in the history; a failed import leaves the old
network as it was. Segments are stored as 2-point LINESTRINGs (WGS84) with
their node numbers and geodesic length, so PostGIS users can route on them
with SQL too; the planner reads back node numbers and end positions only.
"""

from __future__ import annotations

import io

import numpy as np
from sqlalchemy import Connection, Engine, insert

from planner.registry.engine import connected
from planner.registry.import_lock import import_transaction
from planner.registry.models import Event, utcnow
from planner.roads.segments import RoadSegments
from planner.spatial.geodesic import geodesic_distance

__all__ = ["read_road_segments", "replace_road_network", "road_network_version"]

_BATCH = 20_000


def replace_road_network(engine: Engine, segments: RoadSegments, *, actor: str, progress=None) -> str:
    """Store `segments` as the registry's road network (the old one goes); returns a summary line."""
    report = progress or (lambda stage, done, total: None)
    lon, lat, u, v = segments.node_lon, segments.node_lat, segments.u, segments.v
    length = geodesic_distance(lon[u], lat[u], lon[v], lat[v])
    with import_transaction(engine, "network") as conn:
        report("removing the previous network", 0, 2)
        conn.exec_driver_sql("DELETE FROM road_edges")
        report(f"writing {segments.edges:,} segments", 1, 2)
        if conn.dialect.name == "postgresql":
            _copy_postgres(conn, lon, lat, u, v, length)
        else:
            _insert_sqlite(conn, lon, lat, u, v, length)
        conn.execute(insert(Event.__table__), [{
            "at": utcnow(), "actor": actor, "table_name": "road_edges", "code": "*", "action": "import",
            "source": segments.source,
            "changes": {"nodes": segments.nodes, "segments": segments.edges,
                        "km": round(float(length.sum()) / 1000, 3)},
        }])
    _analyze(engine)
    return (f"network: {segments.nodes:,} nodes, {segments.edges:,} walkable segments, "
            f"{length.sum() / 1000:,.1f} km")


def _wkt(lon, lat, u, v) -> list[str]:
    return [f"LINESTRING({a:.9f} {b:.9f},{c:.9f} {d:.9f})"
            for a, b, c, d in zip(lon[u].tolist(), lat[u].tolist(), lon[v].tolist(), lat[v].tolist())]


def _copy_postgres(conn: Connection, lon, lat, u, v, length) -> None:
    cursor = conn.connection.driver_connection.cursor()
    with cursor.copy("COPY road_edges (u, v, length_m, geom) FROM STDIN") as copy:
        for start in range(0, u.size, _BATCH):
            part = slice(start, start + _BATCH)
            buffer = io.StringIO()
            for a, b, m, line in zip(u[part].tolist(), v[part].tolist(), length[part].tolist(),
                                     _wkt(lon, lat, u[part], v[part])):
                buffer.write(f"{a}\t{b}\t{m!r}\tSRID=4326;{line}\n")
            copy.write(buffer.getvalue())


def _insert_sqlite(conn: Connection, lon, lat, u, v, length) -> None:
    cursor = conn.connection.driver_connection.cursor()
    sql = "INSERT INTO road_edges (u, v, length_m, geom) VALUES (?, ?, ?, GeomFromText(?, 4326))"
    for start in range(0, u.size, _BATCH):
        part = slice(start, start + _BATCH)
        cursor.executemany(sql, zip(u[part].tolist(), v[part].tolist(), length[part].tolist(),
                                    _wkt(lon, lat, u[part], v[part])))


def _analyze(engine: Engine) -> None:
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        conn.exec_driver_sql("ANALYZE road_edges")
        conn.commit()


def read_road_segments(db: Engine | Connection) -> RoadSegments | None:
    """The stored network as segments (None when the registry has none)."""
    sql = ("SELECT u, v, ST_X(ST_StartPoint(geom)), ST_Y(ST_StartPoint(geom)), ST_X(ST_EndPoint(geom)), "
           "ST_Y(ST_EndPoint(geom)) FROM road_edges ORDER BY id")
    with connected(db) as conn:
        cursor = conn.connection.cursor()
        try:
            cursor.execute(sql)
            rows = cursor.fetchall()
        finally:
            cursor.close()
    if not rows:
        return None
    table = np.array(rows, dtype=float)
    u, v = table[:, 0].astype(np.int64), table[:, 1].astype(np.int64)
    n = int(max(u.max(), v.max())) + 1
    lon, lat = np.full(n, np.nan), np.full(n, np.nan)
    lon[u], lat[u] = table[:, 2], table[:, 3]
    lon[v], lat[v] = table[:, 4], table[:, 5]
    return RoadSegments(lon, lat, u, v, "registry")


def road_network_version(db: Engine | Connection) -> tuple[int, str] | None:
    """The newest network import in the history (its event id and time; None: no network), which changes
    whenever the network does — also when a restored database reuses an event id."""
    with connected(db) as conn:
        found = conn.exec_driver_sql(
            "SELECT id, at FROM events WHERE table_name = 'road_edges' AND action = 'import' "
            "ORDER BY id DESC LIMIT 1").first()
    return None if found is None else (int(found[0]), str(found[1]))
