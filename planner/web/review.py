"""The work queue page: every task with its deadline in Chinese working days, a tab per kind of task."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, render_template, request, url_for

from planner.errors import UsageError
from planner.maps.render import data_map, shift_collection
from planner.registry.tables import extent
from planner.rules.china_time import china_today
from planner.texts.interface import texts
from planner.web.context import get_engine
from planner.web.formatting import format_date
from planner.web.i18n import current_lang
from planner.web.preferences import current_profile, map_options
from planner.web.queue_facts import SiteFacts, queue_facts
from planner.workflow.review import DEADLINE_WORKDAYS, TASK_SOURCES, Task, task_counts, work_queue

bp = Blueprint("review", __name__, url_prefix="/review")


def _today() -> dt.date:
    """Today in China, or ?today=YYYY-MM-DD to see the queue as it stood on another day."""
    raw = request.args.get("today")
    if not raw:
        return china_today()
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise UsageError(f"today={raw!r} is not a date (YYYY-MM-DD)", f"today={raw!r} 不是日期（YYYY-MM-DD）") from None


def _kind() -> str | None:
    """?kind= one kind of task, or None for all of them."""
    kind = request.args.get("kind") or None
    if kind is not None and kind not in TASK_SOURCES:
        raise UsageError(f"kind={kind!r} is not a kind of task: use " + ", ".join(TASK_SOURCES),
                         f"kind={kind!r} 不是任务类型：可用 " + "、".join(TASK_SOURCES))
    return kind


def _detail(task: Task, t: dict, lang: str) -> list[str]:
    """What the task's deadline counts from, in words: `报送日期 2026年11月20日`, the status, the quarter."""
    lines = []
    for key, value in task.detail.items():
        if value is None:
            continue
        if isinstance(value, dt.date):
            value = format_date(value, lang)
        elif key == "status":
            value = t.get(f"status_{value}", value)
        lines.append(f"{t.get(key, key)} {value}")
    return lines


def _deadline(task: Task, t: dict) -> dict:
    """The working days left as words and a badge: `逾期 35 个工作日` (red), `今天到期`, `剩余 2 个工作日`."""
    left = task.workdays_left
    if left is None:
        return {"text": "", "sort": None}
    if left < 0:
        return {"text": t["overdue_by"].format(n=-left), "badge": "late", "sort": left}
    if left == 0:
        return {"text": t["due_today"], "badge": "soon", "sort": left}
    return {"text": t["due_in"].format(n=left), "badge": "soon" if left <= 1 else "plain", "sort": left}


def _row(task: Task, detail: list[str], facts: SiteFacts | None, t: dict, lang: str) -> dict:
    """One task as a row of the table component (layout/_table.html)."""
    page = "candidates.page" if task.table == "candidates" else "stations.page"
    verdict = facts.verdict if facts else None
    due = ""
    if task.due:
        due = format_date(task.due, lang) + ("" if task.exact_calendar else " *")
    chips = " ".join(c for c in ("overdue" if task.overdue else "", verdict or "") if c)
    return {
        "feature_id": f"{task.table}:{task.code}" if facts else None, "chips": chips,
        "cls": "is-overdue" if task.overdue else "", "attrs": {"code": task.code, "kind": task.kind},
        "cells": {
            "task": t.get("task_" + task.kind, task.kind),
            "code": {"text": task.code, "href": url_for(page, code=task.code)},
            "name": task.name or "",
            "since": {"lines": detail, "text": " ".join(detail)},
            "due": {"text": due or t["no_due"], "sort": task.due.isoformat() if task.due else None},
            "left": _deadline(task, t),
            "verdict": {"text": t[verdict], "badge": verdict} if verdict else "",
            "area": (facts.area or "") if facts else "",
            "nearest": {"text": f"{facts.nearest_m:,.0f}", "sort": round(facts.nearest_m, 1)}
            if facts and facts.nearest_m is not None else "",
        },
    }


def _queue_map(facts: dict[tuple, SiteFacts], names: dict[tuple, str | None], t: dict):
    """A small map of the district with the queue's sites (None when the queue is empty), and the sites as GeoJSON
    in the base map's coordinates; the page's script draws them and links them to the table's rows."""
    if not facts:
        return None, None
    parts, display = data_map(t, bounds=extent(get_engine()), **map_options())
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [f.lon, f.lat]},
                 "properties": {"id": f"{table}:{code}", "code": code, "name": names.get((table, code)),
                                "table": table, "verdict": f.verdict}} for (table, code), f in facts.items()]
    return parts, shift_collection({"type": "FeatureCollection", "features": features}, display)


@bp.get("/")
def queue():
    """Earliest due first, undated last; ?kind= shows one kind; overdue rows marked; ?today= kept in the tabs."""
    lang = current_lang()
    t = texts(lang)
    today, kind = _today(), _kind()
    tasks = work_queue(get_engine(), today)
    shown = [task for task in tasks if kind is None or task.kind == kind]
    facts = queue_facts(get_engine(), shown, current_profile(), lang=lang)
    rows = [_row(task, _detail(task, t, lang), facts.get((task.table, task.code)), t, lang) for task in shown]
    parts, points = _queue_map(facts, {(task.table, task.code): task.name for task in shown}, t)
    return render_template("review/review.html", t=t, lang=lang, today=today, kind=kind, kinds=list(TASK_SOURCES),
                           counts=task_counts(tasks), total=len(tasks), days=DEADLINE_WORKDAYS, rows=rows,
                           estimated=any(not task.exact_calendar for task in shown), map=parts, points=points,
                           overdue=sum(task.overdue for task in shown), today_arg=request.args.get("today"))
