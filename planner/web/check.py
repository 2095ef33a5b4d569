"""Upload an applicant list, follow the check, download the result, see it on a map.

A check runs in this process's bounded pool (planner.check.pool), in a worker
process with a time limit; a job is seen only by the user who started it and
by admins (planner.check.jobs).
"""

from __future__ import annotations

import datetime as dt
import io
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

from planner.check.jobs import create_job, fail_orphans, load_job, sweep_expired, visible_jobs
from planner.check.pool import CheckPool, run_in_process
from planner.config import setting
from planner.errors import UsageError
from planner.maps.render import LAYER_STYLES, data_map, display_crs, shift_collection
from planner.registry.tables import extent
from planner.rules.profiles import BUILT_IN, load_profile
from planner.texts.interface import texts
from planner.web.check_template import template_csv, template_rows, template_xlsx
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
    history = [(job, dt.datetime.fromtimestamp(job.created_at, dt.UTC) if job.created_at else None)
               for job in visible_jobs(_jobs_root(), g.user)]
    return render_template("check/check_form.html", t=texts(lang), lang=lang, profiles=profiles,
                           crs_choices=CRS_CHOICES, history=history, all_jobs=g.user.may("admin"))


@bp.get("/template.<fmt>")
def template(fmt: str):
    """An applicant list to fill in: the input columns (Chinese headers in Chinese) and one example row."""
    if fmt not in ("xlsx", "csv"):
        raise UsageError(f"no template as .{fmt}: use .xlsx or .csv", f"没有 .{fmt} 格式的模板：可用 .xlsx 或 .csv")
    lang = current_lang()
    box = extent(get_engine())
    centre = (116.65, 40.13) if box is None else ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
    rows = template_rows(lang, texts(lang), centre)
    body = template_xlsx(rows) if fmt == "xlsx" else template_csv(rows)
    name = ("加盟申请表模板" if lang == "zh" else "applicant-list-template") + "." + fmt
    mimetype = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" if fmt == "xlsx"
                else "text/csv; charset=utf-8")
    return send_file(io.BytesIO(body), mimetype=mimetype, as_attachment=True, download_name=name)


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
    parts = config = None
    if job.state == "done":
        parts, config = _result_map(job, texts(lang), lang)
    return render_template("check/check_result.html", t=texts(lang), lang=lang, job=job, map=parts,
                           config=config)


_ROW_LABELS = ("pass", "fail", "error", "reasons", "nearest_outlet", "nearest_station", "metres", "row_outside",
               "row_no_position", "outlets", "stations", "areas", "name", "code", "verdict", "row_outside_note")


def _result_map(job, t: dict, lang: str):
    """The map fitted to the registry's district (never to the rows: one row far away must not zoom the map
    out), and what the page's script needs: the rows, the district's layers to draw as context, labels."""
    box = extent(get_engine())
    parts, display = data_map(t, bounds=box, **map_options())
    layer = {name: url_for("api.layer", layer=name, display=display, limit=50_000,
                           fields=None if name == "areas" else "code,name")
             for name in ("areas", "outlets", "stations")}
    config = {
        "rows": url_for("check.rows", token=job.token), "layers": layer, "styles": LAYER_STYLES,
        "district": None if box is None else [[box[1], box[0]], [box[3], box[2]]],
        "locale": "zh-CN" if lang == "zh" else "en", "labels": {key: t[key] for key in _ROW_LABELS},
    }
    return parts, config


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
