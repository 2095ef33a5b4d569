"""The review queue page: applicants waiting for a survey or a decision, with deadlines."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, render_template, request

from planner.errors import UsageError
from planner.texts.interface import texts
from planner.web.context import get_engine
from planner.web.i18n import current_lang
from planner.workflow.review import SURVEY_WORKDAYS, review_queue

bp = Blueprint("review", __name__, url_prefix="/review")


def _today() -> dt.date:
    """Today, or ?today=YYYY-MM-DD to see the queue as it stood on another day."""
    raw = request.args.get("today")
    if not raw:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise UsageError(f"today={raw!r} is not a date (YYYY-MM-DD)", f"today={raw!r} 不是日期（YYYY-MM-DD）") from None


@bp.get("/")
def queue():
    """Oldest first; survey deadlines in Chinese working days; overdue rows marked."""
    lang = current_lang()
    today = _today()
    items = review_queue(get_engine(), today)
    return render_template("review/review.html", t=texts(lang), lang=lang, items=items, today=today,
                           survey_days=SURVEY_WORKDAYS, overdue=sum(i.overdue for i in items))
