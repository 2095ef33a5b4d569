"""What the work queue is made of: a task (one piece of work on one site, with its deadline in Chinese working
days) and the registry snapshot every task source reads from.

A source is a function (snapshot, today) -> tasks of one kind; `planner.workflow.review` lists them. The
snapshot reads each table once, when a source first asks, so five sources cost three reads.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from sqlalchemy import Engine

from planner.registry.site_events import read_events
from planner.registry.tables import read_table
from planner.rules.china_time import china_date
from planner.rules.workdays import add_workdays, workdays_between
from planner.workflow.months import as_date

__all__ = ["LIFE_ACTIONS", "Snapshot", "Task", "as_date", "dated_task", "due_after"]

# The events the deadlines count from or are met by: approval, opening, and the three visits.
LIFE_ACTIONS = ("approve", "open", "install", "follow_up", "inspect")


@dataclass(frozen=True)
class Task:
    kind: str  # survey, decision, install, follow_up, inspect (more kinds come with more sources)
    table: str  # 'candidates' or 'stations': the page where the work is recorded
    code: str
    name: str | None
    due: dt.date | None  # None: no deadline (a decision) or nothing to count from (an undated approval)
    workdays_left: int | None  # working days from today to `due`; negative when overdue
    exact_calendar: bool  # False: the holiday calendar had no data for a year involved (Mon–Fri assumed)
    detail: dict = field(default_factory=dict, compare=False)  # what the deadline counts from: name -> date/word

    @property
    def overdue(self) -> bool:
        return self.workdays_left is not None and self.workdays_left < 0


def dated_task(kind: str, table: str, code: str, name, due: dt.date | None, exact: bool, today: dt.date,
               **detail) -> Task:
    """A task due on `due` (None: undated), its working days left counted from `today`."""
    left = None if due is None else _workdays_left(today, due)
    return Task(kind, table, code, _text(name), due, left, exact, detail)


@lru_cache(maxsize=4096)
def _workdays_left(today: dt.date, due: dt.date) -> int:
    """Working days from `today` to `due` (many tasks share one due date: the quarter's inspections)."""
    return workdays_between(today, due)


def due_after(start: dt.date | None, workdays: int) -> tuple[dt.date | None, bool]:
    """`workdays` working days after `start` (None when there is no start), and whether exact; the last
    date there is when the calendar ends first (a start of 9999-12-31)."""
    if start is None:
        return None, True
    try:
        return add_workdays(start, workdays)
    except OverflowError:
        return dt.date.max, False


class Snapshot:
    """The rows the task sources read, each read at most once: all of them, or with `site` (table, code) those
    of one station and the applicant it came from, or of one applicant and the station opened from it."""

    def __init__(self, engine: Engine, *, site: tuple[str, str] | None = None):
        self.engine = engine
        self.site = site

    @cached_property
    def _links(self) -> list[dict]:
        """Every station's code and the id of its applicant (small: read to narrow down one site's rows)."""
        return _rows(read_table(self.engine, "stations", columns=("code", "candidate_id"), usable_only=False))

    @cached_property
    def stations(self) -> list[dict]:
        codes = None
        if self.site is not None and self.site[0] == "stations":
            codes = [self.site[1]]
        elif self.site is not None:
            ids = {c["id"] for c in self.candidates}
            codes = [s["code"] for s in self._links if s["candidate_id"] in ids]
        return _rows(read_table(self.engine, "stations", codes=codes, usable_only=False,
                                columns=("id", "code", "name", "status", "opened_on", "candidate_id",
                                         "created_at")))

    @cached_property
    def candidates(self) -> list[dict]:
        codes = None
        if self.site is not None and self.site[0] == "candidates":
            codes = [self.site[1]]
        elif self.site is not None:
            station = [s for s in self._links if s["code"] == self.site[1]]
            ids = {s["candidate_id"] for s in station if s["candidate_id"] is not None}
            everyone = _rows(read_table(self.engine, "candidates", columns=("id", "code"), usable_only=False))
            codes = [c["code"] for c in everyone if c["id"] in ids]
        return _rows(read_table(self.engine, "candidates", codes=codes, usable_only=False,
                                columns=("id", "code", "name", "status", "reported_on")))

    @cached_property
    def events(self) -> dict[tuple[str, str, str], list[dict]]:
        """(table, code, action) -> that site's events of that action, oldest first."""
        codes = None
        if self.site is not None:
            codes = [s["code"] for s in self.stations] + [c["code"] for c in self.candidates]
        found = defaultdict(list)
        for event in read_events(self.engine, ("candidates", "stations"), actions=LIFE_ACTIONS, codes=codes):
            found[(event["table_name"], event["code"], event["action"])].append(event)
        return found

    def approved_on(self, code: str) -> dt.date | None:
        """The China date an applicant's approval was recorded (the latest, if more than one)."""
        approvals = self.events.get(("candidates", code, "approve"))
        return china_date(approvals[-1]["at"]) if approvals else None

    def visit_dates(self, table: str, code: str, action: str) -> list[dt.date]:
        """The dates (`on`) of a site's recorded visits of one kind."""
        return [dt.date.fromisoformat(e["changes"]["on"]) for e in self.events.get((table, code, action), ())]


def _text(value) -> str | None:
    return None if value is None or value != value else str(value)


def _rows(frame) -> list[dict]:
    """Plain dicts of a frame's rows, empty cells (None, NaN) as None."""
    columns = [c for c in frame.columns if c != "geometry"]
    return [{c: (None if v is None or v != v else v) for c, v in zip(columns, values)}
            for values in zip(*(frame[c].tolist() for c in columns))]
