"""What staff change by hand: survey facts, approve / reject / needs-info, relocation, transfer.

Every change is one transaction that first takes the `sites` lock row, so
decisions that depend on the registry (an approval, a relocation) are
serialised: the second of two conflicting approvals re-checks after the
first has committed and fails. PostgreSQL blocks on the row lock;
SQLite's first write takes the database's write lock (busy timeout 30 s).
Each change writes an event naming the signed-in user.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from sqlalchemy import Engine

from planner.check.site import SiteVerdict, check_site
from planner.errors import ConflictError, UsageError
from planner.files.cells import CellError, is_blank, parse_bool
from planner.registry.site_changes import changing_sites, move_site, record_event, site_row, update_site
from planner.rules.china_time import china_today
from planner.rules.geometry import position_faults, require_position
from planner.rules.profiles import Profile
from planner.rules.region import Region, require_in_region
from planner.rules.vocabulary import (
    FLAG_FACTS,
    NUMBER_FACTS,
    OPEN_APPLICANT_STATUSES,
    SURVEY_FACTS,
)
from planner.sites.district import cached_region

__all__ = ["DECISIONS", "DecisionResult", "decide", "note_text", "relocate_station", "relocation_target",
           "transfer_station", "update_facts"]

DECISIONS = {"approve": "approved", "reject": "rejected", "needs_info": "needs_info"}
_NOTE_LIMIT = 2_000


@dataclass(frozen=True)
class DecisionResult:
    code: str
    status: str
    verdict: SiteVerdict | None


def _open_application(conn, code: str) -> dict:
    """The applicant's status, facts and position; ConflictError once it has been decided."""
    row = site_row(conn, "candidates", code, ("status",) + SURVEY_FACTS)
    if row["status"] not in OPEN_APPLICANT_STATUSES:
        raise ConflictError(f"{code} is {row['status']} already: only open applications can change",
                            f"{code} 已是“{row['status']}”状态：只有待处理的申请可以修改或决定")
    return row


def _usable_stored_position(code: str, row: dict) -> None:
    """An applicant stored before the position rules held cannot be judged: say so (409), never 500."""
    fault = position_faults([row["lon"]], [row["lat"]]).get(0)
    if fault is not None:
        raise ConflictError(f"{code} has an unusable stored position: {fault.en}; import it again",
                            f"{code} 的已存位置不可用：{fault.zh}；请重新导入")


def note_text(note: str | None, *, required: bool) -> str:
    """A decision's note, stripped; UsageError when it is required and empty, or too long."""
    note = (note or "").strip()
    if required and not note:
        raise UsageError("a note is required for a decision", "作出决定时必须填写说明")
    if len(note) > _NOTE_LIMIT:
        raise UsageError(f"the note is longer than {_NOTE_LIMIT} characters", f"说明超过 {_NOTE_LIMIT} 个字符")
    return note


def parse_facts(raw: dict) -> dict:
    """Survey facts from form or JSON values: numbers ≥ 0 or empty, flags yes/no/empty."""
    facts = {}
    for name in NUMBER_FACTS:
        if name not in raw:
            continue
        value = raw[name]
        if value is None or (isinstance(value, str) and not value.strip()):
            facts[name] = None
            continue
        try:
            number = float(str(value).strip().replace(",", ""))
        except ValueError:
            number = math.nan
        if not math.isfinite(number) or number < 0:
            raise UsageError(f"{name} must be a number of at least 0, got {value!r}",
                             f"{name} 必须是不小于 0 的数字，实际为 {value!r}")
        facts[name] = number
    for name in FLAG_FACTS:
        if name not in raw:
            continue
        value = raw[name]
        if value is None or is_blank(value):
            facts[name] = None
            continue
        try:
            facts[name] = parse_bool(value)
        except CellError:
            raise UsageError(f"{name} must be yes or no, got {value!r}",
                             f"{name} 只能填“有”或“无”，实际为 {value!r}") from None
    return facts


def update_facts(engine: Engine, code: str, raw: dict, *, actor: str) -> dict:
    """Save survey facts; a submitted applicant becomes surveyed. Returns the changes made."""
    facts = parse_facts(raw)
    with changing_sites(engine) as conn:
        old = _open_application(conn, code)
        changes = {k: [old[k], v] for k, v in facts.items() if old[k] != v}
        if old["status"] == "submitted" and any(v is not None for v in facts.values()):
            changes["status"] = ["submitted", "surveyed"]
        if not changes:
            return {}
        values = {k: v[1] for k, v in changes.items()}
        update_site(conn, "candidates", code, **values)
        record_event(conn, actor, "candidates", code, "survey", changes)
    return changes


def decide(engine: Engine, code: str, decision: str, note: str | None, *, actor: str, profile: Profile,
           lang: str = "zh") -> DecisionResult:
    """Approve, reject or ask for more information, with a required note.

    An approval re-checks the shop against the registry inside the locked
    transaction: if another approval or station now stands too close, or a
    survey fact fails, nothing changes and ConflictError says why.
    """
    if decision not in DECISIONS:
        raise UsageError(f"unknown decision {decision!r}: use " + ", ".join(DECISIONS), f"未知决定 {decision!r}")
    note = note_text(note, required=True)
    status = DECISIONS[decision]
    with changing_sites(engine) as conn:
        row = _open_application(conn, code)
        verdict = None
        if decision == "approve":
            _usable_stored_position(code, row)
            verdict = check_site(conn, profile, row["lon"], row["lat"], code=code,
                                 facts={f: row[f] for f in SURVEY_FACTS}, lang=lang)
            if verdict.verdict != "pass":
                raise ConflictError(f"{code} cannot be approved now: " + "; ".join(verdict.reasons),
                                    f"{code} 现在不能批准：" + "；".join(verdict.reasons))
        update_site(conn, "candidates", code, status=status, note=note)
        changes = {"status": [row["status"], status], "note": note, "profile": profile.name}
        if verdict is not None:
            changes["verdict"] = verdict.as_dict()
        record_event(conn, actor, "candidates", code, decision, changes)
    return DecisionResult(code, status, verdict)


def relocation_target(lon, lat, region: Region) -> tuple[float, float]:
    """(lon, lat) of a proposed new place, or UsageError: the position rules of every door, then
    the batch check's region rule for the registry's `region` (`planner.sites.district.cached_region`),
    in its words: outside China or swapped (a registry in China), outside the district (any registry)."""
    lon, lat = require_position(lon, lat)
    require_in_region(region, lon, lat)
    return lon, lat


def relocate_station(engine: Engine, code: str, lon: float, lat: float, *, actor: str, profile: Profile,
                     note: str | None = None, lang: str = "zh") -> SiteVerdict:
    """Move a station (迁址) after checking the new place, the station itself excluded."""
    note = note_text(note, required=False)
    lon, lat = relocation_target(lon, lat, cached_region(engine, profile))
    with changing_sites(engine) as conn:
        row = site_row(conn, "stations", code, ("status",))
        if row["status"] == "closed":
            raise ConflictError(f"{code} is closed and cannot move", f"{code} 已关闭，不能迁址")
        verdict = check_site(conn, profile, lon, lat, code=code, lang=lang)
        if verdict.verdict != "pass":
            raise ConflictError(f"{code} cannot move there: " + "; ".join(verdict.reasons),
                                f"{code} 不能迁至该位置：" + "；".join(verdict.reasons))
        move_site(conn, "stations", code, lon, lat)
        record_event(conn, actor, "stations", code, "relocate",
               {"geom": [f"POINT ({row['lon']} {row['lat']})", f"POINT ({lon} {lat})"], "note": note,
                "profile": profile.name, "verdict": verdict.as_dict()})
    return verdict


def transfer_station(engine: Engine, code: str, operator: str, *, actor: str, note: str | None = None,
                     on: dt.date | None = None) -> dict:
    """Hand a station to a new operator (转让): same code and place, new operator recorded."""
    operator = (operator or "").strip()
    if not operator:
        raise UsageError("the new operator is required", "必须填写新的经营者")
    note = note_text(note, required=False)
    with changing_sites(engine) as conn:
        row = site_row(conn, "stations", code, ("status", "operator"))
        if row["status"] == "closed":
            raise ConflictError(f"{code} is closed and cannot be transferred", f"{code} 已关闭，不能转让")
        if row["operator"] == operator:
            raise UsageError(f"{code} is run by {operator} already", f"{code} 的经营者已是 {operator}")
        update_site(conn, "stations", code, operator=operator)
        changes = {"operator": [row["operator"], operator], "note": note,
                   "on": (on or china_today()).isoformat()}
        record_event(conn, actor, "stations", code, "transfer", changes)
    return changes
