"""Changes staff make to one site, as the registry writes them: inside a transaction that holds the `sites` lock,
the site's current row, its new values, and the event that records who changed what.

Decisions (planner.workflow.decisions) say what changes and why; this module is how it reaches the database.
PostgreSQL blocks a second writer on the lock row; SQLite's first write takes the database's write lock.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, insert, select, text, update

from planner.errors import NotFoundError
from planner.registry.engine import writer
from planner.registry.models import MODELS_BY_TABLE, Event, Lock, utcnow

__all__ = ["add_site", "changing_sites", "code_of", "code_taken", "move_site", "record_event", "site_row",
           "update_site"]

_WHAT = {"candidates": ("applicant", "申请户"), "stations": ("station", "服务站")}


@contextmanager
def changing_sites(engine: Engine) -> Iterator[Connection]:
    """One transaction that first takes the `sites` lock: changes that depend on the registry are serialised."""
    with writer(engine) as conn:
        conn.execute(update(Lock).where(Lock.name == "sites").values(taken_at=utcnow()))
        yield conn


def site_row(conn: Connection, table: str, code: str, columns: tuple[str, ...]) -> dict:
    """The active row `code` of `table`: `columns` and its position (lon, lat); NotFoundError when there is none."""
    model = MODELS_BY_TABLE[table]
    row = conn.execute(select(*[getattr(model, c) for c in columns], text("ST_X(geom) AS lon"),
                              text("ST_Y(geom) AS lat"))
                       .where(model.code == code, model.deleted_at.is_(None))).mappings().first()
    if row is None:
        what, what_zh = _WHAT.get(table, (table, table))
        raise NotFoundError(f"no {what} with id {code!r}", f"找不到编号为“{code}”的{what_zh}")
    return dict(row)


def code_taken(conn: Connection, table: str, code: str) -> bool:
    """Whether any row of `table`, retired ones included, carries `code` (codes are never reused)."""
    model = MODELS_BY_TABLE[table]
    return conn.execute(select(model.id).where(model.code == code)).first() is not None


def code_of(conn: Connection, table: str, row_id: int | None) -> str | None:
    """The code of row `row_id` of `table` (e.g. the applicant a station was opened from), None if none."""
    if row_id is None:
        return None
    model = MODELS_BY_TABLE[table]
    return conn.execute(select(model.code).where(model.id == row_id)).scalar()


def add_site(conn: Connection, table: str, code: str, lon: float, lat: float, **values: object) -> None:
    """A new active row `code` of `table` at (lon, lat) WGS84 with `values` for its other columns."""
    model = MODELS_BY_TABLE[table]
    now = utcnow()
    conn.execute(insert(model).values(code=code, geom=f"SRID=4326;POINT({lon!r} {lat!r})", created_at=now,
                                      updated_at=now, **values))


def update_site(conn: Connection, table: str, code: str, **values: object) -> None:
    """New values for the site's columns (its `updated_at` moves with them)."""
    model = MODELS_BY_TABLE[table]
    conn.execute(update(model).where(model.code == code).values(**values, updated_at=utcnow()))


def move_site(conn: Connection, table: str, code: str, lon: float, lat: float) -> None:
    """The site's new position (WGS84)."""
    update_site(conn, table, code, geom=f"SRID=4326;POINT({lon!r} {lat!r})")


def record_event(conn: Connection, actor: str, table: str, code: str, action: str, changes: dict) -> None:
    """The history entry of a change made on the web (or through the API) by `actor`."""
    conn.execute(insert(Event).values(at=utcnow(), actor=actor, table_name=table, code=code, action=action,
                                      changes=changes, source="web"))
