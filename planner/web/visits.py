"""Dated visits staff record on a station (installation and training, opening follow-up, inspection) or, for the
installation, on an approved applicant; and what a site page shows of its deadlines and visits.

A refused visit shows the page again with the problem and everything typed kept (status 400 or 409).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask import Blueprint, current_app, flash, g, redirect, request, url_for

from planner.errors import ConflictError, UsageError
from planner.rules.china_time import china_today
from planner.rules.vocabulary import EXISTING_STATION_STATUSES
from planner.texts.interface import texts
from planner.web.auth import actor, role_required
from planner.web.context import get_engine
from planner.web.i18n import current_lang
from planner.web.preferences import current_profile
from planner.workflow.deadlines import site_tasks
from planner.workflow.lifecycle import VISITS, record_visit, site_visits
from planner.workflow.tasks import Task

__all__ = ["SiteLife", "keep_form", "kept_form", "site_life"]

bp = Blueprint("visits", __name__)

_FIELDS = ("kind", "on", "note")


@dataclass
class SiteLife:
    """A site's open deadlines, its recorded visits, and the visits that may be recorded on it now."""

    table: str
    code: str
    today: dt.date
    tasks: list[Task]
    visits: list[dict]
    kinds: tuple[str, ...]
    form: dict = field(default_factory=dict)  # what was typed into a refused form, shown again


def site_life(table: str, record: dict) -> SiteLife:
    """What a station or applicant page shows of deadlines and visits."""
    engine, code, status = get_engine(), record["code"], record["status"]
    if table == "stations":
        kinds = VISITS if status in EXISTING_STATION_STATUSES else ()
    else:
        kinds = ("install",) if status == "approved" else ()
    today = china_today()
    tasks = site_tasks(engine, table, code, today)
    due = [task.kind for task in tasks]
    kinds = tuple(sorted(kinds, key=lambda k: due.index(k) if k in due else len(due)))  # what is due first
    return SiteLife(table, code, today, tasks, site_visits(engine, table, code), kinds, kept_form("visit"))


def keep_form(name: str, values: dict) -> None:
    """Keep what was typed into form `name` for the page shown again in this request."""
    g.setdefault("kept_forms", {})[name] = values


def kept_form(name: str) -> dict:
    """What was typed into form `name` when it was refused in this request ({} otherwise)."""
    return g.get("kept_forms", {}).get(name, {})


def _record(table: str, code: str, endpoint: str):
    """Record the visit in the form; back to the page, or the page again with the problem when refused."""
    lang = current_lang()
    values = {name: request.form.get(name, "") for name in _FIELDS}
    try:
        record_visit(get_engine(), table, code, values["kind"], values["on"], values["note"], actor=actor())
    except (UsageError, ConflictError) as exc:
        flash(exc.message(lang), "problem")
        keep_form("visit", values)
        return current_app.view_functions[endpoint](code=code), exc.http_status
    flash(texts(lang)["visit_recorded"], "done")
    return redirect(url_for(endpoint, code=code, profile=current_profile().name), code=303)


@bp.post("/stations/<code>/visits")
@role_required("staff")
def station_visit(code: str):
    """Record an installation, follow-up visit or inspection of a station."""
    return _record("stations", code, "stations.page")


@bp.post("/candidates/<code>/visits")
@role_required("staff")
def applicant_visit(code: str):
    """Record the installation and training at an approved applicant's shop."""
    return _record("candidates", code, "candidates.page")
