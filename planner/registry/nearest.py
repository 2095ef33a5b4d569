"""Single-site nearest-neighbour questions answered by the database's spatial index.

PostGIS finds an upper bound by KNN (`<->`) and then the exact ellipsoidal
distance of every site within it, in one statement, and several questions
about one point travel in one round trip (`nearest_each`). SpatiaLite grows
search frames on its R-tree. Both return exact geodesic metres.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

from sqlalchemy import Engine, TextClause, text

from planner.errors import UsageError
from planner.rules.vocabulary import EXISTING_STATION_STATUSES

__all__ = ["Nearest", "nearest_each", "nearest_in_db", "postgis_query"]

SITE_TABLES = ("outlets", "stations", "candidates")
_SEARCH_START_M = 2_000.0
_SEARCH_LIMIT_M = 25_000_000.0


@dataclass(frozen=True)
class Nearest:
    """One question: the k nearest active rows of `table` passing the filters."""

    table: str
    k: int = 1
    kinds: tuple | None = None
    statuses: tuple | None = None
    exclude_code: str | None = None


def _search_box(lon: float, lat: float, radius_m: float):
    """A lon/lat box that contains the circle of `radius_m` around the point."""
    dlat = radius_m / 110_000.0 + 1e-6
    top = min(89.9, abs(lat) + dlat)
    dlon = min(360.0, radius_m / (111_000.0 * math.cos(math.radians(top))) + 1e-6)
    return (max(-180.0, lon - dlon), max(-90.0, lat - dlat), min(180.0, lon + dlon), min(90.0, lat + dlat))


def _filters(question: Nearest, prefix: str = "") -> tuple[str, dict]:
    sql, params = ["deleted_at IS NULL"], {}
    kinds = question.kinds if question.table == "outlets" else None
    statuses = question.statuses
    if question.table == "stations" and statuses is None:
        statuses = EXISTING_STATION_STATUSES  # a closed station is no neighbour
    for column, values in (("kind", kinds), ("status", statuses)):
        if values:
            names = [f":{prefix}{column}{i}" for i in range(len(values))]
            sql.append(f"{column} IN ({', '.join(names)})")
            params.update({f"{prefix}{column}{i}": v for i, v in enumerate(values)})
    if question.exclude_code is not None:
        sql.append(f"code != :{prefix}exclude")
        params[f"{prefix}exclude"] = question.exclude_code
    return " AND ".join(sql), params


def _postgis_part(question: Nearest, i: int) -> tuple[str, dict]:
    """One question as a sub-select: KNN bound, then every site inside the bound's box by exact distance."""
    p = f"q{i}_"
    where, params = _filters(question, p)
    point = "ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)"
    # The box of _search_box, around a bound grown like the SpatiaLite path's (1e-9 relative + 1 mm).
    sql = f"""(SELECT {i} AS q, code, d FROM (
        WITH bound AS (
            SELECT max(ST_Distance(near.geom::geography, {point}::geography, true)) * (1 + 1e-9) + 1e-3 AS r
            FROM (SELECT geom FROM {question.table} WHERE {where}
                  ORDER BY geom <-> {point} LIMIT :{p}k) AS near),
        box AS (SELECT r, r / 110000.0 + 1e-6 AS dlat FROM bound WHERE r IS NOT NULL),
        frame AS (SELECT dlat, least(360.0, r / (111000.0 * cos(radians(least(89.9, abs(:lat) + dlat)))) + 1e-6)
                  AS dlon FROM box)
        SELECT t.code, ST_Distance(t.geom::geography, {point}::geography, true) AS d
        FROM {question.table} AS t, frame
        WHERE {where.replace('deleted_at', 't.deleted_at')}
          AND t.geom && ST_MakeEnvelope(greatest(-180.0, :lon - dlon), greatest(-90.0, :lat - dlat),
                                        least(180.0, :lon + dlon), least(90.0, :lat + dlat), 4326)
        ORDER BY d LIMIT :{p}k) AS found)"""
    params[f"{p}k"] = question.k
    return sql, params


def _spatialite_frame(conn, question: Nearest, lon, lat, radius_m):
    where, params = _filters(question)
    x0, y0, x1, y1 = _search_box(lon, lat, radius_m)
    sql = f"""SELECT code, ST_Distance(geom, MakePoint(:lon, :lat, 4326), 1) AS d FROM {question.table}
              WHERE {where} AND ROWID IN (SELECT ROWID FROM SpatialIndex
                    WHERE f_table_name = '{question.table}' AND f_geometry_column = 'geom'
                    AND search_frame = BuildMbr(:x0, :y0, :x1, :y1, 4326))
              ORDER BY d LIMIT :k"""
    args = dict(params, lon=lon, lat=lat, x0=x0, y0=y0, x1=x1, y1=y1, k=question.k)
    return [(r.code, float(r.d)) for r in conn.execute(text(sql), args)]


def _spatialite_nearest(conn, question: Nearest, lon, lat):
    radius = _SEARCH_START_M
    while radius < _SEARCH_LIMIT_M:
        inside = [f for f in _spatialite_frame(conn, question, lon, lat, radius) if f[1] <= radius]
        if len(inside) >= question.k:
            return inside[:question.k]
        radius *= 4.0
    return _spatialite_frame(conn, question, lon, lat, _SEARCH_LIMIT_M * 2)


def _shape(question: Nearest) -> Nearest:
    """What the SQL text depends on (tables, how many filter values, whether one code is left out)."""
    return Nearest(question.table, 1, None if not question.kinds else ("",) * len(question.kinds),
                   None if not question.statuses else ("",) * len(question.statuses),
                   None if question.exclude_code is None else "")


@functools.lru_cache(maxsize=64)
def _postgis_statement(shapes: tuple) -> TextClause:
    """The one statement for these questions, parsed once (the values travel as parameters)."""
    return text(" UNION ALL ".join(_postgis_part(q, i)[0] for i, q in enumerate(shapes)) + " ORDER BY q, d")


def postgis_query(lon: float, lat: float, questions) -> tuple[str, dict]:
    """The one PostGIS statement nearest_each sends for `questions` (text with :name parameters) and
    its parameters: for tools that time the database's share of a check on their own."""
    params = {"lon": lon, "lat": lat}
    for i, question in enumerate(questions):
        params.update(_postgis_part(question, i)[1])
    return _postgis_statement(tuple(_shape(q) for q in questions)).text, params


def nearest_each(conn, lon: float, lat: float, questions) -> list[list[tuple[str, float]]]:
    """For each question, [(code, geodesic metres)] closest first; PostGIS answers all in one statement."""
    for question in questions:
        if question.table not in SITE_TABLES:
            raise UsageError(f"unknown site table {question.table!r}")
    if conn.dialect.name != "postgresql":
        return [_spatialite_nearest(conn, q, lon, lat) for q in questions]
    _, params = postgis_query(lon, lat, questions)
    answers = [[] for _ in questions]
    for row in conn.execute(_postgis_statement(tuple(_shape(q) for q in questions)), params):
        answers[row.q].append((row.code, float(row.d)))
    return answers


def nearest_in_db(conn_or_engine, table_name: str, lon: float, lat: float, k: int = 1, *,
                  kinds=None, statuses=None, exclude_code: str | None = None) -> list[tuple[str, float]]:
    """The k nearest active sites of one table to one point: [(code, geodesic metres)], closest first."""
    question = Nearest(table_name, k, tuple(kinds) if kinds else None, tuple(statuses) if statuses else None,
                       exclude_code)
    if isinstance(conn_or_engine, Engine):
        with conn_or_engine.connect() as conn:
            return nearest_each(conn, lon, lat, [question])[0]
    return nearest_each(conn_or_engine, lon, lat, [question])[0]
