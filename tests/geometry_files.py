"""Files with impossible coordinates and shapes, in every format a door takes.

Each writer puts a good row first and the bad one second, so a test can check
that the bad row is named (row 3 in a spreadsheet, feature 2 in a GIS file)
and that the good one was not loaded either.
"""

from __future__ import annotations

import json
import math
import struct

import geopandas as gpd
import numpy as np
import shapely

from tests.file_support import write_xlsx

GOOD = (116.628, 40.1035)  # inside the small registry's district, far from its sites

# name: (lon, lat, what the refusal says)
BAD_POSITIONS = {
    "nan": (math.nan, 40.1, "not a finite"),
    "inf": (math.inf, 40.1, "not a finite"),
    "1e308": (1e308, 1e308, "is not a longitude/latitude in degrees"),
    "lon200": (200.0, 40.1, "is not a longitude/latitude in degrees"),
    "lat-95": (116.6, -95.0, "is not a longitude/latitude in degrees"),
    "swapped": (40.1035, 116.628, "look swapped"),
}
POINT_FORMATS = ("csv", "xlsx", "geojson", "gpkg", "shp")
GIS_FORMATS = ("geojson", "gpkg", "shp")


def bad_row(fmt: str) -> int:
    """The row (spreadsheet) or feature number (GIS) of the bad entry in files written here."""
    return 3 if fmt in ("csv", "xlsx") else 2


def bad_column(fmt: str, name: str) -> str:
    if fmt in GIS_FORMATS:
        return "geometry"
    return "经度" if name in ("nan", "inf") else "经度/纬度"


def write_points(path, points, *, codes=None):
    """Points (lon, lat) as a file of the path's format, codes C1, C2, …; non-finite values kept."""
    fmt = str(path).rsplit(".", 1)[-1]
    codes = codes or [f"C{i + 1}" for i in range(len(points))]
    if fmt == "csv":
        lines = ["机构号,名称,经度,纬度"] + [f"{c},店{c},{x!r},{y!r}" for c, (x, y) in zip(codes, points)]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path
    if fmt == "xlsx":
        def cell(v):
            return v if math.isfinite(v) else repr(v)  # Excel has no NaN: people type it as text

        return write_xlsx(path, ["机构号", "名称", "经度", "纬度"],
                          [[c, f"店{c}", cell(x), cell(y)] for c, (x, y) in zip(codes, points)])
    return write_shapes(path, [shapely.Point(x, y) for x, y in points], codes=codes)


def write_shapes(path, geoms, *, codes=None, crs=4326):
    """Geometries (None allowed) as GeoJSON (NaN and Infinity written as such), GeoPackage or Shapefile."""
    fmt = str(path).rsplit(".", 1)[-1]
    codes = codes or [f"C{i + 1}" for i in range(len(geoms))]
    props = [{"code": c, "name": f"{c}村", "level": "村", "population": 100} for c in codes]
    if fmt == "geojson":
        features = [{"type": "Feature", "properties": p,
                     "geometry": None if g is None else shapely.geometry.mapping(g)} for p, g in zip(props, geoms)]
        path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
        return path
    if fmt == "shp":
        return _write_shapefile(path, geoms, props, crs)
    frame = gpd.GeoDataFrame(props, geometry=list(geoms), crs=crs)
    frame.to_file(path)
    return path


def _write_shapefile(path, geoms, props, crs):
    """GDAL refuses to write non-finite coordinates: write zeros, then put the real doubles in place."""
    finite = [g if g is None or _finite(g) else shapely.Point(0, 0) for g in geoms]
    gpd.GeoDataFrame(props, geometry=finite, crs=crs).to_file(path)
    patches = [(k, g) for k, g in enumerate(geoms) if g is not None and not _finite(g)]
    if patches:
        assert all(g.geom_type == "Point" for g in geoms if g is not None), "only point files are patched"
        data = bytearray(path.read_bytes())
        for k, g in patches:  # 100-byte header, then 28-byte point records: 8 header, 4 type, x, y
            struct.pack_into("<dd", data, 100 + 28 * k + 12, g.x, g.y)
        path.write_bytes(bytes(data))
    return path


def _finite(geom) -> bool:
    return bool(np.isfinite(shapely.get_coordinates(geom)).all())


BOW_TIE = shapely.Polygon([(116.60, 40.10), (116.62, 40.12), (116.62, 40.10), (116.60, 40.12), (116.60, 40.10)])
HUGE = shapely.Polygon([(-1e308, -1e308), (1e308, -1e308), (1e308, 1e308), (-1e308, 1e308), (-1e308, -1e308)])
FLAT = shapely.Polygon([(116.60, 40.10), (116.61, 40.11), (116.62, 40.12), (116.60, 40.10)])  # no area
AREA = shapely.box(116.60, 40.10, 116.62, 40.12)
