"""The station page: where it stands, relocation (迁址) checked at the new place, transfer (转让)."""

from __future__ import annotations

import math

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from planner.errors import ConflictError, UsageError
from planner.rules.profiles import BUILT_IN
from planner.spatial.crs import parse_crs, points_to_wgs84
from planner.texts.interface import texts
from planner.web.auth import actor, role_required
from planner.web.candidates import site_map
from planner.web.context import current_region, get_engine
from planner.web.exits import station_exit
from planner.web.i18n import current_lang
from planner.web.preferences import current_profile
from planner.web.site_view import station_view
from planner.web.visits import site_life
from planner.workflow.decisions import (
    relocate_station,
    relocation_target,
    transfer_station,
)
from planner.workflow.monthly import station_months
from planner.workflow.months import last_complete_month

bp = Blueprint("stations", __name__, url_prefix="/stations")


RELOCATION_CRS = ("wgs84", "gcj02", "bd09")  # what typed (or map-picked) numbers of a new place may be in


def _position(source) -> tuple[float, float] | None:
    """A WGS84 (lon, lat) from `lon`/`lat` values (None when both are empty) in the system `crs` names
    (WGS84, GCJ-02 of Amap and Tencent, BD-09 of Baidu; WGS84 when absent), converted with the
    importer's converter, that a station may move to: the rules of every door and the batch check's
    region rule (`relocation_target`), both on the converted position."""
    raw = (source.get("lon", "").strip(), source.get("lat", "").strip())
    if not any(raw):
        return None
    crs = source.get("crs", "wgs84").strip().lower() or "wgs84"
    if crs not in RELOCATION_CRS:
        raise UsageError(f"unknown coordinate system {crs!r}: use wgs84, gcj02 or bd09",
                         f"未知坐标系“{crs}”：请选择 WGS84、GCJ-02 或 BD-09")
    try:
        lon, lat = float(raw[0]), float(raw[1])
    except ValueError:
        raise UsageError(f"longitude and latitude must be numbers, got {raw[0]!r}, {raw[1]!r}",
                         f"经纬度必须是数字，实际为 {raw[0]!r}、{raw[1]!r}") from None
    if crs != "wgs84" and math.isfinite(lon) and math.isfinite(lat):
        x, y = points_to_wgs84([lon], [lat], parse_crs(crs))
        lon, lat = round(float(x[0]), 7), round(float(y[0]), 7)
    return relocation_target(lon, lat, current_region(current_profile()))


@bp.get("/<code>")
def page(code: str):
    """The station, or with ?lon=&lat= the check at a proposed new place (the station itself excluded)."""
    lang = current_lang()
    t = texts(lang)
    profile = current_profile()
    at = _position(request.args)
    view = station_view(get_engine(), code, profile, at=at, lang=lang)
    picking = view.record["status"] != "closed" and g.user is not None and g.user.may("staff")
    return render_template("sites/station.html", t=t, lang=lang, view=view, at=at,
                           **site_map(view, code, t, picking=picking), crs_choices=RELOCATION_CRS,
                           profiles=BUILT_IN, profile=profile,
                           business=station_months(get_engine(), code, last_complete_month()),
                           exit=station_exit(get_engine(), code, profile, lang),
                           life=site_life("stations", view.record))


def _back(code: str, at=None):
    args = {"lon": at[0], "lat": at[1]} if at else {}
    return redirect(url_for("stations.page", code=code, profile=current_profile().name, **args), code=303)


@bp.post("/<code>/relocate")
@role_required("staff")
def relocate(code: str):
    """Move the station if the new place passes the rules now."""
    lang = current_lang()
    at = None
    try:
        at = _position(request.form)
        if at is None:
            raise UsageError("enter the new longitude and latitude", "请输入新位置的经纬度")
        relocate_station(get_engine(), code, *at, actor=actor(), profile=current_profile(),
                         note=request.form.get("note"), lang=lang)
        flash(texts(lang)["relocated"], "done")
        at = None
    except (UsageError, ConflictError) as exc:
        flash(exc.message(lang), "problem")
    return _back(code, at)


@bp.post("/<code>/transfer")
@role_required("staff")
def transfer(code: str):
    """Record the new operator; code and place stay."""
    lang = current_lang()
    try:
        transfer_station(get_engine(), code, request.form.get("operator", ""), actor=actor(),
                         note=request.form.get("note"))
        flash(texts(lang)["transferred"], "done")
    except (UsageError, ConflictError) as exc:
        flash(exc.message(lang), "problem")
    return _back(code)
