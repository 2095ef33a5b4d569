"""Batch checks started from the web: each kept on disk in its own folder, owned by the user who started it.

A job folder holds the uploaded file (until the check ends), the checked file
(same format, ID numbers masked), the rows as GeoJSON for the result map, and
`job.json` with the owner, state, stage and counts, so any worker process can
answer a page that polls it and finished results survive a restart.

Who may see a job: the user who started it, and admins (who answer for
the office's data). Everyone else is told it does not exist (404), the same
answer as for a token that was never issued.

The raw upload is deleted as soon as its check ends, whatever the outcome:
nothing serves it, and it may hold unmasked ID numbers. Whole job folders
are deleted after PLANNER_UPLOAD_RETENTION_DAYS.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import shutil
import time
import unicodedata
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from planner.check.batch import STAGES
from planner.check.output import SUFFIXES
from planner.errors import NotFoundError, PlannerError, UsageError
from planner.rules.profiles import load_profile

__all__ = ["Job", "create_job", "fail_orphans", "load_job", "safe_filename", "save_job", "sweep_expired",
           "visible_jobs"]

LOGGER = logging.getLogger(__name__)

_TOKEN = re.compile(r"^[0-9a-f]{32}$")
_NAME_BYTES = 120  # of the file name's stem, in UTF-8: far below any file system's limit
_SWEEP_EVERY_S = 3600.0
_LEFTOVER_AGE_S = 3600.0  # a folder without job.json this old is a leftover of a failed start
_OWN_FILES = {"job.json", "rows.geojson"}  # what a job folder holds besides the upload and its result
_last_sweep: dict[str, float] = {}
RESTARTED = PlannerError("the server restarted during this check: upload the file again",
                         "检查进行期间服务器已重启：请重新上传文件")


@dataclass
class Job:
    token: str
    filename: str
    profile: str
    crs: str | None
    lang: str
    user: str = ""  # who started it (jobs from before owners were recorded: admins only)
    created_at: float = 0.0  # seconds since the epoch
    owner_pid: int = 0  # the web process whose pool runs it
    owner_started: str = ""  # that process's start time, so a reused pid is not taken for it
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

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed")


def safe_filename(name: str) -> str:
    """The upload's name reduced to a safe short form: no folders, no control characters, a stem of at
    most 120 bytes, the suffix kept."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] not in "CZ" or ch == " ").strip(" .")
    stem, suffix = os.path.splitext(name)
    suffix = suffix if re.fullmatch(r"\.[A-Za-z0-9]{1,8}", suffix) else ""
    stem = stem.encode("utf-8")[:_NAME_BYTES].decode("utf-8", "ignore").strip(" .") or "upload"
    return stem + suffix


def _folder(root: Path, token: str) -> Path:
    if not _TOKEN.match(token):
        raise _unknown()
    return root / token


def _unknown() -> NotFoundError:
    return NotFoundError("unknown check", "找不到该检查任务")


def save_job(root: Path, job: Job) -> None:
    path = _folder(root, job.token) / "job.json"
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(asdict(job), ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)


def _read(path: Path) -> Job:
    known = {f.name for f in fields(Job)}
    return Job(**{k: v for k, v in json.loads(path.read_text(encoding="utf-8")).items() if k in known})


def load_job(root: Path, token: str, account=None) -> Job:
    """The job, if `account` (None: no check) may see it; a job whose web process is gone is failed."""
    path = _folder(root, token) / "job.json"
    if not path.exists():
        raise _unknown()
    job = _read(path)
    if account is not None and job.user != account.name and not account.may("admin"):
        raise _unknown()
    _fail_if_orphaned(root, job)
    return job


def visible_jobs(root: Path, account, limit: int = 50) -> list[Job]:
    """The jobs `account` may see (its own; an admin: everyone's), newest first, at most `limit`."""
    found = []
    for folder in _job_folders(root):
        try:
            job = _read(folder / "job.json")
        except (OSError, ValueError, TypeError):
            continue  # a start that failed, or a folder being written
        if job.user == account.name or account.may("admin"):
            found.append(job)
    found.sort(key=lambda job: job.created_at, reverse=True)
    return found[:limit]


def _fail_if_orphaned(root: Path, job: Job) -> bool:
    """Mark the job failed (and delete its raw upload) when it is not finished and the web process that ran
    it is gone."""
    if job.finished or process_alive(job.owner_pid, job.owner_started):
        return False
    job.state, job.message = "failed", RESTARTED.message(job.lang)
    save_job(root, job)
    LOGGER.warning("check %s was cut off (its web process %d is gone): marked failed", job.token, job.owner_pid)
    (_folder(root, job.token) / Path(job.filename).name).unlink(missing_ok=True)  # the raw upload may hold ID numbers
    return True


def create_job(root: Path, upload_name: str, source, *, profile: str, crs: str | None, lang: str,
               user: str) -> Job:
    """A new queued job owned by `user` and this process, with the upload (a binary stream) saved."""
    name = safe_filename(upload_name)
    if Path(name).suffix.lower() not in SUFFIXES:
        raise UsageError(f"{name}: upload a .csv, .xlsx, .geojson or .gpkg file",
                         f"{name}：请上传 .csv、.xlsx、.geojson 或 .gpkg 文件")
    if name.lower() in _OWN_FILES:  # an upload called rows.geojson would be the result map's file, then deleted
        name = "upload-" + name
    load_profile(profile)  # an unknown profile is the user's error, now, not the worker's
    job = Job(secrets.token_hex(16), name, profile, crs or None, lang, user=user, created_at=time.time(),
              owner_pid=os.getpid(), owner_started=process_started(os.getpid()))
    folder = _folder(root, job.token)
    folder.mkdir(parents=True)
    try:
        with open(folder / name, "wb") as handle:
            shutil.copyfileobj(source, handle, 1024 * 1024)
        save_job(root, job)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return job


def process_started(pid: int) -> str:
    """When process `pid` started (clock ticks since boot, from /proc), or "" where that is not known."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return stat.rsplit(")", 1)[1].split()[19]


def process_alive(pid: int, started: str) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it exists, under another user
    return not started or process_started(pid) in ("", started)


def _job_folders(root: Path):
    if root.is_dir():
        yield from (p for p in root.iterdir() if p.is_dir() and _TOKEN.match(p.name))


def fail_orphans(root: Path) -> int:
    """Mark failed every queued or running job whose web process is gone (the server restarted)."""
    failed = 0
    for folder in _job_folders(root):
        try:
            job = _read(folder / "job.json")
        except (OSError, ValueError, TypeError):
            continue  # no or a damaged job.json: the retention sweep removes it
        failed += _fail_if_orphaned(root, job)
    return failed


def sweep_expired(root: Path, days: float, *, force: bool = True) -> int:
    """Delete finished job folders older than `days` (and leftovers of failed starts); with `force=False`,
    at most once an hour per folder of jobs."""
    now = time.time()
    if not force and now - _last_sweep.get(str(root), 0.0) < _SWEEP_EVERY_S:
        return 0
    _last_sweep[str(root)] = now
    removed = 0
    for folder in _job_folders(root):
        try:
            job = _read(folder / "job.json")
            if not job.finished:
                continue  # a running check keeps its folder; one a restart cut off is failed first
            created, limit = job.created_at or folder.stat().st_mtime, days * 86400
        except (OSError, ValueError, TypeError):
            created, limit = folder.stat().st_mtime, _LEFTOVER_AGE_S
        if now - created > limit:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    if removed:
        LOGGER.info("removed %d check folders older than %g days from %s", removed, days, root)
    return removed
