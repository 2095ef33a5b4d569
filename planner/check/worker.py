"""One batch check in a process of its own: `python -m planner.check.worker FOLDER TIMEOUT_S`.

The web process starts one for each job its pool runs (planner.check.pool)
and kills it when the job's time is up: a thread cannot be stopped, a
process can, and whatever memory a check takes is given back when it ends.
The worker runs in the job's folder and opens the upload by its bare name,
so no message can show a server path. It stops by itself when the web
process that started it is gone, and the kernel stops it after TIMEOUT_S
seconds of CPU in any case. The registry is named by $PLANNER_DATABASE_URL.
"""

from __future__ import annotations

import json
import logging
import math
import os
import sys
from pathlib import Path

import numpy as np

from planner.check.batch import STAGES, CheckResult, check_file
from planner.check.jobs import Job, load_job, save_job
from planner.check.output import write_checked
from planner.config import configure_logging, setting
from planner.errors import PlannerError

__all__ = ["main"]

LOGGER = logging.getLogger("planner.check.worker")  # not __name__: run as __main__

_MAP_LINES_LIMIT = 3_000  # rows whose lines to the nearest sites are drawn


def main(argv=None) -> int:
    configure_logging()  # to stderr, which is the server's: a traceback goes to the log, never to the page
    folder, timeout_s = Path(argv[0]).resolve(), float(argv[1])
    _limit_cpu(timeout_s)
    root, parent = folder.parent, os.getppid()
    job = load_job(root, folder.name)
    os.chdir(folder)

    def progress(stage, done, total):
        if os.getppid() != parent:
            raise SystemExit(3)  # the web process is gone: nobody waits for this check
        job.state, job.stage, job.done = "running", stage, done
        save_job(root, job)

    try:
        _run(job, progress)
    except PlannerError as exc:
        job.state, job.message = "failed", exc.message(job.lang)
    except Exception as exc:  # the page must say the job died, whatever killed it; the log says how
        LOGGER.exception("check %s failed", job.token)
        name = type(exc).__name__
        job.state, job.message = "failed", PlannerError(
            f"the check failed with an internal error ({name}); the server log has the details",
            f"检查因内部错误（{name}）失败，详情见服务器日志").message(job.lang)
    finally:
        Path(job.filename).unlink(missing_ok=True)  # the raw upload may hold unmasked ID numbers
    save_job(root, job)
    return 0


def _limit_cpu(timeout_s: float) -> None:
    import resource

    seconds = math.ceil(timeout_s) + 5
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 5))


def _run(job: Job, progress) -> None:
    from planner.registry.engine import make_engine
    from planner.rules.profiles import load_profile

    progress("read", 0, job.total)
    engine = make_engine(setting("PLANNER_DATABASE_URL"))
    try:
        result = check_file(Path(job.filename), engine, load_profile(job.profile), crs=job.crs, lang=job.lang,
                            progress=progress)
        progress("write", len(STAGES), job.total)
        write_checked(result, Path(job.output_name), lang=job.lang)
        Path("rows.geojson").write_text(json.dumps(_features(result, engine), ensure_ascii=False),
                                        encoding="utf-8")
    finally:
        engine.dispose()
    job.counts, job.notes, job.state, job.done = result.counts(), result.notes, "done", job.total


def _features(result: CheckResult, engine) -> dict:
    """The checked rows as GeoJSON points, with their input row number and the positions of their nearest outlet
    and station; rows without a usable position go to the collection's `unplaced` list (the result page's
    table lists every row, its map draws only the points)."""
    from planner.registry.tables import read_table

    added = result.added
    names = _name_column(result)
    sites = {}
    for table in ("outlets", "stations", "candidates"):
        frame = read_table(engine, table, columns=("code",))
        sites.update(zip(frame["code"], zip(frame.geometry.x, frame.geometry.y)))
    features, unplaced = [], []
    for i in range(len(added)):
        lon, lat = added["lon_wgs84"].iat[i], added["lat_wgs84"].iat[i]
        placed = bool(np.isfinite(lon) and np.isfinite(lat))
        props = {"row": i, "id": str(result.applicants.ids[i]), "name": names[i], "verdict": added["verdict"].iat[i],
                 "reasons": added["reasons"].iat[i]}
        for kind in ("outlet", "station"):
            code, metres = added[f"nearest_{kind}_id"].iat[i], added[f"nearest_{kind}_m"].iat[i]
            if isinstance(code, float) and not np.isfinite(code):
                code = None  # no nearest site (a row without a position): NaN is not JSON
            props[f"{kind}_id"] = code
            props[f"{kind}_m"] = None if not np.isfinite(metres) else float(metres)
            if i < _MAP_LINES_LIMIT and code in sites:
                props[f"{kind}_at"] = sites[code]
        if not placed:
            unplaced.append(props)
            continue
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [float(lon), float(lat)]},
                         "properties": props})
    return {"type": "FeatureCollection", "features": features, "unplaced": unplaced}


def _name_column(result: CheckResult) -> list:
    from planner.files.columns import match_headers

    table = result.applicants.table
    position = match_headers(table.headers, ("name",)).get("name")
    if position is None:
        return [""] * len(table)
    return ["" if v is None else str(v) for v in table.column(position)]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
