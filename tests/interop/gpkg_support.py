"""Comparing two exports layer by layer, as pyogrio reads them."""

from __future__ import annotations

import pyogrio
from sqlalchemy import text

from planner.registry.engine import make_engine

TABLES = ("areas", "outlets", "candidates", "stations", "transactions", "events", "users", "population_rasters",
          "road_edges")


def row_counts(url: str) -> dict[str, int]:
    """Rows of every exported table of the registry at `url`."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return {name: conn.execute(text(f"SELECT count(*) FROM {name}")).scalar()  # noqa: S608 (our tables)
                    for name in TABLES}
    finally:
        engine.dispose()


def _without_own_timestamps(name, table):
    """The file's own timestamps left out: when it was written, when its styles were."""
    if name == "planner_export":
        keep = [key != "exported_at" for key in table.column("key").to_pylist()]
        return table.filter(keep)
    if name == "layer_styles":
        return table.drop_columns(["update_time"])
    return table


def layer_differences(first, second) -> list[str]:
    """What differs between the two GeoPackages (layer list, CRS, geometry type, every column of every layer),
    leaving out only the files' own timestamps; empty when their layers are identical."""
    listed = [pyogrio.list_layers(first).tolist(), pyogrio.list_layers(second).tolist()]
    if listed[0] != listed[1]:
        return [f"layers {listed[0]} != {listed[1]}"]
    found = []
    for name, _geometry in listed[0]:
        (meta_a, a), (meta_b, b) = pyogrio.read_arrow(first, layer=name), pyogrio.read_arrow(second, layer=name)
        if meta_a["crs"] != meta_b["crs"] or meta_a["geometry_type"] != meta_b["geometry_type"]:
            found.append(f"{name}: CRS or geometry type")
        a, b = _without_own_timestamps(name, a), _without_own_timestamps(name, b)
        if a.schema != b.schema:
            found.append(f"{name}: schema {a.schema} != {b.schema}")
            continue
        found += [f"{name}.{column}" for column in a.column_names if not a.column(column).equals(b.column(column))]
    return found + _raster_differences(first, second)


def _raster_differences(first, second) -> list[str]:
    """The population raster layers (GDAL's raster side; pyogrio lists vector layers only)."""
    import rasterio

    def read(path):
        try:
            with rasterio.open(f"GPKG:{path}:population") as raster:
                return raster.crs, raster.transform, raster.read(1).tolist()
        except rasterio.errors.RasterioIOError:  # an export of a registry without a raster has none
            return None

    return [] if read(first) == read(second) else ["population (raster)"]
