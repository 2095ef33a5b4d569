"""A station's life after approval, as staff record it: the opening (an approved applicant becomes a station)
and dated visits (installation and training, the opening follow-up, inspections).

Every change is one transaction that first takes the `sites` lock (as planner.workflow.decisions does) and
writes events naming the signed-in user. Days are China days: a visit cannot be dated in the future, nor
before the approval or the opening it follows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, Engine

from planner.errors import ConflictError, UsageError
from planner.registry.site_changes import (
    add_site,
    changing_sites,
    code_of,
    code_taken,
    record_event,
    site_row,
    update_site,
)
from planner.registry.site_events import read_events
from planner.rules.china_time import china_date, china_today
from planner.rules.geometry import position_faults
from planner.rules.vocabulary import EXISTING_STATION_STATUSES
from planner.workflow.tasks import Snapshot

__all__ = ["VISITS", "VISIT_TABLES", "Opening", "open_station", "parse_day", "record_visit", "site_visits"]

VISITS = ("install", "follow_up", "inspect")
# Where each visit is recorded: installation on the approved applicant or the station opened from it.
VISIT_TABLES = {"install": ("candidates", "stations"), "follow_up": ("stations",), "inspect": ("stations",)}
_NOTE_LIMIT = 2_000
_CODE_LIMIT = 64
_OPERATOR_LIMIT = 100
_APPROVAL = ("the approval", "批准日期")
_OPENING = ("the opening", "开业日期")


@dataclass(frozen=True)
class Opening:
    applicant: str
    station: str
    opened_on: dt.date


def parse_day(value) -> dt.date:
    """A date, or its YYYY-MM-DD text (as a form sends it); UsageError otherwise."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise UsageError(f"the date {value!r} is not a date (YYYY-MM-DD)",
                         f"日期 {value!r} 不是有效日期（YYYY-MM-DD）") from None


def _text(value, limit: int, *, en: str, zh: str, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        raise UsageError(f"the {en} is required", f"必须填写{zh}")
    if len(value) > limit:
        raise UsageError(f"the {en} is longer than {limit} characters", f"{zh}超过 {limit} 个字符")
    return value


def _not_future(day: dt.date, today: dt.date | None) -> None:
    today = today or china_today()
    if day > today:
        raise UsageError(f"{day} is in the future (today in China is {today})",
                         f"{day} 尚未到来（今天是 {today}）")


def _not_before(day: dt.date, earliest: dt.date | None, what: tuple[str, str]) -> None:
    if earliest is not None and day < earliest:
        raise UsageError(f"{day} is before {what[0]} ({earliest})", f"{day} 早于{what[1]}（{earliest}）")


def _approved_on(conn: Connection, applicant: str | None) -> dt.date | None:
    """The China date the applicant's approval was recorded (None: approved outside the product)."""
    if applicant is None:
        return None
    approvals = read_events(conn, ("candidates",), actions=("approve",), codes=[applicant])
    return china_date(approvals[-1]["at"]) if approvals else None


def open_station(engine: Engine, code: str, *, on, operator: str, actor: str, station_code: str | None = None,
                 note: str | None = None, today: dt.date | None = None) -> Opening:
    """Record that approved applicant `code` opened on `on` as a station (code `station_code`, e.g. its 机构号;
    default the applicant's code), run by `operator`: a new station at the applicant's place, the applicant
    `opened`, an `open` event on both."""
    on = parse_day(on)
    station_code = _text(station_code, _CODE_LIMIT, en="station code", zh="服务站编号", required=False) or code
    operator = _text(operator, _OPERATOR_LIMIT, en="operator", zh="经营者", required=True)
    note = _text(note, _NOTE_LIMIT, en="note", zh="说明", required=False)
    _not_future(on, today)
    with changing_sites(engine) as conn:
        row = site_row(conn, "candidates", code, ("id", "status", "name", "address"))
        if row["status"] != "approved":
            raise ConflictError(f"{code} is {row['status']}: only an approved applicant can open",
                                f"{code} 当前为“{row['status']}”：只有已批准的申请户可以开业")
        fault = position_faults([row["lon"]], [row["lat"]]).get(0)
        if fault is not None:
            raise ConflictError(f"{code} has an unusable stored position: {fault.en}; import it again",
                                f"{code} 的已存位置不可用：{fault.zh}；请重新导入")
        _not_before(on, _approved_on(conn, code), _APPROVAL)
        if code_taken(conn, "stations", station_code):
            raise ConflictError(f"a station with code {station_code} exists already",
                                f"编号为 {station_code} 的服务站已存在")
        add_site(conn, "stations", station_code, row["lon"], row["lat"], name=row["name"], address=row["address"],
                 status="open", operator=operator, opened_on=on, candidate_id=row["id"])
        update_site(conn, "candidates", code, status="opened")
        record_event(conn, actor, "candidates", code, "open",
                     {"status": ["approved", "opened"], "station": station_code, "opened_on": on.isoformat(),
                      "note": note})
        record_event(conn, actor, "stations", station_code, "open",
                     {"status": [None, "open"], "applicant": code, "operator": [None, operator],
                      "opened_on": on.isoformat(), "note": note})
    return Opening(code, station_code, on)


def record_visit(engine: Engine, table: str, code: str, kind: str, on, note: str | None = None, *, actor: str,
                 today: dt.date | None = None) -> dict:
    """Record a dated visit (`install`, `follow_up`, `inspect`) on a station or, for an installation, on an
    approved applicant: an event {"on": date, "note": …}. Returns the event's changes."""
    if kind not in VISITS:
        raise UsageError(f"unknown visit {kind!r}: use " + ", ".join(VISITS), f"未知的走访类型 {kind!r}")
    if table not in VISIT_TABLES[kind]:
        raise UsageError(f"a {kind} visit is recorded on a station" + (" or an applicant" if kind == "install"
                                                                          else ""),
                         "该走访只能记录在服务站上")
    on = parse_day(on)
    note = _text(note, _NOTE_LIMIT, en="note", zh="说明", required=False)
    _not_future(on, today)
    with changing_sites(engine) as conn:
        _not_before(on, *_earliest_visit(conn, table, code, kind))
        changes = {"on": on.isoformat(), "note": note}
        record_event(conn, actor, table, code, kind, changes)
    return changes


def _earliest_visit(conn: Connection, table: str, code: str, kind: str) -> tuple[dt.date | None, tuple]:
    """The first day a visit may be dated (the approval or the opening it follows), after checking the site
    may have visits at all: an approved or opened applicant, a station that is not closed."""
    if table == "candidates":
        row = site_row(conn, "candidates", code, ("status",))
        if row["status"] not in ("approved", "opened"):
            raise ConflictError(f"{code} is {row['status']}: installation follows an approval",
                                f"{code} 当前为“{row['status']}”：安装培训须在批准之后")
        return _approved_on(conn, code), _APPROVAL
    row = site_row(conn, "stations", code, ("status", "opened_on", "candidate_id"))
    if row["status"] not in EXISTING_STATION_STATUSES:
        raise ConflictError(f"{code} is {row['status']}: no more visits", f"{code} 当前为“{row['status']}”：不再走访")
    if kind == "install":
        return _approved_on(conn, code_of(conn, "candidates", row["candidate_id"])), _APPROVAL
    return row["opened_on"], _OPENING


def site_visits(engine: Engine, table: str, code: str) -> list[dict]:
    """The visits recorded on a station or applicant and on the site linked to it, latest first: dicts with
    kind, on (date), note, actor, at, table, code."""
    snapshot = Snapshot(engine, site=(table, code))
    visits = [{"kind": action, "on": dt.date.fromisoformat(e["changes"]["on"]), "note": e["changes"].get("note"),
               "actor": e["actor"], "at": e["at"], "table": site_table, "code": site_code}
              for (site_table, site_code, action), events in snapshot.events.items() if action in VISITS
              for e in events]
    return sorted(visits, key=lambda v: (v["on"], str(v["at"])), reverse=True)
