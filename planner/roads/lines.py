"""Read a line layer (GeoPackage, Shapefile, GeoJSON) in any coordinate system as road segments.

Road offices hand over their networks as line layers. Each LineString or
MultiLineString part becomes the straight segments between its consecutive
vertices; vertices at the same position (rounded to 1e-7 degree, about a
centimetre) are one node, so lines that meet at a vertex are joined and lines
that only cross are not (as at a bridge). An optional column says a line is
not walkable: `walkable` (yes/no, true/false, 1/0, 是/否; blank means yes) or
OpenStreetMap's `foot` (no, use_sidepath, private: not walkable).

The file's own coordinate system is used; a file that names none is read in
the `crs` given, else as WGS84 longitude/latitude if its coordinates fit,
else refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

import numpy as np
import shapely
from pyproj import CRS, Transformer

from planner.config import unusable_file
from planner.errors import UsageError
from planner.files.cells import is_blank, parse_bool, parse_distinct
from planner.files.columns import normalise_header
from planner.files.positions import file_crs_option
from planner.files.tables import Table, read_user_table
from planner.roads.numbering import number_segments
from planner.roads.progress import Progress, stage_reporter
from planner.roads.segments import RoadSegments
from planner.roads.walkable import FOOT_FORBIDS
from planner.rules.geometry import Fault, coordinate_faults
from planner.spatial.arrays import Bools, Geometries
from planner.spatial.crs import geometries_to_wgs84

if TYPE_CHECKING:
    from geopandas import GeoSeries

__all__ = ["STAGES", "read_line_layer"]

STAGES = ("reading lines", "converting to WGS84", "joining vertices")
_GRID = 10_000_000  # vertices within one 1e-7 degree cell are one node
_SHOWN_ROWS = 5  # rows named in a message before "and n more"


def read_line_layer(path: str | Path, crs: str | None = None, progress: Progress | None = None) -> RoadSegments:
    """The walkable segments of a line layer, in WGS84, vertices at one position joined into one node."""
    path = Path(path)
    report = stage_reporter(progress, STAGES)
    report("reading lines")
    table = read_user_table(path, ())
    if table.geometry is None:
        raise unusable_file(path, "not a GIS layer (use .gpkg, .shp or .geojson)",
                            "不是 GIS 图层（请使用 .gpkg、.shp 或 .geojson）")
    geoms = np.asarray(cast("GeoSeries", table.geometry).values, dtype=np.object_)
    keep, notes = _walkable_rows(table, geoms)
    rows = table.row_numbers[keep]
    _refuse(table, rows, coordinate_faults(geoms[keep], degrees=False))  # NaN or infinite before conversion
    report("converting to WGS84")
    lines, label = _to_wgs84(table, geoms[keep], crs)
    _refuse(table, rows, coordinate_faults(lines, converted_from=None if label == "wgs84" else label))
    report("joining vertices")
    return _join(lines, table.path, tuple(notes))


def _rows_named(rows: np.ndarray) -> str:
    """'row 3' or 'rows 3, 7, … and 12 more': the first rows of something, for a note."""
    shown = ", ".join(str(int(r)) for r in rows[:_SHOWN_ROWS])
    more = f" and {rows.size - _SHOWN_ROWS:,} more" if rows.size > _SHOWN_ROWS else ""
    return (f"row {shown}" if rows.size == 1 else f"rows {shown}") + more


def _walkable_rows(table: Table, geoms: Geometries) -> tuple[Bools, list[str]]:
    """Rows with a line a pedestrian may use; wrong geometry types and unreadable flags are refused."""
    type_ids = shapely.get_type_id(geoms)
    empty = (type_ids < 0) | shapely.is_empty(geoms)
    lines = ~empty & np.isin(type_ids, [1, 5])  # LineString, MultiLineString
    wrong = np.flatnonzero(~empty & ~lines)
    if wrong.size:
        row = int(table.row_numbers[wrong[0]])
        found = geoms[wrong[0]].geom_type
        others = f" ({wrong.size - 1:,} more rows like it)" if wrong.size > 1 else ""
        others_zh = f"（另有 {wrong.size - 1:,} 行）" if wrong.size > 1 else ""
        raise unusable_file(table.path, f"{found} where a LineString or MultiLineString is expected{others}",
                            f"几何类型为 {found}，应为 LineString 或 MultiLineString{others_zh}", row=row)
    notes = []
    if empty.any():
        notes.append(f"rows without a geometry, left out: {int(empty.sum()):,} "
                     f"({_rows_named(table.row_numbers[empty])})")
    closed = _closed_by_columns(table)
    if closed.any():
        notes.append(f"lines marked not walkable, left out: {int((closed & lines).sum()):,}")
    return lines & ~closed, notes


def _closed_by_columns(table: Table) -> Bools:
    """Rows whose `walkable` column says no or whose `foot` column forbids walking."""
    closed = np.zeros(len(table), dtype=bool)
    for position, header in enumerate(table.headers):
        name = normalise_header(header)
        if name == "walkable":
            closed |= _not_walkable(table, position)
        elif name == "foot":
            values = table.column(position).map(lambda v: "" if is_blank(v) else str(v).strip().lower())
            closed |= values.isin(FOOT_FORBIDS).to_numpy()
    return closed


def _not_walkable(table: Table, position: int) -> Bools:
    """The `walkable` column read as yes/no (blank is yes); an unreadable cell names file, row and column."""
    values, failures = parse_distinct(table.column(position), parse_bool)  # type: ignore[no-untyped-call]
    if failures:
        i = min(failures)
        raise unusable_file(table.path, failures[i].en, failures[i].zh, row=int(table.row_numbers[i]),
                            column=table.headers[position])
    return np.asarray(values == False, dtype=bool)  # noqa: E712 (None, a blank cell, is walkable)


def _to_wgs84(table: Table, lines: Geometries, crs: str | None) -> tuple[Geometries, str]:
    """The lines in WGS84 and the label of the system they came from.

    The file's own system wins; WGS84 and CGCS2000 files, and files without a
    system, are read in `crs` when given (data copied from Amap is GCJ-02
    however it is labelled). A file without any system whose coordinates do
    not fit longitude/latitude is refused: guessing a projection would put the
    roads anywhere.
    """
    file_crs = table.file_crs
    if isinstance(file_crs, CRS) and file_crs.to_epsg() not in (4326, 4490):
        epsg = file_crs.to_epsg()
        transformer = Transformer.from_crs(file_crs, CRS.from_epsg(4326), always_xy=True)

        def convert(xy: np.ndarray) -> np.ndarray:
            return np.column_stack(transformer.transform(xy[:, 0], xy[:, 1]))

        return shapely.transform(lines, convert), f"EPSG:{epsg}" if epsg else file_crs.name
    if crs is not None:
        system = file_crs_option(crs)
        return geometries_to_wgs84(lines, system), system.label
    if file_crs is None and not _looks_like_degrees(lines):
        raise UsageError(
            f"{table.path}: the file names no coordinate system and its coordinates are not longitude/latitude: "
            "give its system with --crs (e.g. EPSG:4547)",
            f"{table.path}：文件未注明坐标系，且坐标不是经纬度：请用 --crs 指明（如 EPSG:4547）")
    return lines, "wgs84"


def _looks_like_degrees(lines: Geometries) -> bool:
    xy = shapely.get_coordinates(lines)
    return bool(np.all(np.abs(xy[:, 0]) <= 180) and np.all(np.abs(xy[:, 1]) <= 90))


def _refuse(table: Table, rows: np.ndarray, faults: dict[int, Fault]) -> None:
    """A line with a vertex that is not a usable position refuses the file, naming the first such row."""
    if faults:
        first = min(faults)
        raise unusable_file(table.path, faults[first].en, faults[first].zh, row=int(rows[first]))


def _join(lines: Geometries, source: str, notes: tuple[str, ...]) -> RoadSegments:
    """Segments between consecutive vertices of every part; vertices in one 1e-7 degree cell are one node."""
    parts, _ = shapely.get_parts(lines, return_index=True)
    xy, part = shapely.get_coordinates(parts, return_index=True)
    cell_x = np.round(xy[:, 0] * _GRID).astype(np.int64) + 180 * _GRID  # 0 … 3.6e9
    cell_y = np.round(xy[:, 1] * _GRID).astype(np.int64) + 90 * _GRID
    keys = cell_x.astype(np.uint64) * np.uint64(1 << 32) + cell_y.astype(np.uint64)
    pair = np.flatnonzero(part[1:] == part[:-1])
    repeated = keys[pair] == keys[pair + 1]
    kept = pair[~repeated]
    if repeated.any():
        notes += ("vertices repeated in a row inside a line, skipped (no segment from a node to itself): "
                  f"{int(repeated.sum()):,}",)
    return number_segments(keys, xy[:, 0], xy[:, 1], kept, kept + 1, source=source, notes=notes)
