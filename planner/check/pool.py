"""A bounded pool for the web's batch checks: a few run at once, a few wait, the rest are turned away.

Each web process has one pool (PLANNER_CHECK_WORKERS checks at once, and
PLANNER_CHECK_QUEUE more waiting). A pool thread starts the check in a
process of its own (planner.check.worker) and waits for it at most
PLANNER_CHECK_TIMEOUT_S seconds; then the process is killed and the job
marked failed. A process, unlike a thread, can be stopped, and its memory
goes back to the system when it ends.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from planner.check.jobs import Job, load_job, save_job
from planner.errors import PlannerError

__all__ = ["CheckPool", "ChecksBusyError", "run_in_process"]

LOGGER = logging.getLogger(__name__)


class ChecksBusyError(PlannerError):
    """Every slot of the pool is taken: try again later."""

    exit_code = 2
    http_status = 503


class CheckPool:
    """`workers` checks at once and `queued` more waiting; `submit` refuses beyond that."""

    def __init__(self, workers: int, queued: int):
        self.workers, self.queued = workers, queued
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="planner-check")
        self._slots = threading.BoundedSemaphore(workers + queued)

    def submit(self, make_job, run) -> Job:
        """Take a slot, make the job (`make_job()`: save the upload), then `run(job)` on a pool thread."""
        if not self._slots.acquire(blocking=False):
            raise ChecksBusyError(f"too many checks queued ({self.workers} running, {self.queued} waiting): "
                                  "try again in a few minutes", f"排队的检查任务过多（{self.workers} 个正在运行，"
                                  f"{self.queued} 个等待中）：请几分钟后再试")
        try:
            job = make_job()
            future = self._executor.submit(run, job)
        except BaseException:
            self._slots.release()
            raise
        future.add_done_callback(lambda done: self._finished(job, done))
        return job


    def _finished(self, job: Job, done) -> None:
        self._slots.release()
        failure = done.exception()
        if failure is not None:  # the page says failed (run_in_process); the log says why
            LOGGER.error("check %s failed in the pool", job.token, exc_info=failure)


def run_in_process(root: Path, job: Job, database_url: str, timeout_s: float) -> None:
    """Check `job` in a worker process; fail it when the process overruns `timeout_s` or dies."""
    command = [sys.executable, "-m", "planner.check.worker", str(root / job.token), str(timeout_s)]
    env = dict(os.environ, PLANNER_DATABASE_URL=database_url)
    # The worker's stderr is the server's: a traceback goes to the log, never to the page.
    process = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    try:
        process.wait(timeout=timeout_s)
        stopped = None
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        LOGGER.warning("check %s stopped after %g s (PLANNER_CHECK_TIMEOUT_S)", job.token, timeout_s)
        stopped = PlannerError(f"the check took longer than {timeout_s:g} s and was stopped "
                               "(PLANNER_CHECK_TIMEOUT_S): try a smaller file",
                               f"检查超过 {timeout_s:g} 秒，已停止（PLANNER_CHECK_TIMEOUT_S）：请尝试较小的文件")
    job = load_job(root, job.token)
    if not job.finished:  # a worker that finished just at the deadline keeps its result
        stopped = stopped or PlannerError(f"the check stopped unexpectedly (exit code {process.returncode})",
                                          f"检查意外中止（退出码 {process.returncode}）")
        LOGGER.warning("check %s ended without a result (exit code %s)", job.token, process.returncode)
        job.state, job.message = "failed", stopped.message(job.lang)
        save_job(root, job)
    (root / job.token / job.filename).unlink(missing_ok=True)  # a killed worker could not delete it
