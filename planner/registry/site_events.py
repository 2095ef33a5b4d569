"""Reading the history by what happened: approvals, installations, visits, status changes, report productions.

The work queue asks which sites have had a given kind of event (and when), a station page lists its visits,
the monthly report reads a month's events. Times are stored in UTC; callers pass aware datetimes as bounds and
get aware UTC datetimes back on both backends.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, Engine, select

from planner.registry.engine import connected
from planner.registry.models import Event

__all__ = ["as_utc", "read_events", "utc_bound"]


def as_utc(value: dt.datetime) -> dt.datetime:
    """An aware UTC datetime (SQLite hands back naive UTC ones)."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def utc_bound(value: dt.datetime) -> dt.datetime:
    """A bound for a comparison on `events.at`: UTC, so SQLite's text comparison agrees with PostgreSQL's."""
    if value.tzinfo is None:
        raise ValueError("event time bounds must be aware datetimes")
    return value.astimezone(dt.UTC)


def read_events(db: Engine | Connection, tables, *, actions=None, codes=None, since: dt.datetime | None = None,
                until: dt.datetime | None = None) -> list[dict]:
    """Events on `tables` (optionally only `actions`, `codes`), at or after `since` and before `until`,
    oldest first, each a dict of the event's columns with its time as an aware UTC datetime."""
    stmt = select(Event.__table__).where(Event.table_name.in_(list(tables))).order_by(Event.at, Event.id)
    if actions is not None:
        stmt = stmt.where(Event.action.in_(list(actions)))
    if codes is not None:
        stmt = stmt.where(Event.code.in_(list(codes)))
    if since is not None:
        stmt = stmt.where(Event.at >= utc_bound(since))
    if until is not None:
        stmt = stmt.where(Event.at < utc_bound(until))
    with connected(db) as conn:
        rows = [dict(r) for r in conn.execute(stmt).mappings()]
    for row in rows:
        row["at"] = as_utc(row["at"])
    return rows
