"""A failed background check says so on its page and leaves its traceback in the server's log."""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
import time

from planner.check.jobs import create_job, load_job
from planner.check.pool import CheckPool


def test_a_worker_that_fails_inside_logs_its_traceback_and_fails_the_job(tmp_path):
    root = tmp_path / "checks"
    job = create_job(root, "list.csv", io.BytesIO("序号,经度,纬度\nA,116.6,40.1\n".encode()), profile="yiwu",
                     crs=None, lang="en", user="alice")
    # No database listens on port 1: an internal error (not a PlannerError) inside the check.
    env = dict(os.environ, PLANNER_DATABASE_URL="postgresql://nobody@127.0.0.1:1/none", PLANNER_LOG_LEVEL="INFO")
    done = subprocess.run([sys.executable, "-m", "planner.check.worker", str(root / job.token), "60"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert "ERROR planner.check.worker [" in done.stderr and f"check {job.token} failed" in done.stderr
    assert "Traceback (most recent call last)" in done.stderr and "OperationalError" in done.stderr
    failed = load_job(root, job.token)
    assert failed.state == "failed"
    assert failed.message == ("the check failed with an internal error (OperationalError); "
                              "the server log has the details")
    assert "Traceback" not in failed.message and str(tmp_path) not in failed.message


def test_a_run_that_raises_in_the_pool_is_logged_with_its_traceback(tmp_path, caplog):
    caplog.set_level(logging.ERROR, logger="planner.check.pool")
    root = tmp_path / "checks"
    job = create_job(root, "list.csv", io.BytesIO(b"x"), profile="yiwu", crs=None, lang="en", user="alice")

    def broken_run(_job):
        raise RuntimeError("the disk went away")

    pool = CheckPool(workers=1, queued=0)
    assert pool.submit(lambda: job, broken_run) is job
    for _ in range(100):
        if caplog.records:
            break
        time.sleep(0.05)
    [record] = caplog.records
    assert record.getMessage() == f"check {job.token} failed in the pool"
    assert record.exc_info[0] is RuntimeError and "the disk went away" in caplog.text
    assert pool.submit(lambda: job, lambda _job: None) is job  # the slot was given back
