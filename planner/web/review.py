"""The work queue page: every task with its deadline in Chinese working days, a tab per kind of task."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, render_template, request

from planner.errors import UsageError
from planner.rules.china_time import china_today
from planner.texts.interface import texts
from planner.web.context import get_engine
from planner.web.formatting import format_date
from planner.web.i18n import current_lang
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


@bp.get("/")
def queue():
    """Earliest due first, undated last; ?kind= shows one kind; overdue rows marked; ?today= kept in the tabs."""
    lang = current_lang()
    t = texts(lang)
    today, kind = _today(), _kind()
    tasks = work_queue(get_engine(), today)
    shown = [task for task in tasks if kind is None or task.kind == kind]
    return render_template("review/review.html", t=t, lang=lang, today=today, kind=kind, kinds=list(TASK_SOURCES),
                           counts=task_counts(tasks), total=len(tasks), days=DEADLINE_WORKDAYS,
                           rows=[(task, _detail(task, t, lang)) for task in shown],
                           overdue=sum(task.overdue for task in shown), today_arg=request.args.get("today"))
