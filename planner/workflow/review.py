"""The work queue of market staff: every piece of work with a deadline, or waiting for a decision.

A list of tasks built by one source function per kind of task, each reading the same registry snapshot:
surveys and decisions of applicants here, the deadlines of a station's life in `planner.workflow.deadlines`.
One more kind of task is one more entry in TASK_SOURCES (and its `task_<kind>` interface text).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from sqlalchemy import Engine

from planner.errors import UsageError
from planner.rules.china_time import china_today
from planner.rules.vocabulary import OPEN_APPLICANT_STATUSES
from planner.workflow.deadlines import FOLLOW_UP_WORKDAYS, INSTALL_WORKDAYS, LIFE_SOURCES
from planner.workflow.exit_tasks import exit_decision_tasks
from planner.workflow.tasks import Snapshot, Task, as_date, dated_task, due_after

__all__ = ["DEADLINE_WORKDAYS", "SURVEY_WORKDAYS", "TASK_SOURCES", "Task", "decision_tasks", "survey_tasks",
           "task_counts", "work_queue"]

SURVEY_WORKDAYS = 3  # on-site survey within 3 working days after the shop is reported (seeds/001…)

TaskSource = Callable[[Snapshot, dt.date], Iterable[Task]]


def survey_tasks(snapshot: Snapshot, today: dt.date) -> list[Task]:
    """Applicants waiting for the site survey: due 3 working days after they were reported."""
    tasks = []
    for applicant in snapshot.candidates:
        if applicant["status"] == "submitted":
            reported = as_date(applicant["reported_on"])
            due, exact = due_after(reported, SURVEY_WORKDAYS)
            tasks.append(dated_task("survey", "candidates", applicant["code"], applicant["name"], due, exact, today,
                                    reported_on=reported))
    return tasks


def decision_tasks(snapshot: Snapshot, today: dt.date) -> list[Task]:
    """Surveyed applicants and those asked for more information, waiting for a decision (no deadline)."""
    return [dated_task("decision", "candidates", a["code"], a["name"], None, True, today,
                       reported_on=as_date(a["reported_on"]), status=a["status"])
            for a in snapshot.candidates if a["status"] in OPEN_APPLICANT_STATUSES and a["status"] != "submitted"]


TASK_SOURCES: dict[str, TaskSource] = {"survey": survey_tasks, "decision": decision_tasks, **LIFE_SOURCES,
                                       "exit_decision": exit_decision_tasks}
DEADLINE_WORKDAYS = {"survey": SURVEY_WORKDAYS, "install": INSTALL_WORKDAYS, "follow_up": FOLLOW_UP_WORKDAYS}


def work_queue(engine: Engine, today: dt.date | None = None, *, kinds: Iterable[str] | None = None) -> list[Task]:
    """The tasks of `kinds` (default: every kind) as of `today` (default: today in China): earliest due first,
    undated ones last, overdue ones with negative working days left."""
    today = today or china_today()
    kinds = list(TASK_SOURCES) if kinds is None else list(kinds)
    unknown = [k for k in kinds if k not in TASK_SOURCES]
    if unknown:
        raise UsageError(f"unknown kind of task {unknown[0]!r}: use " + ", ".join(TASK_SOURCES),
                         f"未知的任务类型 {unknown[0]!r}：可用 " + "、".join(TASK_SOURCES))
    snapshot = Snapshot(engine)
    tasks = [task for kind in kinds for task in TASK_SOURCES[kind](snapshot, today)]
    order = {kind: i for i, kind in enumerate(TASK_SOURCES)}
    return sorted(tasks, key=lambda t: (t.due is None, t.due or dt.date.max, _since(t), order[t.kind], t.code))


def task_counts(tasks: Iterable[Task]) -> dict[str, tuple[int, int]]:
    """Kind -> (tasks, overdue tasks), every kind listed (zero when none)."""
    counts = {kind: [0, 0] for kind in TASK_SOURCES}
    for task in tasks:
        counts[task.kind][0] += 1
        counts[task.kind][1] += task.overdue
    return {kind: (n, late) for kind, (n, late) in counts.items()}


def _since(task: Task) -> dt.date:
    dates = [v for v in task.detail.values() if isinstance(v, dt.date)]
    return min(dates) if dates else dt.date.max
