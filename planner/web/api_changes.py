"""JSON API for changes: survey facts, decisions, relocation, transfer, and a site's history.

Same rules as the pages: a session (with its X-CSRF-Token header) or a bearer
token, the staff role or above, and every change recorded under that user.
"""

from __future__ import annotations

from flask import Blueprint, jsonify

from planner.errors import UsageError
from planner.registry.tables import history
from planner.rules.vocabulary import SURVEY_FACTS
from planner.web.answers import json_position
from planner.web.api_bodies import checked_body
from planner.web.auth import actor, role_required
from planner.web.context import get_engine
from planner.web.i18n import current_lang
from planner.web.preferences import builtin_profile
from planner.workflow.decisions import (
    decide,
    relocate_station,
    transfer_station,
    update_facts,
)

bp = Blueprint("api_changes", __name__, url_prefix="/api")


def _body(*required: str) -> dict:
    body = checked_body()
    missing = [name for name in required if body.get(name) in (None, "")]
    if missing:
        raise UsageError("missing field(s): " + ", ".join(missing), "缺少字段：" + "、".join(missing))
    return body


def _profile(body: dict):
    return builtin_profile(body.get("profile"))


@bp.post("/candidates/<code>/facts")
@role_required("staff")
def facts(code: str):
    """Save survey facts: area_m2, display_m2, months_in_business (numbers), signage, line (booleans)."""
    body = _body()
    unknown = sorted(set(body) - set(SURVEY_FACTS))
    if unknown:
        raise UsageError("unknown field(s): " + ", ".join(unknown), "未知字段：" + "、".join(unknown))
    return jsonify({"code": code, "changes": update_facts(get_engine(), code, body, actor=actor())})


@bp.post("/candidates/<code>/decision")
@role_required("staff")
def decision(code: str):
    """approve / reject / needs_info with a note; an approval is re-checked now (409 when it fails)."""
    body = _body("decision", "note")
    result = decide(get_engine(), code, str(body["decision"]), str(body["note"]), actor=actor(),
                    profile=_profile(body), lang=current_lang())
    return jsonify({"code": result.code, "status": result.status,
                    "verdict": None if result.verdict is None else result.verdict.as_dict()})


@bp.get("/<any(candidates, stations):table>/<code>/history")
def site_history(table: str, code: str):
    """Every recorded change of one applicant or station: who, when, what."""
    events = history(get_engine(), table, code)
    return jsonify({"code": code, "events": [
        {"at": e["at"].isoformat(), "actor": e["actor"], "action": e["action"], "changes": e["changes"]}
        for e in events]})


@bp.post("/stations/<code>/relocation")
@role_required("staff")
def relocation(code: str):
    """Move a station to lon/lat if the rules pass there (the station itself excluded); 409 otherwise."""
    body = _body("lon", "lat")
    verdict = relocate_station(get_engine(), code, *json_position(body), actor=actor(), profile=_profile(body),
                               note=body.get("note"), lang=current_lang())
    return jsonify({"code": code, "verdict": verdict.as_dict()})


@bp.post("/stations/<code>/transfer")
@role_required("staff")
def transfer(code: str):
    """Record a new operator (same code and place)."""
    body = _body("operator")
    changes = transfer_station(get_engine(), code, str(body["operator"]), actor=actor(), note=body.get("note"))
    return jsonify({"code": code, "changes": changes})
