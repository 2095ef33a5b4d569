"""planner rank: applicants by the people they would add, and the best set of N."""

import subprocess

import pandas as pd
import pytest

from planner.rules.profiles import load_profile
from planner.selection.ranking import rank_candidates
from planner.spatial.geodesic import GEOD
from tests.cli_support import PLANNER
from tests.conftest import prepared_database
from tests.coverage_support import load_district
from tests.file_support import load_file
from tests.strip_support import Q, load_strips


@pytest.fixture
def strips(engine, tmp_path):
    return load_strips(engine, tmp_path)


def _by_code(table):
    return table.set_index("code").loc[["P", "Q", "R", "T"]]


def test_ranking_by_marginal_population(strips):
    """tests/strip_support.py works out every figure: P 1000 people / 600 new, Q 800 / 800, R 300 / 300;
    T stands 400 m (399.99 geodesic) from S3 and is not ranked; X is rejected and not listed."""
    table = rank_candidates(strips, load_profile("yiwu"))
    assert table["code"].tolist() == ["Q", "P", "R", "T"]  # best first, then the unranked
    rows = _by_code(table)
    assert rows["service_population"].tolist() == [1000, 800, 300, 600]
    assert rows["marginal_population"].tolist() == [600, 800, 300, 0]
    assert rows["rank"].tolist() == [2, 1, 3, pd.NA]
    assert rows["keeps_distance_rules"].tolist() == [True, True, True, False]
    assert rows["nearest_station_m"].tolist() == [599.99, 999.99, 3299.96, 399.99]  # pyproj.Geod, to the cm
    assert rows["nearest_outlet_m"].tolist() == [2399.96, 1999.97, 5099.93, 2199.97]


def test_best_set_keeps_the_spacing_and_counts_earlier_picks(strips):
    # Q first (800 new people); P stands 400 m from Q, below the spacing; then R (300). Nothing else
    # keeps the rules, so asking for three gives two.
    for n in (2, 3):
        rows = _by_code(rank_candidates(strips, load_profile("yiwu"), n=n))
        assert rows["rank"].tolist() == [pd.NA, 1, 2, pd.NA]
        assert rows["added_population"].fillna(-1).tolist() == [-1, 800, 300, -1]


def test_greedy_counts_people_an_earlier_pick_serves_only_once(engine, tmp_path):
    # Q2, 500 m east of Q (exactly the spacing: allowed), reaches W4's cells −1950 … −1750, all of
    # which Q already reaches: 300 people, as many as R, but none new once Q is chosen: R comes
    # second, and Q2, adding nobody, is not picked at all.
    load_strips(engine, tmp_path)
    q2 = tuple(float(v) for v in GEOD.fwd(*Q, 90.0, 500.0)[:2])
    path = tmp_path / "q2.csv"
    path.write_text(f"序号,状态,经度,纬度\nQ2,submitted,{q2[0]!r},{q2[1]!r}\n", encoding="utf-8")
    load_file(engine, path, "candidates")
    rows = rank_candidates(engine, load_profile("yiwu"), n=3).set_index("code")
    assert (rows.loc["Q2", "service_population"], rows.loc["Q2", "marginal_population"]) == (300, 300)
    picked = rows[rows["rank"].notna()].sort_values("rank")
    assert picked.index.tolist() == ["Q", "R"] and picked["added_population"].tolist() == [800, 300]


def test_cli_rank(database_url, tmp_path):
    prepared_database(database_url, lambda engine: load_district(engine, tmp_path))
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PLANNER_LANG": "en"}
    result = subprocess.run([PLANNER, "rank", "-n", "2", "--db", database_url, "-o", str(tmp_path / "r.csv")],
                            capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{tmp_path / 'r.csv'}: 1 ranked of 1\n"
    # C1 (C2 is rejected) stands 300 m north of V2's middle: 44 of V2's 64 cells, 31.25 people each,
    # nobody served yet (tests/coverage/test_compute.py counts them).
    written = pd.read_csv(tmp_path / "r.csv", encoding="utf-8-sig")
    assert written[["code", "rank", "service_population", "marginal_population", "added_population"]].values.tolist() \
        == [["C1", 1, 1375, 1375, 1375]]
    walking = subprocess.run([PLANNER, "rank", "--profile", "heilongjiang", "--db", database_url],
                             capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert walking.returncode == 2 and "walking" in walking.stderr


def test_exact_best_set(strips):
    exact = _by_code(rank_candidates(strips, load_profile("yiwu"), n=2, exact=True))
    # The optimum of two: Q and R, 1100 people (P and R would give 900; P and Q break the spacing).
    assert exact["rank"].tolist() == [pd.NA, 1, 2, pd.NA]
    assert exact["added_population"].fillna(-1).tolist() == [-1, 800, 300, -1]


def test_cli_rank_exact(database_url, tmp_path):
    prepared_database(database_url, lambda engine: load_district(engine, tmp_path))
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PLANNER_LANG": "en"}
    result = subprocess.run([PLANNER, "rank", "-n", "2", "--exact", "--db", database_url],
                            capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["1", "C1", "+1,375"]  # the ranking alone, not the solver's banner
    alone = subprocess.run([PLANNER, "rank", "--exact", "--db", database_url],
                           capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert alone.returncode == 2 and "-n" in alone.stderr
