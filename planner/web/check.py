"""Upload an applicant list, follow the check, download the result, see it on a map."""

from __future__ import annotations

import json
from pathlib import Path

from flask import (Blueprint, current_app, jsonify, redirect, render_template, request, send_file,
                   url_for)

from planner.check_jobs import load_job, start_job
from planner.errors import UsageError
from planner.maps import data_map, display_crs, shift_collection
from planner.profiles import BUILT_IN, load_profile
from planner.web import get_engine
from planner.web.i18n import current_lang, texts
from planner.web.preferences import builtin_profile, current_basemap, map_options

bp = Blueprint("check", __name__, url_prefix="/check")

CRS_CHOICES = ("wgs84", "gcj02", "bd09")


def _jobs_root() -> Path:
    return Path(current_app.instance_path) / "checks"


@bp.get("/")
def form():
    """The upload form."""
    lang = current_lang()
    profiles = [load_profile(name) for name in BUILT_IN]
    return render_template("check_form.html", t=texts(lang), lang=lang, profiles=profiles, crs_choices=CRS_CHOICES)


@bp.post("/")
def upload():
    """Start a check of the uploaded file and go to its page."""
    lang = request.form.get("lang") or current_lang()
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise UsageError("choose a file to check", "请选择要检查的文件")
    crs = request.form.get("crs_other") or request.form.get("crs") or None
    job = start_job(_jobs_root(), get_engine(), upload.filename, upload.read(),
                    profile=builtin_profile(request.form.get("profile")).name, crs=crs, lang=lang)
    return redirect(url_for("check.result", token=job.token))


@bp.get("/<token>")
def result(token: str):
    """Progress while the check runs; summary, map and download when it is done."""
    lang = current_lang()
    job = load_job(_jobs_root(), token)
    parts = None
    if job.state == "done":
        parts, _ = data_map(texts(lang), **map_options())
    return render_template("check_result.html", t=texts(lang), lang=lang, job=job, map=parts)


@bp.get("/<token>/status")
def status(token: str):
    """The job's state as JSON, for the progress bar."""
    job = load_job(_jobs_root(), token)
    return jsonify({"state": job.state, "stage": job.stage, "done": job.done, "total": job.total,
                    "counts": job.counts, "message": job.message})


@bp.get("/<token>/rows.geojson")
def rows(token: str):
    """The checked rows as GeoJSON (shifted for a GCJ-02 base map)."""
    job = load_job(_jobs_root(), token)
    path = _jobs_root() / job.token / "rows.geojson"
    if not path.exists():
        raise UsageError("the check has no result yet", "检查尚未完成")
    collection = json.loads(path.read_text(encoding="utf-8"))
    basemap_crs = display_crs(current_basemap())
    return jsonify(shift_collection(collection, basemap_crs, ("outlet_at", "station_at")))


@bp.get("/<token>/download")
def download(token: str):
    """The checked file, in the format that was uploaded."""
    job = load_job(_jobs_root(), token)
    path = _jobs_root() / job.token / job.output_name
    if job.state != "done" or not path.exists():
        raise UsageError("the check has no result yet", "检查尚未完成")
    return send_file(path, as_attachment=True, download_name=job.output_name)
