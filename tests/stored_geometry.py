"""Impossible geometries written straight into the registry, as data stored before the rules held."""

import shapely
from sqlalchemy import text


def spoil(engine, table: str, code: str, geom) -> None:
    """Store an impossible geometry the way data imported before the rules got in (WKB keeps NaN)."""
    function = "ST_GeomFromWKB" if engine.dialect.name == "postgresql" else "GeomFromWKB"
    # the table name comes from the test, every value is bound
    statement = text(f"UPDATE {table} SET geom = {function}(:wkb, 4326) WHERE code = :code")  # noqa: S608
    with engine.begin() as conn:
        changed = conn.execute(statement,
                               {"wkb": shapely.to_wkb(geom), "code": code}).rowcount
    assert changed == 1
