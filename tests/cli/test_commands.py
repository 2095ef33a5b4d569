"""The installed `planner` command, run as users and scripts run it."""

import re
import subprocess

import pytest

from tests.cli_support import PLANNER, SAMPLE, run
from tests.conftest import DATA


def test_init_then_import_every_sample_file(database_url, tmp_path):
    assert run("init", "--db", database_url, cwd=tmp_path).returncode == 0
    assert run("init", "--db", database_url, cwd=tmp_path).returncode == 0  # idempotent
    for kind, name, crs in (("areas", "areas.gpkg", None), ("branches", "branches.csv", None),
                            ("stations", "stations.xlsx", None), ("candidates", "candidates.xlsx", "gcj02"),
                            ("transactions", "transactions.csv", None)):
        args = ["import", kind, str(SAMPLE / name), "--db", database_url] + (["--crs", crs] if crs else [])
        result = run(*args, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert f"{kind}: " in result.stdout and " created" in result.stdout


def test_database_url_from_environment(database_url, tmp_path):
    result = run("import", "branches", str(DATA / "branches_zh.csv"), cwd=tmp_path, env_url=database_url)
    assert result.returncode == 0 and "branches: 3 created" in result.stdout


def test_embedded_default_database_lives_in_instance(tmp_path):
    result = run("import", "branches", str(DATA / "branches_zh.csv"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "instance" / "planner.sqlite").exists()


@pytest.mark.parametrize(("args", "fragment"), [
    (["import", "branches", "/nonexistent/x.csv"], "file not found"),
    (["import", "branches", str(DATA / "areas.geojson")], "Polygon where Point is expected"),
    (["import", "branches", str(DATA / "branches_zh.csv"), "--crs", "mars"], "unknown coordinate system 'mars'"),
])
def test_unusable_input_exits_2_with_a_clear_line(tmp_path, args, fragment):
    result = subprocess.run([PLANNER, *args], cwd=tmp_path, capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin", "PLANNER_LANG": "en", "HOME": str(tmp_path)})
    assert result.returncode == 2
    assert fragment in result.stderr and result.stderr.startswith("planner: ")
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "instance").exists()  # refused input leaves no database behind


def test_demo_builds_the_sample_once(tmp_path):
    first = run("demo", "--build-only", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "areas: 664 created" in first.stdout and "candidates: 60 created" in first.stdout
    assert re.search(r"network: [\d,]+ nodes, [\d,]+ walkable segments", first.stdout)
    second = run("demo", "--build-only", cwd=tmp_path)
    assert second.returncode == 0 and "already built" in second.stdout


def test_help_lists_every_command(tmp_path):
    result = run("--help", cwd=tmp_path)
    assert result.returncode == 0
    listed = re.findall(r"^  (\w+) ", result.stdout.split("Commands:")[1], re.M)
    assert {"init", "import", "check", "coverage", "rank", "serve", "demo", "user"} <= set(listed)
