"""A hostile GeoPackage given to `planner import all`: geometry no registry holds (not finite, outside the degree
ranges, the wrong type, empty), text longer than its column, a value of another type, duplicate ids, SQL in
layer and column names, a huge value. Each is refused with exit code 2 and one line, and the empty registry
stays empty, on both backends (SQLite holds what PostgreSQL refuses, so the file is checked before either)."""

from __future__ import annotations

import sqlite3
import struct

import pytest

from planner.interop.gpkg_export import export_registry
from planner.registry.engine import make_engine
from planner.registry.schema import upgrade_schema
from tests.cli_support import run
from tests.interop.gpkg_support import row_counts


def _blob(wkb: bytes) -> bytes:
    """A GeoPackage geometry: its header (little-endian, no envelope, SRS 4326) then the WKB."""
    return b"GP\x00\x01" + struct.pack("<i", 4326) + wkb


def _point(x: float, y: float) -> bytes:
    return _blob(struct.pack("<BIdd", 1, 1, x, y))


POLYGON = _blob(struct.pack("<BII", 1, 3, 1) + struct.pack("<I", 4)
                + struct.pack("<8d", 116.6, 40.1, 116.7, 40.1, 116.7, 40.2, 116.6, 40.1))
EMPTY_POINT = _point(float("nan"), float("nan"))  # how WKB spells POINT EMPTY


def _untriggered(db, layer: str) -> None:
    """The layer without its spatial index triggers (they call SpatiaLite functions plain sqlite3 lacks)."""
    for (trigger,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?",
                                 (layer,)).fetchall():
        db.execute(f'DROP TRIGGER "{trigger}"')


def _set_geometry(db, layer: str, blob: bytes) -> None:
    _untriggered(db, layer)
    column = db.execute("SELECT column_name FROM gpkg_geometry_columns WHERE table_name = ?", (layer,)).fetchone()[0]
    first = f'UPDATE "{layer}" SET "{column}" = ? WHERE rowid = (SELECT min(rowid) FROM "{layer}")'  # noqa: S608
    db.execute(first, (blob,))


def _empty_registry(url: str) -> None:
    engine = make_engine(url)
    upgrade_schema(engine)
    engine.dispose()


def _import(filled, url, tmp_path, change):
    export_registry(filled, tmp_path / "r.gpkg")
    with sqlite3.connect(tmp_path / "r.gpkg") as db:
        change(db)
    _empty_registry(url)
    return run("import", "all", str(tmp_path / "r.gpkg"), "--db", url, cwd=tmp_path)


def _refused(result, url, fragment):
    assert result.returncode == 2, (result.returncode, result.stderr[-600:])
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("planner: "), result.stderr[-600:]
    assert fragment in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert set(row_counts(url).values()) == {0}


@pytest.mark.parametrize(("layer", "blob"), [
    ("stations", _point(float("nan"), 40.1)), ("stations", _point(116.6, float("inf"))),
    ("outlets", _point(float("-inf"), float("inf"))), ("candidates", _point(1e309, 40.0)),
    ("stations", _point(200.0, 40.0)), ("candidates", _point(116.6, 95.0)), ("stations", EMPTY_POINT),
    ("stations", POLYGON), ("areas", _point(116.6, 40.1)), ("road_edges", _point(116.6, 40.1)),
    ("stations", b"GP\x00\x01garbage"), ("outlets", b"not a geometry at all"),
])
def test_geometry_no_registry_holds_is_refused(filled, second_database_url, tmp_path, layer, blob):
    result = _import(filled, second_database_url, tmp_path, lambda db: _set_geometry(db, layer, blob))
    _refused(result, second_database_url, layer)


@pytest.mark.parametrize(("change", "layer"), [
    ("UPDATE stations SET name = printf('%.*c', 5000, 'x')", "stations"),  # longer than the column holds
    ("UPDATE candidates SET code = printf('%.*c', 100000, '站')", "candidates"),
    ("UPDATE stations SET id = (SELECT min(id) FROM stations)", "stations"),  # duplicate ids
    ("UPDATE transactions SET count = 'many'", "transactions"),  # text in a number column
    ("UPDATE areas SET population = 'x''); DROP TABLE areas; --'", "areas"),
    ("UPDATE events SET changes = printf('%.*c', 100000, '[') || printf('%.*c', 100000, ']')", "events"),
    ("UPDATE events SET changes = '[1e999999]'", "events"),
    ("UPDATE stations SET updated_at = 'not a time'", "stations"),
    ("UPDATE stations SET opened_on = '2026-02-31'", "stations"),
    ("UPDATE transactions SET count = 1e300", "transactions"),
])
def test_values_no_registry_holds_are_refused(filled, second_database_url, tmp_path, change, layer):
    result = _import(filled, second_database_url, tmp_path, lambda db: _untriggered(db, layer) or db.execute(change))
    _refused(result, second_database_url, layer)


def test_sql_in_extra_layer_and_column_names_is_not_run(filled, second_database_url, tmp_path):
    def change(db):
        db.execute('CREATE TABLE "x""; DROP TABLE stations; --" '
                   '(id INTEGER PRIMARY KEY, "a""); DROP TABLE users; --" TEXT)')
        db.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier) "
                   "VALUES ('x\"; DROP TABLE stations; --', 'attributes', 'x')")
        db.execute('ALTER TABLE stations ADD COLUMN "b\'); DROP TABLE users; --" TEXT')

    result = _import(filled, second_database_url, tmp_path, change)
    assert result.returncode == 0, result.stderr[-600:]
    counts = row_counts(second_database_url)
    assert counts["stations"] > 0 and counts["users"] > 0


@pytest.mark.parametrize("change", [
    "ALTER TABLE stations RENAME TO elsewhere",  # listed in gpkg_contents, gone from the file
    "UPDATE planner_export SET value = x'00ff' WHERE key = 'format_version'",
    "DELETE FROM planner_export",
    "UPDATE gpkg_geometry_columns SET srs_id = 99999 WHERE table_name = 'stations'",
    "UPDATE gpkg_contents SET table_name = 'stations''; DROP TABLE users; --' WHERE table_name = 'stations'",
])
def test_a_damaged_export_is_refused_in_one_line(filled, second_database_url, tmp_path, change):
    def damage(db):
        for layer in ("stations", "planner_export"):
            _untriggered(db, layer)
        db.execute(change)

    result = _import(filled, second_database_url, tmp_path, damage)
    _refused(result, second_database_url, "")
