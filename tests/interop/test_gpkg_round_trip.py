"""`planner export` → `planner import all` into a fresh database → `planner export` gives the same layers,
on both backends: every kind, the history, soft-deleted rows (marked), accounts without secrets."""

from __future__ import annotations

import pyogrio
from sqlalchemy import text

from planner.interop.gpkg_export import export_registry
from planner.registry.accounts import authenticate, user_by_token
from planner.registry.engine import make_engine
from tests.cli_support import run
from tests.file_support import load_file
from tests.interop.gpkg_support import layer_differences, row_counts


def test_export_import_export_gives_identical_layers(filled, second_database_url, tmp_path):
    first, second = tmp_path / "first.gpkg", tmp_path / "second.gpkg"
    export_registry(filled, first)
    imported = run("import", "all", str(first), "--db", second_database_url, cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.startswith(f"imported {first}: areas 2, outlets 3")
    exported = run("export", str(second), "--db", second_database_url, cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    assert layer_differences(first, second) == []
    assert row_counts(second_database_url) == row_counts(_url(filled))


def test_soft_deleted_rows_are_kept_and_marked(filled, tmp_path):
    export_registry(filled, tmp_path / "r.gpkg")
    stations = pyogrio.read_dataframe(tmp_path / "r.gpkg", layer="stations").set_index("code")
    assert stations.loc["S3", "deleted"] and stations.loc["S3", "deleted_at"] is not None
    assert not stations.loc[["S1", "S2", "S4", "S9"], "deleted"].any()
    assert stations["deleted_at"].isna().tolist() == (~stations["deleted"]).tolist()
    assert stations.loc["S9", "candidate_id"] == 1  # opened from applicant C1
    assert stations.loc["S1", "attrs"] == '{"备注": "x"}'


def test_history_is_included_whole(filled, tmp_path):
    export_registry(filled, tmp_path / "r.gpkg")
    events = pyogrio.read_dataframe(tmp_path / "r.gpkg", layer="events")
    with filled.connect() as conn:
        stored = conn.execute(text("SELECT id, table_name, code, action FROM events ORDER BY id")).all()
    assert [tuple(r) for r in events[["id", "table_name", "code", "action"]].itertuples(index=False)] == \
        [tuple(r) for r in stored]
    retired = events[(events["code"] == "S3") & (events["action"] == "delete")]
    assert len(retired) == 1 and retired["source"].iloc[0] == "fewer.gpkg"
    assert {"users", "population_rasters", "road_edges"} <= set(events["table_name"])


def test_accounts_leave_without_secrets_and_come_back_unable_to_sign_in(filled, second_database_url, tmp_path):
    export_registry(filled, tmp_path / "r.gpkg")
    users = pyogrio.read_dataframe(tmp_path / "r.gpkg", layer="users")
    assert list(users.columns) == ["id", "name", "role", "created_at", "disabled_at", "disabled"]
    assert users.set_index("name")["disabled"].to_dict() == {"admin": False, "former": True}
    assert run("import", "all", str(tmp_path / "r.gpkg"), "--db", second_database_url, cwd=tmp_path).returncode == 0
    again = make_engine(second_database_url)
    try:
        assert authenticate(again, "admin", "a-long-password") is None
        with again.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM users WHERE token_hash IS NOT NULL")).scalar() == 0
        assert user_by_token(again, "anything") is None
    finally:
        again.dispose()


def test_ids_continue_after_an_import(filled, second_database_url, tmp_path):
    export_registry(filled, tmp_path / "r.gpkg")
    assert run("import", "all", str(tmp_path / "r.gpkg"), "--db", second_database_url, cwd=tmp_path).returncode == 0
    again = make_engine(second_database_url)
    try:
        (tmp_path / "s.csv").write_text("code,name,lon,lat\nS10,新站,116.65,40.13\n")
        load_file(again, tmp_path / "s.csv", "stations")
        with again.connect() as conn:
            assert conn.execute(text("SELECT id FROM stations WHERE code = 'S10'")).scalar() == 6
            assert conn.execute(text("SELECT max(id) FROM events")).scalar() > row_counts(_url(filled))["events"]
    finally:
        again.dispose()


def _url(engine) -> str:
    return engine.url.render_as_string(hide_password=False)
