"""`planner export FILE.gpkg`: the whole registry, history included, as one GeoPackage with QGIS styles,
and a QGIS project (FILE.qgz) beside it.

Every layer is read in one read transaction (one consistent moment of the registry) and written with pyogrio
from Arrow; the file is written beside FILE first and renamed into place when complete, so a failed export
never leaves a half-written GeoPackage. A marker table, `planner_export`, says what the file is (format,
version, schema revision, storage CRS, what was left out and why); `planner import all` reads it first.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pyarrow as pa
import pyogrio
from sqlalchemy import Engine

from planner.errors import UsageError
from planner.interop.gpkg_raster import RASTER_LAYER, write_population_raster
from planner.interop.layer_styles import write_layer_styles
from planner.interop.qgis_project import write_project
from planner.registry.schema import current_revision
from planner.registry.tables import extent
from planner.registry.whole_registry import LAYERS, STORAGE_CRS, read_whole_registry

__all__ = ["FORMAT", "FORMAT_VERSION", "MARKER", "export_registry"]

FORMAT = "planner-registry"
FORMAT_VERSION = "1"
MARKER = "planner_export"
LEFT_OUT = ("users.password_hash, users.token_hash, users.session_gen (secrets and per-database counters: "
            "imported accounts have no password or token until `planner user password` / `planner user token`); "
            "sign_in_failures (client addresses kept briefly for throttling); locks, change_counters, "
            "alembic_version (per-database bookkeeping; the schema revision is recorded here)")
DESCRIPTIONS = {
    "areas": "villages, communities, sub-districts, townships with census figures",
    "outlets": "post office branches and agencies",
    "candidates": "applicant shops and their survey facts",
    "stations": "convenience stations",
    "transactions": "monthly transaction counts of stations",
    "events": "the change history (append-only): who changed what, when",
    "users": "accounts, without password or token hashes",
    "population_rasters": "population rasters (zlib-compressed float32 pixels, row-major, with CRS and transform)",
    "road_edges": "the walkable road network (2-point segments, geodesic metres)",
}


def export_registry(engine: Engine, file, *, now: dt.datetime | None = None) -> list[str]:
    """Write the registry at `engine` to the GeoPackage `file` and its QGIS project; returns summary lines."""
    path = Path(file)
    if path.suffix.lower() != ".gpkg":
        raise UsageError(f"{path}: the export is a GeoPackage; name it .gpkg", f"{path}：导出文件须为 .gpkg")
    if not path.parent.is_dir():
        raise UsageError(f"{path}: the folder does not exist", f"{path}：文件夹不存在")
    now = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    partial = path.with_name(f".{path.stem}.partial.gpkg")
    partial.unlink(missing_ok=True)
    try:
        counts = _write_layers(engine, partial)
        _write_marker(partial, engine, counts, now)
        write_layer_styles(partial, [(spec.name, spec.geometry_type) for spec in LAYERS], now=now)
        raster = write_population_raster(engine, partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    project = write_project(path.with_suffix(".qgz"), path.name, [(s.name, s.geometry_type) for s in LAYERS],
                            raster=raster, extent=extent(engine))
    shown = ", ".join(f"{name} {n:,}" for name, n in counts.items())
    return [f"exported {path} ({STORAGE_CRS}): {shown}", f"QGIS project: {project}"]


def _write_layers(engine: Engine, path: Path) -> dict[str, int]:
    counts = {}
    for spec, table in read_whole_registry(engine):
        geometry = {"geometry_name": "geom", "geometry_type": spec.geometry_type, "crs": STORAGE_CRS} \
            if spec.geometry_type else {}
        pyogrio.write_arrow(table, path, layer=spec.name, driver="GPKG",
                            layer_options={"DESCRIPTION": DESCRIPTIONS[spec.name]}, **geometry)
        counts[spec.name] = table.num_rows
    return counts


def _write_marker(path: Path, engine: Engine, counts: dict[str, int], now: dt.datetime) -> None:
    facts = {
        "format": FORMAT, "format_version": FORMAT_VERSION, "schema_revision": current_revision(engine) or "",
        "storage_crs": STORAGE_CRS, "times": "UTC, to the millisecond (GeoPackage DATETIME)",
        "layers": ", ".join(f"{name}={n}" for name, n in counts.items()), "left_out": LEFT_OUT,
        "raster": f"{RASTER_LAYER}: the active population raster for drawing, when there is one "
                  "(import all reads population_rasters)",
        "exported_at": now.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
    }
    table = pa.table({"key": pa.array(list(facts), pa.string()), "value": pa.array(list(facts.values()), pa.string())})
    pyogrio.write_arrow(table, path, layer=MARKER, driver="GPKG",
                        layer_options={"DESCRIPTION": "what this file is: a planner registry export"})
