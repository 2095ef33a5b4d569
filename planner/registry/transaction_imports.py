"""Loading monthly transaction counts: every row names a station of the registry, a month already imported is
replaced, and each changed station-month leaves an event in the station's history.

Called by `planner.registry.tables.load_records` inside its import transaction; the file itself was checked
row by row by `planner.files.imports` (months, counts, repeats).
"""

from __future__ import annotations

from sqlalchemy import Connection, bindparam, insert, select, text, update

from planner.errors import InputError, RowProblem
from planner.files.imports import ImportBatch
from planner.registry.models import Event, Transaction, utcnow

__all__ = ["load_transactions"]


def load_transactions(conn: Connection, batch: ImportBatch, summary, *, actor: str, replace: bool) -> None:
    """Insert new station-months, replace changed counts (an event each), with `replace` retire the rest."""
    _require_known_stations(conn, batch)
    table = Transaction.__table__
    existing = {(r.station_code, r.month): r for r in conn.execute(select(table))}
    now = utcnow()
    inserts, updates, events = [], [], []
    for r in batch.records:
        key = (r["station_code"], r["month"])
        old = existing.get(key)
        if old is None:
            inserts.append({"station_code": key[0], "month": key[1], "count": r["count"],
                            "created_at": now, "updated_at": now})
            summary.created += 1
        elif old.count != r["count"] or old.deleted_at is not None:
            updates.append({"_id": old.id, "count": r["count"], "updated_at": now, "deleted_at": None})
            restored = old.deleted_at is not None
            events.append(_event(actor, batch, key, "restore" if restored else "update",
                                 None if restored else old.count, r["count"]))
            summary.restored += restored
            summary.updated += not restored
        else:
            summary.unchanged += 1
    if replace:
        keys = {(r["station_code"], r["month"]) for r in batch.records}
        gone = [o for k, o in existing.items() if k not in keys and o.deleted_at is None]
        if gone:
            conn.execute(update(table).where(table.c.id == bindparam("_id")),
                         [{"_id": o.id, "deleted_at": now} for o in gone])
            events.extend(_event(actor, batch, (o.station_code, o.month), "delete", o.count, None) for o in gone)
        summary.deleted = len(gone)
    if inserts:
        conn.execute(insert(table), inserts)
    if updates:
        conn.execute(update(table).where(table.c.id == bindparam("_id")), updates)
    if events:
        conn.execute(insert(Event.__table__), events)


def _require_known_stations(conn: Connection, batch: ImportBatch) -> None:
    """InputError naming every row whose station the registry does not hold (nothing is loaded)."""
    stations = set(conn.execute(text("SELECT code FROM stations")).scalars())
    unknown = [r for r in batch.records if r["station_code"] not in stations]
    if unknown:
        header = batch.columns.get("station_id", "station_id")
        raise InputError([RowProblem(batch.source, r["_row"], header,
                                     f"station {r['station_code']!r} is not in the registry",
                                     f"网点“{r['station_code']}”不在登记库中") for r in unknown])


def _event(actor: str, batch: ImportBatch, key: tuple[str, str], action: str, old, new) -> dict:
    """A station-month's change as the station's history shows it: table 'transactions', the station's code."""
    return {"at": utcnow(), "actor": actor, "table_name": "transactions", "code": key[0], "action": action,
            "changes": {"month": key[1], "count": [old, new]}, "source": batch.source}
