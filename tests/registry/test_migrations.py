from sqlalchemy import inspect, text

from planner.registry.schema import current_revision, head_revision, upgrade_schema

TABLES = {"outlets", "stations", "candidates", "areas", "transactions", "events"}


def test_upgrade_from_empty_creates_every_table(empty_engine):
    assert current_revision(empty_engine) is None
    assert upgrade_schema(empty_engine) == head_revision()
    assert set(inspect(empty_engine).get_table_names()) >= TABLES


def test_upgrade_is_idempotent(empty_engine):
    upgrade_schema(empty_engine)
    assert upgrade_schema(empty_engine) == head_revision()


def test_point_columns_have_a_spatial_index(engine, backend):
    with engine.connect() as conn:
        for table in ("outlets", "stations", "candidates", "areas"):
            if backend == "spatialite":
                enabled = conn.execute(text(
                    "SELECT spatial_index_enabled FROM geometry_columns WHERE f_table_name = :t"), {"t": table}
                ).scalar()
                assert enabled == 1, table
            else:
                indexes = conn.execute(text(
                    "SELECT indexdef FROM pg_indexes WHERE tablename = :t"), {"t": table}).scalars().all()
                assert any("gist (geom)" in d for d in indexes), (table, indexes)


def test_geometry_is_registered_as_wgs84(engine, backend):
    with engine.connect() as conn:
        if backend == "spatialite":
            srid = conn.execute(text(
                "SELECT srid FROM geometry_columns WHERE f_table_name = 'stations'")).scalar()
        else:
            srid = conn.execute(text("SELECT Find_SRID('public', 'stations', 'geom')")).scalar()
    assert srid == 4326
