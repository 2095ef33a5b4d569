"""Exit decisions in the work queue: stations the exit rule proposes for the month, waiting for staff to list
or keep them (no deadline of their own: the month's statistics are due by the 5th)."""

from __future__ import annotations

import datetime as dt

from planner.config import DEFAULT_PROFILE
from planner.rules.profiles import load_profile
from planner.workflow.exits import default_month, judge_stations
from planner.workflow.tasks import Snapshot, Task, dated_task

__all__ = ["exit_decision_tasks"]


def exit_decision_tasks(snapshot: Snapshot, today: dt.date) -> list[Task]:
    """One task per open station the default profile's exit rule lists for the month being judged
    (the last complete month, or the latest with figures) that nobody has listed or kept yet."""
    if snapshot.site is not None and snapshot.site[0] != "stations":
        return []
    month, _ = default_month(snapshot.engine)
    codes = [snapshot.site[1]] if snapshot.site is not None else None
    report = judge_stations(snapshot.engine, load_profile(DEFAULT_PROFILE), month, with_loss=False, codes=codes)
    return [dated_task("exit_decision", "stations", row.station_id, row.name, None, True, today, month=month,
                       reasons=row.reasons)
            for row in report.proposed.itertuples()]
