"""Reading the history by what happened: approvals, installations, follow-up visits, inspections.

The work queue asks which sites have had a given kind of event (and when); a station page lists its visits.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, Engine, select

from planner.registry.engine import connected
from planner.registry.models import Event

__all__ = ["read_events"]


def read_events(db: Engine | Connection, actions: Iterable[str], *, tables: Iterable[str] | None = None,
                codes: Iterable[str] | None = None) -> list[dict]:
    """Events whose action is one of `actions` (optionally only on `tables`, only for `codes`), oldest first:
    dicts with id, at, actor, table_name, code, action, changes."""
    event = Event.__table__.c
    stmt = (select(event.id, event.at, event.actor, event.table_name, event.code, event.action, event.changes)
            .where(event.action.in_(list(actions))).order_by(event.at, event.id))
    if tables is not None:
        stmt = stmt.where(event.table_name.in_(list(tables)))
    if codes is not None:
        stmt = stmt.where(event.code.in_(list(codes)))
    with connected(db) as conn:
        return [dict(row) for row in conn.execute(stmt).mappings()]
