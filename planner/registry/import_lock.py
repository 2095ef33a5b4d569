"""Imports one at a time: the transaction an import writes in, and the one-line answer when it cannot.

Two imports of the same file at once would both read the registry before
either wrote, then both insert the same codes. So an import's transaction
first takes the registry's write turn: on PostgreSQL the `sites` row of the
`locks` table (the row decisions take, so an approval never races an import
of the stations it is checked against), on SQLite the database's write lock
(BEGIN IMMEDIATE). A second import waits for the first to commit and then
sees its rows; after PLANNER_IMPORT_WAIT_S seconds (default 30) it gives up
with "another import of stations is running; try again" (exit code 2).
"""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import Engine, update
from sqlalchemy.exc import DBAPIError

from planner.config import setting
from planner.errors import ConflictError
from planner.registry.models import Lock, utcnow

__all__ = ["ImportBusyError", "import_transaction"]

_KIND_ZH = {"branches": "邮政网点", "stations": "便民服务站", "candidates": "申请户", "areas": "村/社区",
            "transactions": "交易量", "population": "人口栅格", "network": "路网"}
_SQLITE_BUSY_MS = 30_000  # what planner.registry.engine sets on every SQLite connection, put back afterwards
_BUSY_SQLSTATES = {"55P03", "40P01", "23505"}  # lock timeout, deadlock, unique violation (a racing insert)


class ImportBusyError(ConflictError):
    """Another import (or change) holds the registry's write turn: try again."""

    exit_code = 2


def _busy(kind: str) -> ImportBusyError:
    return ImportBusyError(f"another import of {kind} is running (or the registry is busy with another change); "
                           "try again",
                           f"另一个{_KIND_ZH.get(kind, kind)}导入正在进行（或登记库正忙于其他修改）；请稍后重试")


def _is_busy(exc: DBAPIError) -> bool:
    if getattr(exc.orig, "sqlstate", None) in _BUSY_SQLSTATES:
        return True
    return "database is locked" in str(exc.orig) or "database table is locked" in str(exc.orig)


@contextmanager
def import_transaction(engine: Engine, kind: str):
    """A connection in a transaction that holds the registry's write turn; commits at the end."""
    wait_ms = int(setting("PLANNER_IMPORT_WAIT_S") * 1000)
    sqlite = engine.dialect.name == "sqlite"
    try:
        with engine.connect() as conn:
            if sqlite:  # before BEGIN IMMEDIATE, which waits this long for the write lock
                conn.connection.driver_connection.execute(f"PRAGMA busy_timeout = {wait_ms}")
            try:
                with conn.execution_options(sqlite_immediate=True).begin():
                    if not sqlite:
                        conn.exec_driver_sql(f"SET LOCAL lock_timeout = {wait_ms}")
                        conn.execute(update(Lock).where(Lock.name == "sites").values(taken_at=utcnow()))
                    yield conn
            finally:
                if sqlite:
                    conn.connection.driver_connection.execute(f"PRAGMA busy_timeout = {_SQLITE_BUSY_MS}")
    except DBAPIError as exc:
        if _is_busy(exc):
            raise _busy(kind) from None
        raise
