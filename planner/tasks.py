"""Partitions on a Dask cluster, their answers taken in order with only a few in flight (issue #14).

The check's strips (planner.check.spread) and coverage's tiles and bands (planner.coverage.spread,
planner.coverage.band_spread) all submit numbered tasks that carry their own arrays, so Dask can run one
again on another worker when one is lost. `in_order` keeps only a few of them submitted and not yet
answered: a waiting task's arrays sit in the scheduler (in this process on a LocalCluster), so a
country's list or grid is never copied whole into the task graph.

Progress shows per partition: a counter on a terminal, and one log line per partition with its own time
on its worker (`strips 3/40: 4.12 s`, at PLANNER_LOG_LEVEL=INFO: a batch job's log; bench/national.py
reads these lines to simulate more workers).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator
from typing import Any

__all__ = ["in_order", "worker_count"]

log = logging.getLogger(__name__)


def worker_count(client: Any) -> int:
    """The workers of `client`'s cluster now (at least 1)."""
    return max(1, len(client.scheduler_info().get("workers", {})))


def in_order(client: Any, submit: Callable[[int], Any], count: int, unit: str, *,
             hold_early: bool = True) -> Iterator[Any]:
    """The answers of tasks 0 … count − 1 (`submit(k)` submits task k and returns its future), in that order,
    each as soon as it and those before it are in. Two tasks per worker are in flight; with `hold_early`, an
    answer that came before an earlier one counts as in flight too (it waits here), so answers as large as a
    band of the country's grid are not all held at once either. `unit` names the partitions (strips, tiles,
    bands) in the progress; an answer's `seconds` attribute, when it has one, is its time on its worker."""
    from distributed import as_completed

    window = 2 * worker_count(client)
    submitted = min(count, window)
    started = [submit(k) for k in range(submitted)]
    position = {future.key: k for k, future in enumerate(started)}
    early: dict[int, Any] = {}
    handed = 0
    shown = sys.stderr.isatty()
    queue = as_completed(started)
    del started  # a future yielded and answered is released
    for done, future in enumerate(queue, start=1):
        answer = early[position.pop(future.key)] = future.result()
        del future
        _progress(done, count, unit, getattr(answer, "seconds", None), shown)
        del answer
        while handed in early:
            yield early.pop(handed)
            handed += 1
        while submitted < min(count, (handed if hold_early else done) + window):
            following = submit(submitted)
            position[following.key] = submitted
            queue.add(following)
            submitted += 1


def _progress(done: int, count: int, unit: str, seconds: float | None, shown: bool) -> None:
    if seconds is not None:
        log.info("%s %d/%d: %.2f s", unit, done, count, seconds)
    if shown:
        sys.stderr.write(f"\r{done}/{count} {unit}" + ("\n" if done == count else ""))
        sys.stderr.flush()
