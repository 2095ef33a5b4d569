"""A Dask LocalCluster of two worker processes for the partitioned runs' tests, and a worker that dies once."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


@pytest.fixture(scope="module", name="client")
def two_workers():
    """A Client of a LocalCluster of two single-threaded worker processes (one per module)."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) \
            as cluster, distributed.Client(cluster) as dask:
        yield dask


def _killer(flag_path: str, task: str):
    """A worker plugin (defined here so it travels by value) under which the first worker to start a task whose
    key names `task` dies on the spot (os._exit): once, marked by creating `flag_path`."""
    from distributed.diagnostics.plugin import WorkerPlugin

    class KillOnce(WorkerPlugin):
        name = "kill-once"

        def transition(self, key, start, finish, **kwargs):
            import os
            from pathlib import Path

            if finish == "executing" and task in str(key):
                try:
                    Path(flag_path).touch(exist_ok=False)
                except FileExistsError:
                    return
                os._exit(1)

    return KillOnce()


@contextmanager
def worker_dies_once(client, flag: Path, task: str) -> Iterator[None]:
    """Within: the first worker to start a `task` task dies there; Dask must run it again elsewhere. After: the
    nanny has brought the worker back for the tests that follow."""
    client.register_plugin(_killer(str(flag), task))
    try:
        yield
    finally:
        client.unregister_worker_plugin("kill-once")
    assert flag.exists()  # a worker did die in the middle
    client.wait_for_workers(2, timeout=60)
