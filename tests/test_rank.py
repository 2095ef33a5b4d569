"""planner rank: applicants by the people they would add, and the best set of N."""

import subprocess

import pytest

from planner.profiles import load_profile
from planner.ranking import rank_candidates
from tests.coverage_support import load_district, to_lonlat
from tests.files import load_file
from tests.conftest import prepared_database
from tests.test_cli import PLANNER


@pytest.fixture
def district(engine, tmp_path):
    load_district(engine, tmp_path)
    path = tmp_path / "more.csv"
    rows = [("C3", "submitted", 5000, 450), ("C4", "surveyed", 1000, 3000), ("C5", "submitted", 100, 100)]
    path.write_text("序号,状态,经度,纬度\n" + "".join(f"{c},{s},{to_lonlat(x, y)[0]},{to_lonlat(x, y)[1]}\n"
                                                   for c, s, x, y in rows), encoding="utf-8")
    load_file(engine, path, "candidates")
    return engine


def test_ranking_by_marginal_population(district):
    table = rank_candidates(district, load_profile("yiwu")).set_index("code")
    assert "C2" not in table.index  # rejected applicants are not ranked
    assert not table.loc["C5", "keeps_distance_rules"] and table["rank"].isna()["C5"]  # 141 m from O1
    ranked = table[table["rank"].notna()].sort_values("rank")
    assert ranked["marginal_population"].is_monotonic_decreasing
    assert set(ranked.index) == {"C1", "C3", "C4"}


def test_best_set_keeps_the_spacing_and_counts_earlier_picks(district):
    table = rank_candidates(district, load_profile("yiwu"), n=3).set_index("code")
    chosen = table[table["rank"].notna()].sort_values("rank")
    # C1 and C3 are 150 m apart: only one of them can be chosen.
    assert len({"C1", "C3"} & set(chosen.index)) == 1 and "C4" in chosen.index
    assert (chosen["added_population"] <= chosen["marginal_population"] + 1).all()


def test_cli_rank(database_url, tmp_path):
    prepared_database(database_url, lambda engine: load_district(engine, tmp_path))
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PLANNER_LANG": "en"}
    result = subprocess.run([PLANNER, "rank", "-n", "2", "--db", database_url, "-o", str(tmp_path / "r.csv")],
                            capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "1 ranked of 1" in result.stdout
    walking = subprocess.run([PLANNER, "rank", "--profile", "heilongjiang", "--db", database_url],
                             capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert walking.returncode == 2 and "walking" in walking.stderr


def test_exact_best_set_is_at_least_as_good_as_greedy(district):
    greedy = rank_candidates(district, load_profile("yiwu"), n=3)
    exact = rank_candidates(district, load_profile("yiwu"), n=3, exact=True)
    chosen = exact[exact["rank"].notna()]
    assert len({"C1", "C3"} & set(chosen["code"])) <= 1  # the spacing holds in the optimum too
    assert chosen["added_population"].sum() >= greedy["added_population"].sum() - 1e-6


def test_cli_rank_exact(database_url, tmp_path):
    prepared_database(database_url, lambda engine: load_district(engine, tmp_path))
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PLANNER_LANG": "en"}
    result = subprocess.run([PLANNER, "rank", "-n", "2", "--exact", "--db", database_url],
                            capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "HiGHS" not in result.stdout and result.stdout.split()[0] == "1"  # the ranking, not the solver banner
    alone = subprocess.run([PLANNER, "rank", "--exact", "--db", database_url],
                           capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert alone.returncode == 2 and "-n" in alone.stderr
