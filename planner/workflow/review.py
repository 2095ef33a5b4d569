"""The review queue of market staff: applicants waiting for a survey or a decision, oldest first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine

from planner.registry.tables import read_table
from planner.rules.vocabulary import OPEN_APPLICANT_STATUSES
from planner.rules.workdays import add_workdays, workdays_between

__all__ = ["SURVEY_WORKDAYS", "ReviewItem", "review_queue"]

SURVEY_WORKDAYS = 3  # on-site survey within 3 working days after the shop is reported (seeds/001…)


@dataclass(frozen=True)
class ReviewItem:
    code: str
    name: str | None
    status: str  # submitted: waiting for the survey; surveyed, needs_info: waiting for a decision
    reported_on: dt.date | None
    survey_due: dt.date | None
    workdays_left: int | None  # until the survey deadline; negative when overdue
    exact_calendar: bool

    @property
    def overdue(self) -> bool:
        return self.status == "submitted" and self.workdays_left is not None and self.workdays_left < 0


def review_queue(engine: Engine, today: dt.date | None = None) -> list[ReviewItem]:
    today = today or dt.date.today()
    candidates = read_table(engine, "candidates", columns=("code", "name", "status", "reported_on"))
    waiting = candidates[candidates["status"].isin(OPEN_APPLICANT_STATUSES)]
    items = []
    for code, name, status, reported in zip(waiting["code"], waiting["name"], waiting["status"],
                                            waiting["reported_on"]):
        reported = _as_date(reported)
        due, exact, left = None, True, None
        if reported is not None:
            due, exact = add_workdays(reported, SURVEY_WORKDAYS)
            left = workdays_between(today, due)
        items.append(ReviewItem(code, name, status, reported, due, left, exact))
    return sorted(items, key=lambda i: (i.reported_on is None, i.reported_on or dt.date.max, i.code))


def _as_date(value) -> dt.date | None:
    if value is None or value != value:  # None or NaN
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])
