"""The service-level deadlines of a station's life (seeds/001…, domain.md "Service-level deadlines"), as task
sources of the work queue: installation and training, the opening follow-up visit, the quarterly inspection.

Each is met by a dated visit staff record (planner.workflow.lifecycle.record_visit). Days are China days and
working days follow the Chinese holiday calendar.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from planner.rules.china_time import china_date, china_today, quarter_of
from planner.rules.vocabulary import EXISTING_STATION_STATUSES
from planner.rules.workdays import last_workday
from planner.workflow.tasks import Snapshot, Task, as_date, dated_task, due_after

__all__ = ["FOLLOW_UP_WORKDAYS", "INSTALL_WORKDAYS", "LIFE_SOURCES", "follow_up_owed", "follow_up_tasks",
           "inspection_tasks", "install_tasks", "site_tasks"]

INSTALL_WORKDAYS = 10  # installation and training within 10 working days after approval (seeds/001…)
FOLLOW_UP_WORKDAYS = 7  # opening follow-up visit within 7 working days after opening (seeds/001…)


def _stations_of_applicants(snapshot: Snapshot) -> dict:
    """Applicant id -> the station opened from it."""
    return {s["candidate_id"]: s for s in snapshot.stations if s["candidate_id"] is not None}


def install_tasks(snapshot: Snapshot, today: dt.date) -> list[Task]:
    """Approved applicants (and those opened since) without a recorded installation: due 10 working days after
    the approval was recorded. An applicant imported as approved has no date to count from (undated); one
    imported as opened was installed before the registry knew it (no task)."""
    stations = _stations_of_applicants(snapshot)
    tasks = []
    for applicant in snapshot.candidates:
        if applicant["status"] not in ("approved", "opened"):
            continue
        approved = snapshot.approved_on(applicant["code"])
        station = stations.get(applicant["id"])
        if applicant["status"] == "opened" and (approved is None or station is None
                                                or station["status"] not in EXISTING_STATION_STATUSES):
            continue
        done = snapshot.visit_dates("candidates", applicant["code"], "install")
        if station is not None:
            done += snapshot.visit_dates("stations", station["code"], "install")
        if done:
            continue
        due, exact = due_after(approved, INSTALL_WORKDAYS)
        site = ("stations", station["code"], station["name"]) if station else ("candidates", applicant["code"],
                                                                               applicant["name"])
        tasks.append(dated_task("install", *site, due, exact, today, approved_on=approved))
    return tasks


def follow_up_owed(station: dict) -> bool:
    """Whether the registry owes a station its follow-up visit: it was opened here (from an applicant), or its
    deadline fell after the registry first recorded it. A station imported years after it opened is history."""
    opened = as_date(station["opened_on"])
    if opened is None or station["status"] not in EXISTING_STATION_STATUSES:
        return False
    if station["candidate_id"] is not None:
        return True
    due, _ = due_after(opened, FOLLOW_UP_WORKDAYS)
    return station["created_at"] is None or due >= china_date(station["created_at"])


def follow_up_tasks(snapshot: Snapshot, today: dt.date) -> list[Task]:
    """Open stations without a follow-up visit: due 7 working days after `opened_on`."""
    tasks = []
    for station in snapshot.stations:
        if not follow_up_owed(station) or snapshot.visit_dates("stations", station["code"], "follow_up"):
            continue
        opened = as_date(station["opened_on"])
        due, exact = due_after(opened, FOLLOW_UP_WORKDAYS)
        tasks.append(dated_task("follow_up", "stations", station["code"], station["name"], due, exact, today,
                                opened_on=opened))
    return tasks


def inspection_tasks(snapshot: Snapshot, today: dt.date) -> list[Task]:
    """Every open or listed station not yet inspected this calendar quarter: due its last working day."""
    start, end = quarter_of(today)
    due, exact = last_workday(end)
    quarter = f"{start.year}Q{(start.month + 2) // 3}"
    tasks = []
    for station in snapshot.stations:
        opened = as_date(station["opened_on"])
        if station["status"] not in EXISTING_STATION_STATUSES or (opened is not None and opened > today):
            continue
        if any(start <= day <= end for day in snapshot.visit_dates("stations", station["code"], "inspect")):
            continue
        tasks.append(dated_task("inspect", "stations", station["code"], station["name"], due, exact, today,
                                quarter=quarter))
    return tasks


LIFE_SOURCES = {"install": install_tasks, "follow_up": follow_up_tasks, "inspect": inspection_tasks}


def site_tasks(engine: Engine, table: str, code: str, today: dt.date | None = None) -> list[Task]:
    """The open deadlines of one station or applicant (its installation, follow-up, this quarter's inspection)."""
    today = today or china_today()
    snapshot = Snapshot(engine, site=(table, code))
    tasks = [task for source in LIFE_SOURCES.values() for task in source(snapshot, today)]
    return [task for task in tasks if (task.table, task.code) == (table, code)]
