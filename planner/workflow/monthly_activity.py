"""What happened in a month, for the monthly report: stations opened, relocated, transferred, listed for exit
and closed; applicants received and decided, each with its survey deadline met or missed.

Listing and closing are read from the status change an event records (`changes['status'] == [old, new]`), so
they count whatever the decision is called. A station entering the registry (an import's 'create') is not a
change of status. Event times are UTC; a day is the China-time day it fell on (planner.workflow.months).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine

from planner.registry.site_events import read_events
from planner.registry.tables import read_table
from planner.rules.china_time import china_date
from planner.workflow.decisions import DECISIONS
from planner.workflow.months import as_date, month_bounds, month_days
from planner.workflow.review import SURVEY_WORKDAYS
from planner.workflow.tasks import due_after

__all__ = ["CHANGE_KINDS", "applicant_activity", "closed_since", "station_changes"]

CHANGE_KINDS = ("opened", "relocated", "transferred", "listed_for_exit", "closed")
_ACTION_KINDS = {"relocate": "relocated", "transfer": "transferred"}
_STATUS_KINDS = {"listed_for_exit": "listed_for_exit", "closed": "closed"}


def _status_change(event: dict) -> str | None:
    """The status an event moved a station to (None when it did not move it)."""
    change = (event.get("changes") or {}).get("status")
    if event["action"] == "create" or not isinstance(change, list) or len(change) != 2 or change[0] == change[1]:
        return None
    return change[1]


def closed_since(engine: Engine, since: dt.datetime) -> set[str]:
    """Codes of stations whose status became 'closed' at or after `since`."""
    return {e["code"] for e in read_events(engine, ("stations",), since=since) if _status_change(e) == "closed"}


def station_changes(engine: Engine, stations: pd.DataFrame, month: str) -> list[dict]:
    """Each opening, relocation, transfer, listing and closing in `month`, by day then code:
    {kind, code, name, on, actor, detail, note}."""
    first, last = month_days(month)
    names = dict(zip(stations["code"], stations["name"]))
    rows = []
    for code, name, opened in zip(stations["code"], stations["name"], stations["opened_on"]):
        opened = as_date(opened)
        if opened is not None and first <= opened <= last:
            rows.append({"kind": "opened", "code": code, "name": name, "on": opened, "actor": None,
                         "detail": None, "note": None})
    start, end = month_bounds(month)
    for event in read_events(engine, ("stations",), since=start, until=end):
        kind = _ACTION_KINDS.get(event["action"]) or _STATUS_KINDS.get(_status_change(event) or "")
        if kind is None:
            continue
        changes = event.get("changes") or {}
        detail = changes.get("operator") if kind == "transferred" else changes.get("status")
        rows.append({"kind": kind, "code": event["code"], "name": names.get(event["code"]),
                     "on": china_date(event["at"]), "actor": event["actor"],
                     "detail": " → ".join(str(v or "") for v in detail) if isinstance(detail, list) else None,
                     "note": changes.get("note") or None})
    return sorted(rows, key=lambda r: (r["on"], CHANGE_KINDS.index(r["kind"]), r["code"]))


def applicant_activity(engine: Engine, month: str, today: dt.date) -> tuple[list[dict], list[dict]]:
    """Applicants reported in `month`, and the decisions (approve, reject, needs_info) made in it; each row with
    its survey deadline (SURVEY_WORKDAYS after the report) and whether it was `met`, `missed`, still `pending`,
    or `unknown` (no report date). The survey counts as done on the day of the first survey or decision."""
    first, last = month_days(month)
    candidates = read_table(engine, "candidates", columns=("code", "name", "status", "reported_on"))
    known = {code: (name, status, as_date(reported)) for code, name, status, reported in
             zip(candidates["code"], candidates["name"], candidates["status"], candidates["reported_on"])}
    received = sorted(code for code, (_, _, reported) in known.items() if reported and first <= reported <= last)
    start, end = month_bounds(month)
    decisions = read_events(engine, ("candidates",), actions=tuple(DECISIONS), since=start, until=end)
    codes = set(received) | {e["code"] for e in decisions}
    surveyed = _first_survey_days(engine, codes)
    received_rows = [_applicant_row(code, known.get(code), surveyed.get(code), today) for code in received]
    decided_rows = []
    for event in decisions:
        row = _applicant_row(event["code"], known.get(event["code"]), surveyed.get(event["code"]), today)
        row.update(decision=event["action"], decided_on=china_date(event["at"]), actor=event["actor"])
        decided_rows.append(row)
    return received_rows, decided_rows


def _first_survey_days(engine: Engine, codes) -> dict[str, dt.date]:
    """Per applicant, the day of its first survey or decision (all time)."""
    if not codes:
        return {}
    found: dict[str, dt.date] = {}
    for event in read_events(engine, ("candidates",), actions=("survey", *DECISIONS), codes=sorted(codes)):
        found.setdefault(event["code"], china_date(event["at"]))  # oldest first
    return found


def _applicant_row(code: str, known, surveyed_on: dt.date | None, today: dt.date) -> dict:
    name, status, reported = known or (None, None, None)
    due = due_after(reported, SURVEY_WORKDAYS)[0]
    if due is None:
        state = "unknown"
    elif surveyed_on is not None:
        state = "met" if surveyed_on <= due else "missed"
    else:
        state = "missed" if today > due else "pending"
    return {"code": code, "name": name, "status": status, "reported_on": reported, "survey_due": due,
            "surveyed_on": surveyed_on, "deadline": state}
