"""Reading monthly transaction counts and the exit decisions taken on them."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from sqlalchemy import Connection, Engine, bindparam, func, select

from planner.registry.engine import connected
from planner.registry.models import Event, Transaction

__all__ = ["exit_decisions", "latest_month", "monthly_counts"]


def monthly_counts(db: Engine | Connection, months: Sequence[str]) -> pd.DataFrame:
    """station_code, month, count of the given months (rows not deleted)."""
    table = Transaction.__table__
    stmt = (select(table.c.station_code, table.c.month, table.c["count"])
            .where(table.c.month.in_(bindparam("months", expanding=True)), table.c.deleted_at.is_(None)))
    with connected(db) as conn:
        rows = conn.execute(stmt, {"months": list(months)}).all()
    return pd.DataFrame(rows, columns=["station_code", "month", "count"])


def exit_decisions(db: Engine | Connection, month: str) -> dict[str, dict]:
    """Station code -> the latest exit decision (action, actor, at, note) staff took for `month`."""
    table = Event.__table__
    stmt = (select(table.c.code, table.c.action, table.c.actor, table.c.at, table.c.changes)
            .where(table.c.table_name == "stations",
                   table.c.action.in_(("list_for_exit", "keep", "close")))
            .order_by(table.c.id))
    decided: dict[str, dict] = {}
    with connected(db) as conn:
        for code, action, actor, at, changes in conn.execute(stmt):
            if (changes or {}).get("month") == month:
                decided[code] = {"action": action, "actor": actor, "at": at, "note": (changes or {}).get("note")}
    return decided


def latest_month(db: Engine | Connection, *, until: str) -> str | None:
    """The latest month up to `until` that has any transaction figure (None: none has)."""
    table = Transaction.__table__
    stmt = select(func.max(table.c.month)).where(table.c.month <= until, table.c.deleted_at.is_(None))
    with connected(db) as conn:
        return conn.execute(stmt).scalar()
