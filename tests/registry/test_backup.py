"""`planner backup` and `planner restore`: a filled registry comes back row for row, on both backends."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
import rasterio
from geoalchemy2 import Geometry
from geoalchemy2.shape import to_shape
from rasterio.transform import from_origin
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import DBAPIError

from planner.registry.accounts import add_user, issue_token, set_role
from planner.registry.engine import make_engine
from planner.registry.models import Base
from planner.registry.population_raster import import_raster
from planner.registry.sign_in import Throttle, sign_in
from tests.check_support import CHECK_DATA
from tests.conftest import DATA
from tests.file_support import load_file

PLANNER = str(Path(sys.executable).with_name("planner"))


def _planner(*args, cwd):
    return subprocess.run([PLANNER, *args], cwd=cwd, capture_output=True, text=True, timeout=300,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(cwd), "PLANNER_LANG": "en"})


def _fill(engine, folder: Path) -> None:
    """Sites, areas, transactions, a population raster, users, account events and a failed sign-in."""
    load_file(engine, DATA / "areas.geojson", "areas")
    for kind, name in (("branches", "outlets.csv"), ("stations", "stations.csv"), ("candidates", "candidates.csv")):
        load_file(engine, DATA / "check" / name, kind)
    (folder / "tx.csv").write_text("station_id,month,count\nS1,2026-03,120\nS1,2026-04,95\n", encoding="utf-8")
    load_file(engine, folder / "tx.csv", "transactions")
    with rasterio.open(folder / "pop.tif", "w", driver="GTiff", height=4, width=5, count=1, dtype="float32",
                       crs="EPSG:4326", transform=from_origin(116.60, 40.14, 0.01, 0.01)) as raster:
        raster.write(np.arange(20, dtype="float32").reshape(4, 5), 1)
    import_raster(engine, folder / "pop.tif", actor="tester")
    add_user(engine, "root", "admin", "root password", actor="setup")
    add_user(engine, "li", "staff", "li password", actor="root")
    issue_token(engine, "li", actor="root")
    set_role(engine, "li", "planner", actor="root")
    sign_in(engine, "li", "wrong password", "10.0.0.1", throttle=Throttle(), slots=threading.Semaphore())


def _plain(value):
    return to_shape(value).wkb if hasattr(value, "desc") and hasattr(value, "srid") else value


def _rows(engine) -> dict[str, list]:
    """Every planner table's rows in key order, geometry as WKB; the schema revision too."""
    found = {}
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            rows = conn.execute(select(table).order_by(*table.primary_key.columns)).all()
            found[table.name] = [tuple(_plain(v) for v in row) for row in rows]
        found["alembic_version"] = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    return found


def test_a_filled_registry_is_backed_up_and_restored_row_for_row(engine, database_url, second_database_url,
                                                                  tmp_path):
    _fill(engine, tmp_path)
    before = _rows(engine)
    assert all(before[t] for t in ("outlets", "stations", "candidates", "areas", "transactions", "events", "users",
                                   "population_rasters", "sign_in_failures", "change_counters"))
    assert any(isinstance(c.type, Geometry) for c in Base.metadata.tables["areas"].columns)
    done = _planner("backup", str(tmp_path / "registry.backup"), "--db", database_url, cwd=tmp_path)
    assert done.returncode == 0 and "backup written" in done.stdout, done.stderr
    assert not list(tmp_path.glob("*.partial"))
    done = _planner("restore", str(tmp_path / "registry.backup"), "--db", second_database_url, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    restored = make_engine(second_database_url)
    try:
        after = _rows(restored)
        counters = dict(before.pop("change_counters")), dict(after.pop("change_counters"))
        assert after == before  # every table, row for row
        assert counters[1]["database"] != counters[0]["database"]  # a new identity for caches
        assert {k: v for k, v in counters[1].items() if k != "database"} == \
            {k: v for k, v in counters[0].items() if k != "database"}
        assert set(inspect(restored).get_table_names()) == set(inspect(engine).get_table_names())
        with pytest.raises(DBAPIError, match="append-only"):  # the history's guard came along
            with restored.begin() as conn:
                conn.execute(text("DELETE FROM events"))
    finally:
        restored.dispose()


def test_restore_refuses_a_database_that_holds_a_registry_unless_forced(engine, database_url, second_database_url,
                                                                        tmp_path):
    load_file(engine, DATA / "check" / "outlets.csv", "branches")
    backup = tmp_path / "one.backup"
    assert _planner("backup", str(backup), "--db", database_url, cwd=tmp_path).returncode == 0
    assert _planner("restore", str(backup), "--db", second_database_url, cwd=tmp_path).returncode == 0
    load_file(engine, DATA / "check" / "stations.csv", "stations")  # the source moves on
    assert _planner("backup", str(backup), "--db", database_url, cwd=tmp_path).returncode == 0
    refused = _planner("restore", str(backup), "--db", second_database_url, cwd=tmp_path)
    assert refused.returncode == 2 and "--force" in refused.stderr and "Traceback" not in refused.stderr
    forced = _planner("restore", str(backup), "--db", second_database_url, "--force", cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr
    restored = make_engine(second_database_url)
    try:
        assert _rows(restored)["stations"] == _rows(engine)["stations"]
    finally:
        restored.dispose()


def test_restore_refuses_a_file_that_is_not_a_backup_of_this_kind(database_url, tmp_path):
    (tmp_path / "notes.txt").write_text("not a backup", encoding="utf-8")
    refused = _planner("restore", str(tmp_path / "notes.txt"), "--db", database_url, cwd=tmp_path)
    assert refused.returncode == 2 and "not a planner backup" in refused.stderr
    other = tmp_path / ("x.sqlite" if "://" in database_url else "x.dump")
    other.write_bytes(b"SQLite format 3\x00" + bytes(100) if "://" in database_url else b"PGDMP" + bytes(100))
    refused = _planner("restore", str(other), "--db", database_url, cwd=tmp_path)
    assert refused.returncode == 2 and "cannot be restored into this database" in refused.stderr


def test_a_spatialite_file_whose_folder_name_holds_a_question_mark_and_a_hash(tmp_path):
    """A path is a name: its ? and # are neither a URL's query nor its fragment, for every command."""
    folder = tmp_path / "区?2026#1"
    folder.mkdir()
    database = str(folder / "planner.sqlite")
    assert _planner("init", "--db", database, cwd=tmp_path).returncode == 0
    assert (folder / "planner.sqlite").is_file() and not (tmp_path / "区").exists()
    done = _planner("import", "branches", str(CHECK_DATA / "outlets.csv"), "--db", database, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    backup = folder / "copy.backup"
    assert _planner("backup", str(backup), "--db", database, cwd=tmp_path).returncode == 0
    restored = str(folder / "restored.sqlite")
    done = _planner("restore", str(backup), "--db", restored, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    engine = make_engine(restored)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM outlets")).scalar() == 2
    finally:
        engine.dispose()
