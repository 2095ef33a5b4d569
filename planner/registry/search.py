"""Finding registry records by what people type: a code, a name or part of an address.

Case-insensitive substring matching on both backends (ILIKE on PostGIS; SQLite's LIKE folds ASCII case
and compares Chinese as it is), over active outlets, stations, applicants and areas. An exact code comes
first, then codes that start with the text, then the rest by code. Bounded: the text is cut to
MAX_QUERY characters and at most `limit` (≤ MAX_LIMIT) records come back. Text as people type or paste it:
invisible format characters (zero-width spaces, direction marks) are dropped, and full-width letters and
digits ("Ｓ１") also find their ASCII forms (NFKC), beside the text as typed.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from sqlalchemy import Connection, String, case, cast, func, literal, null, or_, select, union_all

from planner.registry.models import Area, Candidate, Outlet, Station

__all__ = ["KINDS", "MAX_LIMIT", "MAX_QUERY", "Hit", "search_registry"]

MAX_QUERY = 100  # characters of the text searched for
MAX_LIMIT = 50
KINDS = ("stations", "candidates", "outlets", "areas")  # the order hits of one rank are listed in
_MODELS = {"stations": Station, "candidates": Candidate, "outlets": Outlet, "areas": Area}


@dataclass(frozen=True)
class Hit:
    kind: str  # one of KINDS
    code: str
    name: str | None
    address: str | None  # None for areas
    state: str | None  # a station's or applicant's status, an outlet's kind, an area's level
    exact: bool  # the code is the text searched for (case aside)


def _escaped(text: str) -> str:
    """`text` as a LIKE pattern's literal part (with '\\' as the escape character)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _forms(text: str) -> list[str]:
    """The texts searched for: `text` without format characters (Cf), and its NFKC form when that differs."""
    visible = "".join(ch for ch in text if unicodedata.category(ch) != "Cf").strip()
    folded = unicodedata.normalize("NFKC", visible)
    return [form for form in dict.fromkeys((visible, folded)) if form]


def _select(kind: str, forms: list[str], limit: int):
    model = _MODELS[kind]
    table = model.__table__
    code = table.c.code
    address = table.c.address if "address" in table.c else cast(null(), String(300))
    state = {"stations": "status", "candidates": "status", "outlets": "kind", "areas": "level"}[kind]
    columns = [code, table.c.name]
    if "address" in table.c:
        columns.append(table.c.address)
    matches = or_(*(column.ilike("%" + _escaped(form) + "%", escape="\\") for column in columns for form in forms))
    lowered = [form.lower() for form in forms]
    rank = case((func.lower(code).in_(lowered), 0),
                (or_(*(func.lower(code).like(_escaped(low) + "%", escape="\\") for low in lowered)), 1), else_=2)
    # Typed literals: in a UNION, PostgreSQL cannot guess the type of an untyped parameter.
    return (select(cast(literal(kind), String(16)).label("kind"), code.label("code"), table.c.name.label("name"),
                   address.label("address"), table.c[state].label("state"), rank.label("rank"))
            .where(table.c.deleted_at.is_(None), matches)
            .order_by(rank, code).limit(limit))


def search_registry(conn: Connection, text: str, *, limit: int = MAX_LIMIT) -> list[Hit]:
    """Active records whose code, name or address holds `text` (case-insensitive), best first."""
    forms = _forms((text or "").strip()[:MAX_QUERY])
    if not forms:
        return []
    limit = max(1, min(int(limit), MAX_LIMIT))
    parts = [select(s.subquery()) for s in (_select(kind, forms, limit) for kind in KINDS)]
    rows = conn.execute(union_all(*parts)).all()
    order = {kind: i for i, kind in enumerate(KINDS)}
    rows = sorted(rows, key=lambda r: (r.rank, order[r.kind], r.code))[:limit]
    return [Hit(r.kind, r.code, r.name, r.address, r.state, r.rank == 0) for r in rows]
