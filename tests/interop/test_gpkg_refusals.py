"""`planner import all` refuses what it must, with exit code 2 and one line, and a refused or failed import
changes nothing."""

from __future__ import annotations

import sqlite3

import geopandas as gpd
import pytest

from planner.interop.gpkg_export import export_registry
from planner.registry.accounts import add_user
from planner.registry.engine import make_engine
from planner.registry.schema import upgrade_schema
from tests.cli_support import run
from tests.conftest import DATA
from tests.interop.gpkg_support import row_counts


def _refused(result, fragment):
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("planner: ") and fragment in result.stderr
    assert "Traceback" not in result.stderr


def _url(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def test_a_registry_that_is_not_empty_is_refused(filled, tmp_path):
    export_registry(filled, tmp_path / "r.gpkg")
    before = row_counts(_url(filled))
    result = run("import", "all", str(tmp_path / "r.gpkg"), "--db", _url(filled), cwd=tmp_path)
    _refused(result, "登记库不是空的")
    assert row_counts(_url(filled)) == before


def test_an_account_alone_makes_the_registry_not_empty(filled, second_database_url, tmp_path):
    export_registry(filled, tmp_path / "r.gpkg")
    engine = make_engine(second_database_url)
    upgrade_schema(engine)
    add_user(engine, "someone", "staff", "a-long-password")
    engine.dispose()
    _refused(run("import", "all", str(tmp_path / "r.gpkg"), "--db", second_database_url, cwd=tmp_path), "users")


@pytest.mark.parametrize(("make", "fragment"), [
    (lambda p: gpd.read_file(DATA / "areas.geojson").to_file(p / "foreign.gpkg") or p / "foreign.gpkg",
     "没有 planner_export 表"),
    (lambda p: p / "branches.csv" if (p / "branches.csv").write_bytes((DATA / "branches_zh.csv").read_bytes())
     else None, "不是 GeoPackage"),
    (lambda p: p / "missing.gpkg", "文件不存在"),
])
def test_a_file_that_is_not_our_export_is_refused(database_url, tmp_path, make, fragment):
    result = run("import", "all", str(make(tmp_path)), "--db", database_url, cwd=tmp_path)
    _refused(result, fragment)
    if "://" not in database_url:
        assert not (tmp_path / "registry.sqlite").exists()  # refused before any database was made


def test_an_export_with_a_layer_missing_is_refused(filled, second_database_url, tmp_path):
    export_registry(filled, tmp_path / "r.gpkg")
    with sqlite3.connect(tmp_path / "r.gpkg") as db:
        db.execute("DELETE FROM gpkg_contents WHERE table_name = 'events'")
        db.execute("DROP TABLE events")
    _refused(run("import", "all", str(tmp_path / "r.gpkg"), "--db", second_database_url, cwd=tmp_path),
             "no layer events")


@pytest.mark.parametrize(("change", "layer"), [
    ("UPDATE users SET name = 'admin'", "users"),  # two accounts of one name: the database refuses the layer
    ("UPDATE events SET changes = '{not json' WHERE id = 3", "events"),  # unreadable before it is sent
])
def test_a_bad_row_changes_nothing(filled, second_database_url, tmp_path, change, layer):
    export_registry(filled, tmp_path / "r.gpkg")
    with sqlite3.connect(tmp_path / "r.gpkg") as db:
        db.execute(change)
    engine = make_engine(second_database_url)
    upgrade_schema(engine)
    engine.dispose()
    result = run("import", "all", str(tmp_path / "r.gpkg"), "--db", second_database_url, cwd=tmp_path)
    _refused(result, f"图层 {layer} 无法导入")
    assert set(row_counts(second_database_url).values()) == {0}  # the layers before it went in: rolled back


@pytest.mark.parametrize(("args", "fragment"), [
    (["export", "registry.zip"], "导出文件须为 .gpkg"),
    (["export", "no/such/folder/registry.gpkg"], "文件夹不存在"),
    (["import", "all", "registry.gpkg", "--crs", "gcj02"], "import all 不接受 --crs 或 --replace"),
])
def test_unusable_arguments_exit_2(database_url, tmp_path, args, fragment):
    _refused(run(*args, "--db", database_url, cwd=tmp_path), fragment)
