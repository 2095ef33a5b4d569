"""Staff decisions on the exit rule: list a station for exit, keep it with a note, close a listed one.

Each is one transaction under the `sites` lock (planner.registry.site_changes)
writing an event with the month judged, the deciding months and the people the
station alone serves, so the history says why. Nothing is deleted: a closed
station keeps its row, its transactions and its history.
"""

from __future__ import annotations

from sqlalchemy import Engine

from planner.errors import ConflictError, UsageError
from planner.registry.site_changes import changing_sites, record_event, site_row, update_site
from planner.rules.china_time import china_today
from planner.rules.profiles import Profile
from planner.workflow.decisions import note_text
from planner.workflow.exits import judge_stations

__all__ = ["EXIT_ACTIONS", "decide_exit"]

EXIT_ACTIONS = ("list_for_exit", "keep", "close")


def decide_exit(engine: Engine, code: str, action: str, note: str | None, *, actor: str, profile: Profile,
                month: str, lang: str = "zh") -> dict:
    """Record one exit decision on station `code` for `month`; returns the event's changes.

    `list_for_exit`: an open station becomes listed_for_exit (a note is required when the rule does not
    list it that month); `keep`: a station the rule lists stays open, or a listed one is open again, with a
    required note, and is not proposed again for that month; `close`: a listed station closes."""
    if action not in EXIT_ACTIONS:
        raise UsageError(f"unknown exit decision {action!r}: use " + ", ".join(EXIT_ACTIONS),
                         f"未知的退出决定 {action!r}")
    judged = judge_stations(engine, profile, month, lang=lang, codes=[code])
    found = judged.table
    verdict = found.iloc[0] if len(found) else None
    listed_by_rule = verdict is not None and verdict["verdict"] == "exit"
    note = note_text(note, required=action == "keep" or (action == "list_for_exit" and not listed_by_rule))
    changes: dict = {"month": month, "profile": profile.name, "note": note}
    if verdict is not None:
        changes.update(verdict=verdict["verdict"], months=verdict["months"], reasons=verdict["reasons"],
                       lost_population=_number(verdict["lost_population"]))
    with changing_sites(engine) as conn:
        status = site_row(conn, "stations", code, ("status",))["status"]
        _allowed(code, action, status, listed_by_rule)
        # Keeping a listed station takes the listing back: it is open again.
        new_status = {"list_for_exit": "listed_for_exit", "close": "closed",
                      "keep": "open" if status == "listed_for_exit" else None}.get(action)
        if new_status is not None:
            update_site(conn, "stations", code, status=new_status)
            changes["status"] = [status, new_status]
        if action == "close":
            changes["on"] = china_today().isoformat()
        record_event(conn, actor, "stations", code, action, changes)
    return changes


def _allowed(code: str, action: str, status: str, listed_by_rule: bool) -> None:
    if action == "close" and status != "listed_for_exit":
        raise ConflictError(f"{code} is {status}: only a station listed for exit can close",
                            f"{code} 当前为“{status}”：只有已列入退出的服务站可以关闭")
    if action == "list_for_exit" and status != "open":
        raise ConflictError(f"{code} is {status}: only an open station can be listed for exit",
                            f"{code} 当前为“{status}”：只有营业中的服务站可以列入退出")
    if action == "keep" and status == "open" and not listed_by_rule:
        raise ConflictError(f"{code} is not proposed for exit this month: nothing to keep",
                            f"{code} 本月未被提议退出：无需保留决定")
    if action == "keep" and status not in ("open", "listed_for_exit"):
        raise ConflictError(f"{code} is {status}: it cannot be kept", f"{code} 当前为“{status}”：不能保留")


def _number(value) -> float | None:
    return None if value is None or value != value else float(value)
