"""`--workers N` and `--scheduler ADDRESS`: a Dask cluster for the commands that run partitioned
(`check`: planner.check.spread; `coverage`: planner.coverage.spread).

No option keeps the single-process path. `--workers N` starts a LocalCluster of
N worker processes, one thread each, on this machine (a check's workers map the
kept grid sums from this machine's cache folder); `--scheduler tcp://HOST:PORT`
uses a running cluster (`dask scheduler`, `dask worker tcp://HOST:PORT` on every
machine, each with planner installed), whose tasks carry their arrays. The
dashboard's address is printed when Dask can serve one (with bokeh).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from planner.errors import UsageError

__all__ = ["cluster_options", "spread_over"]


def cluster_options(func):
    func = click.option("--scheduler", metavar="ADDRESS",
                        help="Run partitioned on a running Dask cluster (tcp://HOST:PORT).")(func)
    return click.option("--workers", type=click.IntRange(min=1), default=None,
                        help="Run partitioned on a local Dask cluster of N worker processes.")(func)


@contextmanager
def spread_over(workers: int | None, scheduler: str | None, kind: type | None = None) -> Iterator[Any | None]:
    """A `kind` (planner.check.spread.Spread unless given, planner.coverage.spread.Spread, …) over the cluster
    the options ask for, built as kind(client, shared_files=…), or None for one process."""
    if workers and scheduler:
        raise UsageError("give --workers or --scheduler, not both", "--workers 与 --scheduler 只能选一个")
    if not workers and not scheduler:
        yield None
        return
    from distributed import Client, LocalCluster

    if kind is None:
        from planner.check.spread import Spread

        kind = Spread
    dashboard = ":0" if importlib.util.find_spec("bokeh") else None
    if scheduler:
        try:
            client = Client(scheduler, timeout="20s")
        except (OSError, ValueError) as exc:  # unreachable, or not an address (no port, unknown protocol)
            raise UsageError(f"cannot reach the Dask scheduler {scheduler}: {exc}",
                             f"无法连接 Dask 调度器 {scheduler}：{exc}") from exc
        cluster = None
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=dashboard)
        try:
            client = Client(cluster)
        except BaseException:  # the workers' processes must not outlive the command
            cluster.close()
            raise
    try:
        if dashboard or scheduler:
            click.echo(f"Dask: {client.dashboard_link}", err=True)
        yield kind(client, shared_files=cluster is not None)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
