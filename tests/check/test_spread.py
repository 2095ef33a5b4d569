"""A check partitioned on a Dask LocalCluster of two worker processes gives the file one process gives:
byte for byte, for every straight-line profile, with chains of same-list conflicts running across
the strips' borders, rows without a position, a duplicate id and a registry applicant re-checked."""

import logging
import re

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from planner.check.batch import check_file
from planner.check.output import write_checked
from planner.check.spread import Spread, strips
from planner.rules.profiles import load_profile
from tests.check_support import SITES, load_small_registry, offset, row, write_list
from tests.dask_support import two_workers, worker_dies_once  # noqa: F401 (two_workers: the `client` fixture)

PROFILES = ("yiwu", "mianyang", "shunyi")


def _rows(seed: int, spacing: float):
    rng = np.random.default_rng(seed)
    rows = [row(f"A{k}", (float(rng.uniform(116.585, 116.665)), float(rng.uniform(40.092, 40.128))))
            for k in range(160)]
    start = (116.583, 40.11)
    for k in range(60):  # a west-east chain, each link a little under the spacing: conflicts hop across strips
        rows.append(row(f"C{k}", offset(start, 0.9 * spacing * k, 90 + rng.uniform(-3, 3))))
    rows += [row("R1", SITES["R1"]), row("blank", ("", "")), row("A7", offset("O1", 50)),
             row("far", (117.5, 40.1))]
    order = rng.permutation(len(rows))
    return [rows[k] for k in order]


def _file(engine, tmp_path, profile, spread, name, rows):
    listed = write_list(tmp_path / f"{name}.csv", rows)
    result = check_file(listed, engine, profile, spread=spread)
    return (write_checked(result, tmp_path / f"{name}.checked.csv")).read_bytes(), result


@pytest.mark.parametrize("name", PROFILES)
def test_partitioned_check_writes_the_same_bytes(engine, tmp_path, monkeypatch, client, name):
    monkeypatch.setenv("PLANNER_CACHE_DIR", str(tmp_path / "cache"))
    load_small_registry(engine)
    profile = load_profile(name)
    rows = _rows(len(name), max(profile.min_spacing_m, 300.0))
    alone, result = _file(engine, tmp_path, profile, None, "alone", rows)
    spread, _ = _file(engine, tmp_path, profile, Spread(client, shared_files=True, partitions=5), "spread", rows)
    assert spread == alone
    counts = result.counts()
    assert counts["pass"] and counts["fail"] and counts["error"]  # every verdict is exercised
    if profile.min_spacing_m > 0:  # chains of conflicts were resolved across the borders
        assert result.added["conflicts_with"].str.len().gt(0).sum() > 40


def test_each_strip_logs_its_own_time_on_its_worker(engine, tmp_path, monkeypatch, client, caplog):
    """A batch job's log shows every strip once with its time (planner.tasks; bench/national.py reads these)."""
    monkeypatch.setenv("PLANNER_CACHE_DIR", str(tmp_path / "cache"))
    load_small_registry(engine)
    spread = Spread(client, shared_files=True, partitions=5)
    caplog.set_level(logging.INFO, logger="planner.tasks")
    _file(engine, tmp_path, load_profile("yiwu"), spread, "spread", _rows(5, 500.0))
    lines = [re.fullmatch(r"strips (\d+)/(\d+): ([0-9.]+) s", r.getMessage()) for r in caplog.records
             if r.name == "planner.tasks"]
    count = len(spread.seconds)
    assert count >= 3 and all(lines) and len(lines) == count
    assert [int(m.group(1)) for m in lines] == list(range(1, count + 1))
    assert {int(m.group(2)) for m in lines} == {count}
    assert sorted(float(m.group(3)) for m in lines) == sorted(round(s, 2) for s in spread.seconds)


def test_workers_elsewhere_get_the_sums_themselves(engine, tmp_path, monkeypatch, client):
    """No kept entry on this machine's disc (PLANNER_CACHE_DIR=off): the tasks carry the sums' arrays."""
    monkeypatch.setenv("PLANNER_CACHE_DIR", "off")
    load_small_registry(engine)
    profile = load_profile("yiwu")
    rows = _rows(3, 500.0)
    alone, _ = _file(engine, tmp_path, profile, None, "alone", rows)
    spread, _ = _file(engine, tmp_path, profile, Spread(client, shared_files=False, partitions=7), "spread", rows)
    assert spread == alone


def test_a_walking_profile_with_workers_writes_the_same_bytes(engine, tmp_path, monkeypatch, client):
    """heilongjiang (distances on foot) is checked in this process even when a cluster is given: the same
    file, with its walking figures, as without one."""
    from tests.roads.road_support import at
    from tests.walking_support import load_river_registry

    monkeypatch.setenv("PLANNER_CACHE_DIR", str(tmp_path / "cache"))
    load_river_registry(engine, tmp_path)
    rows = [row(f"W{k}", at(east, north)) for k, (east, north) in
            enumerate([(5, 0), (0, -500), (0, -600), (400, 300), (125, -300), (120, -800), (5, 300)])]
    profile = load_profile("heilongjiang")
    alone, result = _file(engine, tmp_path, profile, None, "alone", rows)
    spread, _ = _file(engine, tmp_path, profile, Spread(client, shared_files=True, partitions=3), "spread", rows)
    assert spread == alone
    assert "nearest_outlet_straight_m" in result.added.columns and result.counts()["pass"]


@settings(max_examples=50, deadline=None)
@example(xs=[1.0, -2.2250738585e-313], count=2, halo=1.0)  # 1 - (-2e-313) rounds to exactly the halo
@given(st.lists(st.one_of(st.floats(-5e4, 5e4), st.just(float("nan"))), min_size=1, max_size=60),
       st.integers(1, 9), st.floats(0, 3e4))
def test_every_close_pair_lies_within_the_strip_of_its_first_row(xs, count, halo):
    x = np.array(xs)
    parts = strips(x, count, halo)
    owner = {}
    for k, (own, near) in enumerate(parts):
        assert set(own) <= set(near)
        for i in own:
            assert i not in owner
            owner[int(i)] = k
    assert sorted(owner) == list(range(x.size))  # every row belongs to exactly one strip
    for i in range(x.size):
        for j in range(i + 1, x.size):
            # Closer than the halo by more than float rounding (the halo the check uses has a metre to spare).
            if np.isfinite(x[i]) and np.isfinite(x[j]) and (x[i] == x[j] or abs(x[i] - x[j]) <= halo - 1e-6):
                assert j in set(parts[owner[i]][1])


def test_a_worker_lost_in_the_middle_changes_nothing(engine, tmp_path, monkeypatch, client):
    """The first worker to start a strip dies there (os._exit); Dask runs the strip again elsewhere."""
    monkeypatch.setenv("PLANNER_CACHE_DIR", str(tmp_path / "cache"))
    load_small_registry(engine)
    profile = load_profile("yiwu")
    rows = _rows(11, 500.0)
    alone, _ = _file(engine, tmp_path, profile, None, "alone", rows)
    with worker_dies_once(client, tmp_path / "killed", "_facts_of_part"):
        spread, _ = _file(engine, tmp_path, profile, Spread(client, shared_files=True, partitions=6), "spread", rows)
    assert spread == alone
