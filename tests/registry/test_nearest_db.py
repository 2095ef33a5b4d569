"""The database KNN query, the vectorised service and a brute-force geodesic oracle agree."""

import numpy as np
import pandas as pd
import pytest

from planner.files.imports import prepare_import
from planner.registry.nearest import nearest_in_db
from planner.registry.tables import load_records, read_table
from planner.spatial.geodesic import GEOD
from planner.spatial.nearest import SiteIndex


@pytest.fixture
def outlets(engine, tmp_path):
    rng = np.random.default_rng(42)
    n = 1500
    # A dense town and a sparse countryside, so search radii must grow.
    lon = np.r_[rng.normal(116.65, 0.02, n - 300), rng.uniform(115.5, 117.5, 300)]
    lat = np.r_[rng.normal(40.13, 0.02, n - 300), rng.uniform(39.5, 41.0, 300)]
    frame = pd.DataFrame({"机构号": [f"O{i:04d}" for i in range(n)], "经度": lon, "纬度": lat,
                          "类型": np.where(rng.random(n) < 0.3, "代办点", "支局")})
    path = tmp_path / "outlets.csv"
    frame.to_csv(path, index=False)
    load_records(engine, prepare_import(path, "branches"), actor="t")
    # Soft-delete a few of the town's outlets: they must never be returned.
    frame.iloc[:1400].to_csv(path, index=False)
    load_records(engine, prepare_import(path, "branches"), actor="t", replace=True)
    return read_table(engine, "outlets")


def _oracle(sites, lon, lat, k):
    d = GEOD.inv(np.full(len(sites), lon), np.full(len(sites), lat), sites.geometry.x, sites.geometry.y)[2]
    order = np.argsort(d, kind="stable")[:k]
    return [(sites["code"].iloc[i], d[i]) for i in order]


@pytest.mark.parametrize("k", [1, 4])
def test_db_query_service_and_oracle_agree(engine, outlets, k):
    rng = np.random.default_rng(7)
    qlon = np.r_[rng.normal(116.65, 0.03, 30), rng.uniform(115.4, 117.6, 30), [118.5]]
    qlat = np.r_[rng.normal(40.13, 0.03, 30), rng.uniform(39.4, 41.1, 30), [42.0]]
    service = SiteIndex(outlets.geometry.x, outlets.geometry.y).query(qlon, qlat, k=k)
    codes = outlets["code"].to_numpy()
    for i, (x, y) in enumerate(zip(qlon, qlat)):
        expected = _oracle(outlets, x, y, k)
        from_db = nearest_in_db(engine, "outlets", x, y, k)
        assert [c for c, _ in from_db] == [c for c, _ in expected]
        assert np.allclose([d for _, d in from_db], [d for _, d in expected], atol=0.1, rtol=0)
        assert codes[service.index[i]].tolist() == [c for c, _ in expected]
        assert np.allclose(service.distance_m[i], [d for _, d in expected], atol=0.1, rtol=0)


def test_kind_filter_and_exclusion(engine, outlets):
    agencies = outlets[outlets["kind"] == "agency"]
    expected = _oracle(agencies, 116.65, 40.13, 2)
    assert [c for c, _ in nearest_in_db(engine, "outlets", 116.65, 40.13, 2, kinds=["agency"])] == \
        [c for c, _ in expected]
    first = nearest_in_db(engine, "outlets", 116.65, 40.13, 1)[0][0]
    assert nearest_in_db(engine, "outlets", 116.65, 40.13, 1, exclude_code=first)[0][0] != first


def test_fewer_sites_than_asked(engine, outlets):
    assert nearest_in_db(engine, "stations", 116.65, 40.13, 3) == []


def test_several_questions_in_one_round_trip_match_the_oracle(engine, outlets):
    """nearest_each: filters, k and a left-out code per question, answered together, each exact."""
    from planner.registry.nearest import Nearest, nearest_each

    branches = outlets[outlets["kind"] == "branch"]
    agencies = outlets[outlets["kind"] == "agency"]
    for lon, lat in ((116.65, 40.13), (115.6, 39.6), (117.4, 40.9)):
        first = _oracle(branches, lon, lat, 1)[0][0]
        questions = [Nearest("outlets", 3, kinds=("branch",)), Nearest("outlets", 2, kinds=("agency",)),
                     Nearest("outlets", 1, kinds=("branch",), exclude_code=first), Nearest("stations", 1)]
        with engine.connect() as conn:
            answers = nearest_each(conn, lon, lat, questions)
        expected = [_oracle(branches, lon, lat, 3), _oracle(agencies, lon, lat, 2),
                    _oracle(branches[branches["code"] != first], lon, lat, 1), []]
        for got, want in zip(answers, expected):
            assert [c for c, _ in got] == [c for c, _ in want]
            assert all(abs(a - b) < 1e-3 for (_, a), (_, b) in zip(got, want))
