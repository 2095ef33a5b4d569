"""Read any road file a user brings: an OpenStreetMap extract or a line layer, told apart by its name.

The one door for `planner import network`: it refuses what it cannot read
(a missing file, an unknown kind) and a file in which nothing is walkable, so
an import never replaces a network with an empty one.
"""

from __future__ import annotations

from pathlib import Path

from planner.config import unusable_file
from planner.errors import UsageError
from planner.files.tables import GIS_SUFFIXES
from planner.roads.lines import read_line_layer
from planner.roads.osm import osm_format, read_osm
from planner.roads.progress import Progress
from planner.roads.segments import RoadSegments

__all__ = ["read_road_file"]


def read_road_file(path: str | Path, crs: str | None = None, progress: Progress | None = None) -> RoadSegments:
    """The walkable segments of `path` (.pbf/.osm, or .gpkg/.shp/.geojson/.json/.zip in any CRS).

    `crs` applies to line layers that name no system (or name WGS84 but hold
    GCJ-02 or BD-09); OpenStreetMap data is WGS84 by definition.
    `progress(stage, done, total)` is called as each of the reader's stages starts.
    """
    path = Path(path)
    if not path.is_file():
        raise unusable_file(path, "file not found", "文件不存在")
    if osm_format(path) is not None:
        segments = read_osm(path, progress=progress)
    elif path.suffix.lower() in GIS_SUFFIXES:
        segments = read_line_layer(path, crs=crs, progress=progress)
    else:
        raise unusable_file(
            path,
            f"not a road network file {path.suffix!r} (use OpenStreetMap .pbf or .osm, or a line layer: "
            ".gpkg, .shp, .geojson)",
            f"不是道路网络文件 {path.suffix!r}（请使用 OpenStreetMap 的 .pbf 或 .osm 文件，或线图层："
            ".gpkg、.shp、.geojson）",
        )
    if segments.edges == 0:
        raise UsageError(f"{path.name} has no walkable lines", f"{path.name} 中没有可步行的道路")
    return segments
