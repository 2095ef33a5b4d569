"""Which village or community a position lies in, and the existing stations already in it: the per-area rule
of a single-site check, asked of the database's spatial index (PostGIS and SpatiaLite alike).

The batch check answers the same question for whole columns in memory (planner.check.batch): an area is the
first, by registry order, of the profile's levels whose shape contains the point (a point on a boundary is in
neither); its existing stations are the open or listed stations, then the approved applicants, in registry
order, never the site being checked.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, text

from planner.rules.vocabulary import EXISTING_APPLICANT_STATUSES, EXISTING_STATION_STATUSES

__all__ = ["AreaOccupancy", "area_occupancy"]


@dataclass(frozen=True)
class AreaOccupancy:
    code: str
    name: str  # the area's name, else its code
    stations: tuple[str, ...]  # existing stations inside, stations first then approved applicants, registry order


def _in_list(prefix: str, values) -> tuple[str, dict]:
    names = [f":{prefix}{i}" for i in range(len(values))]
    return ", ".join(names), {f"{prefix}{i}": v for i, v in enumerate(values)}


def _area_sql(postgis: bool, levels_sql: str) -> str:
    if postgis:
        point = "ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)"
        return f"""SELECT code, coalesce(name, code) AS name FROM areas
                   WHERE deleted_at IS NULL AND level IN ({levels_sql}) AND geom && {point}
                     AND ST_Within({point}, geom) ORDER BY id LIMIT 1"""
    point = "MakePoint(:lon, :lat, 4326)"
    return f"""SELECT code, coalesce(name, code) AS name FROM areas
               WHERE deleted_at IS NULL AND level IN ({levels_sql}) AND ST_Within({point}, geom)
                 AND ROWID IN (SELECT ROWID FROM SpatialIndex WHERE f_table_name = 'areas'
                               AND f_geometry_column = 'geom' AND search_frame = {point})
               ORDER BY id LIMIT 1"""


def _stations_sql(postgis: bool, table: str, statuses_sql: str, exclude: bool) -> str:
    shape = "(SELECT geom FROM areas WHERE code = :area AND deleted_at IS NULL)"
    if postgis:
        where = f"t.geom && {shape} AND ST_Within(t.geom, {shape})"
    else:
        where = (f"ST_Within(t.geom, {shape}) AND t.ROWID IN (SELECT ROWID FROM SpatialIndex "
                 f"WHERE f_table_name = '{table}' AND f_geometry_column = 'geom' AND search_frame = {shape})")
    return f"""SELECT t.code FROM {table} AS t WHERE t.deleted_at IS NULL AND t.status IN ({statuses_sql})
               {"AND t.code != :exclude" if exclude else ""} AND {where} ORDER BY t.id"""


def area_occupancy(conn: Connection, lon: float, lat: float, levels, exclude_code: str | None) -> AreaOccupancy | None:
    """The area of `levels` containing (lon, lat) and the existing stations in it, or None outside every area."""
    postgis = conn.dialect.name == "postgresql"
    levels_sql, params = _in_list("level", tuple(levels))
    found = conn.execute(text(_area_sql(postgis, levels_sql)), dict(params, lon=lon, lat=lat)).first()
    if found is None:
        return None
    stations: list[str] = []
    for table, statuses in (("stations", EXISTING_STATION_STATUSES), ("candidates", EXISTING_APPLICANT_STATUSES)):
        statuses_sql, params = _in_list("status", statuses)
        rows = conn.execute(text(_stations_sql(postgis, table, statuses_sql, exclude_code is not None)),
                            dict(params, area=found.code, exclude=exclude_code))
        stations += [row.code for row in rows]
    return AreaOccupancy(found.code, found.name, tuple(stations))
