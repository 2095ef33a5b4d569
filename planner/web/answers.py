"""API answers without Flask: the one function behind each answer, called by the Flask view and the fast path.

The way pygeoapi keeps its API framework-free and wraps it in `flask_app.py`:
a view here is a plain function from a validated question to a JSON-ready
dict, so every door that answers the question gives the same answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection

from planner.check.site import check_site
from planner.errors import PlannerError, UsageError
from planner.rules.geometry import require_position
from planner.rules.profiles import Profile
from planner.rules.region import Region, require_in_region
from planner.sites.postal import NearestSites

__all__ = ["CheckQuestion", "api_error", "api_error_body", "check_answer", "json_position"]


@dataclass(frozen=True)
class CheckQuestion:
    """A `POST /api/check` body, validated."""

    lon: float
    lat: float
    profile: str | None
    code: str | None

    @classmethod
    def from_body(cls, body: object) -> CheckQuestion:
        if not isinstance(body, dict):
            raise UsageError("send a JSON object with lon, lat and optionally profile and code",
                             "请发送包含 lon、lat（可选 profile、code）的 JSON 对象")
        lon, lat = json_position(body)
        code, profile = body.get("code"), body.get("profile")
        for name, value in (("code", code), ("profile", profile)):
            if value is not None and not isinstance(value, str):
                raise UsageError(f"{name} must be a string", f"{name} 必须是字符串")
        return cls(lon, lat, profile, code)


def json_position(body: dict) -> tuple[float, float]:
    """`lon` and `lat` of a JSON body: numbers that pass the position rules of every door."""
    for name in ("lon", "lat"):
        value = body.get(name)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise UsageError(f"{name} must be a number, got {value!r}", f"{name} 必须是数字，实际为 {value!r}")
    return require_position(body["lon"], body["lat"])


def check_answer(question: CheckQuestion, profile: Profile, *, db: Connection | None, sites: NearestSites | None,
                 region: Region, lang: str) -> dict:
    """The verdict at one position: distances from the sites in memory when given, else from the database `db`
    (which a profile's per-area limit asks in any case). A position the registry's `region` refuses is a
    UsageError in the batch check's words (outside China, outside the district)."""
    require_in_region(region, question.lon, question.lat)
    return check_site(db, profile, question.lon, question.lat, code=question.code, lang=lang, sites=sites).as_dict()


def api_error(exc: PlannerError, lang: str) -> tuple[dict, int]:
    """An error as the API answers it: the error's name and its message in `lang`, and the HTTP status."""
    return api_error_body(type(exc).__name__, exc.zh if lang == "zh" else exc.en), exc.http_status


def api_error_body(name: str, message: str) -> dict:
    """The JSON body of every API error."""
    return {"error": name, "message": message}
