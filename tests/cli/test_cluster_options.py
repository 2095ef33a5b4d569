"""`--workers N`: the local cluster started for a command is closed whatever happens after it starts."""

from typing import ClassVar

import pytest

from planner.cli.cluster import spread_over


class _Cluster:
    started: ClassVar[list] = []

    def __init__(self, **options) -> None:
        self.closed = False
        _Cluster.started.append(self)

    def close(self) -> None:
        self.closed = True


def test_local_cluster_closed_when_its_client_cannot_start(monkeypatch):
    distributed = pytest.importorskip("distributed")

    def no_client(*args, **kwargs):
        raise OSError("timed out connecting to the local scheduler")

    monkeypatch.setattr(distributed, "LocalCluster", _Cluster)
    monkeypatch.setattr(distributed, "Client", no_client)
    _Cluster.started.clear()
    with pytest.raises(OSError), spread_over(2, None):
        pass
    assert len(_Cluster.started) == 1 and _Cluster.started[0].closed


@pytest.mark.parametrize("address", ["not a url", "foo://127.0.0.1:1", "tcp://127.0.0.1"])
def test_a_scheduler_address_that_is_not_one_is_a_usage_error(address):
    from planner.errors import UsageError

    with pytest.raises(UsageError, match="cannot reach the Dask scheduler"), spread_over(None, address):
        pass
