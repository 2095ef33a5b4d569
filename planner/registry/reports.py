"""What the monthly report reads and records: one station's counts by month, events in a period
(planner.registry.site_events.read_events, re-exported), and the production of a report (an event on table
'reports', so who produced which report when is history too).

Times are stored in UTC; the callers pass aware datetimes and get aware UTC datetimes back on both backends.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, Engine, func, insert, select

from planner.registry.engine import connected, writer
from planner.registry.models import Event, Transaction, utcnow
from planner.registry.site_events import as_utc, read_events, utc_bound

__all__ = ["REPORT_EVENTS", "first_production", "read_events", "record_report", "station_counts"]

REPORT_EVENTS = "reports"  # events.table_name of report productions; the code names the report
_PRODUCE = "produce"


def station_counts(db: Engine | Connection, code: str, months) -> dict[str, int]:
    """{month: count} of station `code` for those of `months` it has a figure in (a month without a row has
    no figure: it is not a zero)."""
    stmt = select(Transaction.month, Transaction.count).where(
        Transaction.station_code == code, Transaction.month.in_(sorted(set(months))), Transaction.deleted_at.is_(None))
    with connected(db) as conn:
        return {month: int(count) for month, count in conn.execute(stmt)}


def record_report(engine: Engine, code: str, *, actor: str, source: str, changes: dict | None = None) -> dt.datetime:
    """Record that `actor` produced report `code` (e.g. 'monthly-2026-09') now; returns the time recorded."""
    at = utcnow()
    with writer(engine) as conn:
        conn.execute(insert(Event).values(at=at, actor=actor, table_name=REPORT_EVENTS, code=code,
                                          action=_PRODUCE, changes=changes, source=source))
    return at


def first_production(db: Engine | Connection, code: str, *, since: dt.datetime | None = None) -> dt.datetime | None:
    """When report `code` was first produced (aware UTC) at or after `since`, None when it never was."""
    stmt = select(func.min(Event.at)).where(Event.table_name == REPORT_EVENTS, Event.code == code,
                                           Event.action == _PRODUCE)
    if since is not None:
        stmt = stmt.where(Event.at >= utc_bound(since))
    with connected(db) as conn:
        first = conn.execute(stmt).scalar()
    return None if first is None else as_utc(first)
