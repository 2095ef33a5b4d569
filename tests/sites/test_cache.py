"""What a web worker may keep in memory, and when it must read again: the change counters,
the cached sites' indexes, and checks answered from memory agreeing with the database."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import text

import planner.registry.engine
from planner.check.site import check_site
from planner.files.imports import prepare_import
from planner.registry.accounts import add_user, issue_token
from planner.registry.changes import change_counters, registry_version
from planner.registry.engine import make_engine
from planner.registry.schema import upgrade_schema
from planner.registry.tables import load_records
from planner.rules.profiles import load_profile
from planner.sites.cache import cached_sites
from planner.sites.postal import load_network
from planner.workflow.decisions import decide
from tests.conftest import _postgis_url
from tests.decision_support import load_pair

YIWU = load_profile("yiwu")


def test_counters_move_with_every_change_and_only_then(engine, tmp_path):
    start = change_counters(engine)
    assert start["registry"] == 0 and start["accounts"] == 0
    load_pair(engine, tmp_path)
    loaded = change_counters(engine)
    assert loaded["registry"] > start["registry"] and loaded["accounts"] == 0
    assert change_counters(engine) == loaded  # reading changes nothing
    add_user(engine, "li", "staff", "a long password")
    issue_token(engine, "li")
    users = change_counters(engine)
    assert users["accounts"] == 2 and users["registry"] == loaded["registry"]
    decide(engine, "A", "approve", "ok", actor="li", profile=YIWU)
    assert change_counters(engine)["registry"] > loaded["registry"]
    assert registry_version(engine) == (users["database"], change_counters(engine)["registry"])


def test_two_databases_are_told_apart_at_the_same_counts(engine, tmp_path):
    other = make_engine(str(tmp_path / "other.sqlite"))
    try:
        upgrade_schema(other)
        assert change_counters(other)["registry"] == change_counters(engine)["registry"] == 0
        assert registry_version(other) != registry_version(engine)
    finally:
        other.dispose()


def test_the_cached_sites_follows_the_registry(engine, tmp_path):
    load_pair(engine, tmp_path)
    first = cached_sites(engine, YIWU)
    assert cached_sites(engine, YIWU) is first
    decide(engine, "A", "approve", "ok", actor="t", profile=YIWU)
    assert "A" not in set(first.station_codes)
    # Not waiting: None at first, while a thread reads the new registry; then the new network.
    version = registry_version(engine)
    assert cached_sites(engine, YIWU, version=version, wait=False) is None
    deadline = time.time() + 60
    while (found := cached_sites(engine, YIWU, version=version, wait=False)) is None and time.time() < deadline:
        time.sleep(0.05)
    assert found is not None and "A" in set(found.station_codes)
    assert cached_sites(engine, YIWU) is found


def _random_registry(engine, tmp_path, seed=3):
    rng = np.random.default_rng(seed)
    west, south, span = 116.4, 39.9, 0.5

    def place(n):
        return {"经度": west + rng.random(n) * span, "纬度": south + rng.random(n) * span}

    files = {
        "branches": pd.DataFrame({"机构号": [f"O{i}" for i in range(300)], **place(300),
                                  "类型": rng.choice(["支局", "代办点"], 300)}),
        "stations": pd.DataFrame({"机构号": [f"S{i}" for i in range(400)], "名称": "站", **place(400),
                                  "状态": rng.choice(["营业", "待退出", "已关闭"], 400, p=[0.8, 0.1, 0.1])}),
        "candidates": pd.DataFrame({"序号": [f"C{i}" for i in range(200)], "店名": "店", **place(200),
                                    "状态": rng.choice(["待勘察", "已批准"], 200)}),
    }
    for kind, frame in files.items():
        path = tmp_path / f"{kind}.csv"
        frame.to_csv(path, index=False)
        load_records(engine, prepare_import(path, kind), actor="t")
    return files, rng


@pytest.mark.parametrize("profile", ["yiwu", "shunyi"])
def test_the_cached_sites_are_the_networks_outlets_and_stations(engine, tmp_path, profile):
    _random_registry(engine, tmp_path)
    profile = load_profile(profile)
    network, sites = load_network(engine, profile), cached_sites(engine, profile)
    for frame, codes, index in ((network.outlets, sites.outlet_codes, sites.outlet_index),
                                (network.stations, sites.station_codes, sites.station_index)):
        assert codes.tolist() == frame["code"].tolist()
        assert np.array_equal(index.lon, frame.geometry.x.to_numpy())
        assert np.array_equal(index.lat, frame.geometry.y.to_numpy())


@pytest.mark.parametrize("profile", ["yiwu", "mianyang", "shunyi"])
def test_checks_from_memory_agree_with_the_database(engine, tmp_path, profile):
    files, rng = _random_registry(engine, tmp_path)
    profile = load_profile(profile)
    sites = cached_sites(engine, profile)
    stations, candidates = files["stations"], files["candidates"]
    cases = [(float(x), float(y), None) for x, y in zip(116.35 + rng.random(60) * 0.6, 39.85 + rng.random(60) * 0.6)]
    # Sites checked at their own place, which must never count themselves.
    cases += [(float(r["经度"]), float(r["纬度"]), r["机构号"]) for _, r in stations.head(20).iterrows()]
    cases += [(float(r["经度"]), float(r["纬度"]), r["序号"]) for _, r in candidates.head(20).iterrows()]
    for lon, lat, code in cases:
        db = check_site(engine, profile, lon, lat, code=code)
        memory = check_site(engine, profile, lon, lat, code=code, sites=sites)  # the area rule asks the database
        assert memory.verdict == db.verdict and len(memory.reasons) == len(db.reasons), (lon, lat, code)
        for ours, theirs in ((memory.nearest_outlet, db.nearest_outlet), (memory.nearest_station, db.nearest_station)):
            assert ours[0] == theirs[0], (lon, lat, code)
            assert abs(ours[1] - theirs[1]) <= 0.011, (lon, lat, code)
        assert memory.nearest_station[0] != code


def test_a_pooled_connection_that_died_while_idle_is_replaced(request, postgis_admin, monkeypatch):
    engine = make_engine(_postgis_url(request, postgis_admin))
    try:
        with engine.connect() as conn:
            pid = conn.execute(text("SELECT pg_backend_pid()")).scalar()
        admin, _ = postgis_admin
        with admin.connect() as conn:
            assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
        monkeypatch.setattr(planner.registry.engine, "_IDLE_BEFORE_PING_S", 0.0)
        with engine.connect() as conn:  # pinged on checkout, found dead, replaced: no error
            assert conn.execute(text("SELECT pg_backend_pid()")).scalar() != pid
    finally:
        engine.dispose()
