"""Batch checks started from the web: each runs on a thread, its state kept on disk.

A job folder holds the uploaded file, the checked file (same format), the
rows as GeoJSON for the result map, and `job.json` with the state, stage and
counts, so a page can poll it and finished results survive a restart.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from sqlalchemy import Engine

from planner.check_output import SUFFIXES, write_checked
from planner.checking import STAGES, CheckResult, check_file
from planner.errors import PlannerError, UsageError
from planner.profiles import load_profile

__all__ = ["Job", "load_job", "start_job"]

_TOKEN = re.compile(r"^[0-9a-f]{32}$")
_MAP_LINES_LIMIT = 3_000  # rows whose lines to the nearest sites are drawn


@dataclass
class Job:
    token: str
    filename: str
    profile: str
    crs: str | None
    lang: str
    state: str = "queued"  # queued | running | done | failed
    stage: str = ""
    done: int = 0
    total: int = len(STAGES) + 1
    counts: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    message: str = ""

    @property
    def output_name(self) -> str:
        path = Path(self.filename)
        return f"{path.stem}.checked{path.suffix}"


def _folder(root: Path, token: str) -> Path:
    if not _TOKEN.match(token):
        raise UsageError("unknown check", "找不到该检查任务")
    return root / token


def _save(root: Path, job: Job) -> None:
    path = _folder(root, job.token) / "job.json"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(job), ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)


def load_job(root: Path, token: str) -> Job:
    path = _folder(root, token) / "job.json"
    if not path.exists():
        raise UsageError("unknown check", "找不到该检查任务")
    return Job(**json.loads(path.read_text(encoding="utf-8")))


def start_job(root: Path, engine: Engine, upload_name: str, data: bytes, *, profile: str, crs: str | None,
              lang: str) -> Job:
    """Save the upload and check it on a background thread; returns at once."""
    safe = Path(upload_name).name or "upload.csv"
    if Path(safe).suffix.lower() not in SUFFIXES:
        raise UsageError(f"{safe}: upload a .csv, .xlsx, .geojson or .gpkg file",
                         f"{safe}：请上传 .csv、.xlsx、.geojson 或 .gpkg 文件")
    load_profile(profile)  # an unknown profile is the user's error, now, not the thread's
    job = Job(secrets.token_hex(16), safe, profile, crs or None, lang)
    folder = _folder(root, job.token)
    folder.mkdir(parents=True)
    (folder / safe).write_bytes(data)
    _save(root, job)
    threading.Thread(target=_run, args=(root, engine, job), daemon=True).start()
    return job


def _run(root: Path, engine: Engine, job: Job) -> None:
    folder = _folder(root, job.token)

    def progress(stage, done, total):
        job.state, job.stage, job.done = "running", stage, done
        _save(root, job)

    try:
        result = check_file(folder / job.filename, engine, load_profile(job.profile), crs=job.crs,
                            lang=job.lang, progress=progress)
        progress("write", len(STAGES), job.total)
        write_checked(result, folder / job.output_name, lang=job.lang)
        (folder / "rows.geojson").write_text(json.dumps(_features(result, engine), ensure_ascii=False),
                                             encoding="utf-8")
        job.counts, job.notes, job.state, job.done = result.counts(), result.notes, "done", job.total
    except PlannerError as exc:
        job.state, job.message = "failed", exc.message(job.lang)
    except Exception as exc:  # the page must say the job died, whatever killed it
        job.state, job.message = "failed", f"internal error: {exc}"
    _save(root, job)


def _features(result: CheckResult, engine: Engine) -> dict:
    """The checked rows as GeoJSON points, with the positions of their nearest outlet and station."""
    from planner.registry import read_table

    added = result.added
    names = _name_column(result)
    sites = {}
    for table in ("outlets", "stations", "candidates"):
        frame = read_table(engine, table, columns=("code",))
        sites.update(zip(frame["code"], zip(frame.geometry.x, frame.geometry.y)))
    features = []
    for i in range(len(added)):
        lon, lat = added["lon_wgs84"].iat[i], added["lat_wgs84"].iat[i]
        if not (np.isfinite(lon) and np.isfinite(lat)):
            continue
        props = {"id": str(result.applicants.ids[i]), "name": names[i], "verdict": added["verdict"].iat[i],
                 "reasons": added["reasons"].iat[i]}
        for kind in ("outlet", "station"):
            code, metres = added[f"nearest_{kind}_id"].iat[i], added[f"nearest_{kind}_m"].iat[i]
            props[f"{kind}_id"] = code
            props[f"{kind}_m"] = None if not np.isfinite(metres) else float(metres)
            if i < _MAP_LINES_LIMIT and code in sites:
                props[f"{kind}_at"] = sites[code]
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [float(lon), float(lat)]},
                         "properties": props})
    return {"type": "FeatureCollection", "features": features}


def _name_column(result: CheckResult) -> list:
    from planner.columns import match_headers

    table = result.applicants.table
    position = match_headers(table.headers, ("name",)).get("name")
    if position is None:
        return [""] * len(table)
    return ["" if v is None else str(v) for v in table.column(position)]
