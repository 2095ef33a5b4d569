"""Upload an applicant list, follow the check, download the result, see it on a map.

A check runs in this process's bounded pool (planner.check.pool), in a worker
process with a time limit; a job is seen only by the user who started it and
by admins (planner.check.jobs).
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

from flask import (
    Blueprint,
    Flask,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)

from planner.check.jobs import create_job, fail_orphans, load_job, sweep_expired
from planner.check.pool import CheckPool, run_in_process
from planner.config import setting
from planner.errors import UsageError
from planner.maps.render import data_map, display_crs, shift_collection
from planner.rules.profiles import BUILT_IN, load_profile
from planner.texts.interface import texts
from planner.web.context import get_engine
from planner.web.i18n import current_lang
from planner.web.preferences import builtin_profile, current_basemap, map_options

bp = Blueprint("check", __name__, url_prefix="/check")

CRS_CHOICES = ("wgs84", "gcj02", "bd09")
_POOL_LOCK = threading.Lock()


def check_settings() -> dict:
    """Flask settings for uploads and checks, from the environment (README, Configuration)."""
    return {
        "MAX_CONTENT_LENGTH": setting("PLANNER_MAX_UPLOAD_MB") * 1024 * 1024,
        "CHECK_WORKERS": setting("PLANNER_CHECK_WORKERS"),
        "CHECK_QUEUE": setting("PLANNER_CHECK_QUEUE"),
        "CHECK_TIMEOUT_S": setting("PLANNER_CHECK_TIMEOUT_S"),
        "UPLOAD_RETENTION_DAYS": setting("PLANNER_UPLOAD_RETENTION_DAYS"),
    }


def init_app(app: Flask) -> None:
    """At start: fail the checks a restart cut off, delete uploads past their retention."""
    root = _jobs_root(app)
    fail_orphans(root)
    sweep_expired(root, app.config["UPLOAD_RETENTION_DAYS"])


def _jobs_root(app: Flask | None = None) -> Path:
    return Path((app or current_app).instance_path) / "checks"


def _pool() -> CheckPool:
    """This process's pool (a forked worker makes its own: threads do not survive a fork)."""
    key = f"planner.check.pool.{os.getpid()}"
    with _POOL_LOCK:
        pool = current_app.extensions.get(key)
        if pool is None:
            config = current_app.config
            pool = current_app.extensions[key] = CheckPool(config["CHECK_WORKERS"], config["CHECK_QUEUE"])
    return pool


def _job(token: str):
    return load_job(_jobs_root(), token, g.user)


@bp.get("/")
def form():
    """The upload form."""
    lang = current_lang()
    profiles = [load_profile(name) for name in BUILT_IN]
    return render_template("check/check_form.html", t=texts(lang), lang=lang, profiles=profiles,
                           crs_choices=CRS_CHOICES)


@bp.post("/")
def upload():
    """Start a check of the uploaded file and go to its page."""
    lang = request.form.get("lang") or current_lang()
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise UsageError("choose a file to check", "请选择要检查的文件")
    crs = request.form.get("crs_other") or request.form.get("crs") or None
    profile = builtin_profile(request.form.get("profile")).name
    root, config = _jobs_root(), current_app.config
    sweep_expired(root, config["UPLOAD_RETENTION_DAYS"], force=False)  # at most hourly
    database_url = get_engine().url.render_as_string(hide_password=False)
    job = _pool().submit(
        lambda: create_job(root, upload.filename, upload.stream, profile=profile, crs=crs, lang=lang,
                           user=g.user.name),
        lambda job: run_in_process(root, job, database_url, config["CHECK_TIMEOUT_S"]))
    return redirect(url_for("check.result", token=job.token))


@bp.get("/<token>")
def result(token: str):
    """Progress while the check runs; summary, map and download when it is done."""
    lang = current_lang()
    job = _job(token)
    parts = None
    if job.state == "done":
        parts, _ = data_map(texts(lang), **map_options())
    return render_template("check/check_result.html", t=texts(lang), lang=lang, job=job, map=parts)


@bp.get("/<token>/status")
def status(token: str):
    """The job's state as JSON, for the progress bar."""
    job = _job(token)
    return jsonify({"state": job.state, "stage": job.stage, "done": job.done, "total": job.total,
                    "counts": job.counts, "message": job.message})


@bp.get("/<token>/rows.geojson")
def rows(token: str):
    """The checked rows as GeoJSON (shifted for a GCJ-02 base map)."""
    job = _job(token)
    path = _jobs_root() / job.token / "rows.geojson"
    if not path.exists():
        raise UsageError("the check has no result yet", "检查尚未完成")
    collection = json.loads(path.read_text(encoding="utf-8"))
    basemap_crs = display_crs(current_basemap())
    return jsonify(shift_collection(collection, basemap_crs, ("outlet_at", "station_at")))


@bp.get("/<token>/download")
def download(token: str):
    """The checked file, in the format that was uploaded."""
    job = _job(token)
    path = _jobs_root() / job.token / job.output_name
    if job.state != "done" or not path.exists():
        raise UsageError("the check has no result yet", "检查尚未完成")
    return send_file(path, as_attachment=True, download_name=job.output_name)
