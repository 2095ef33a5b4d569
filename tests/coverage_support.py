"""A small district whose coverage can be worked out by hand (metric squares around 116.6°E, 40.1°N)."""

from __future__ import annotations

import csv

import geopandas as gpd
import shapely

from planner.files.imports import prepare_import
from planner.registry.tables import load_records

CRS = 4548  # CGCS2000 / 3-degree GK CM 117E
X0, Y0 = 465_000.0, 4_440_000.0


def square(cx, cy, half):
    return shapely.box(X0 + cx - half, Y0 + cy - half, X0 + cx + half, Y0 + cy + half)


def to_lonlat(x, y):
    point = gpd.GeoSeries([shapely.Point(X0 + x, Y0 + y)], crs=CRS).to_crs(4326).iloc[0]
    return point.x, point.y


AREAS = [
    # code, name, level, population, geometry (metres from X0, Y0), parent
    ("V1", "近站村", "village", 900, square(0, 0, 150), "T1"),          # around the branch: fully covered
    ("V2", "远村", "village", 2000, square(5000, 0, 400), "T1"),        # 5 km from everything: no service
    ("V3", "大社区", "community", 40000, square(0, 3000, 1000), "T1"),  # a station at its centre
    ("V4", "环形村", "village", 1600, square(-3000, 0, 600).difference(square(-3000, 0, 200)), "T2"),
    ("V5", "洞中社区", "community", 400, square(-3000, 0, 200), "T2"),   # fills V4's hole
    ("V6", "小组", "village", 30, square(20, 20, 20), "T1"),              # smaller than a cell, near the branch
    ("T1", "甲镇", "township", 42930, square(0, 1500, 6000), ""),
    ("T2", "乙街道", "subdistrict", 2000, square(-3000, 0, 700), ""),
]
SITES = {  # code: (kind or status, x, y)
    "O1": ("branch", 0, 0), "O2": ("agency", 5000, 0),       # the agency does not count in yiwu
    "S1": ("open", 0, 3000), "S2": ("listed_for_exit", -3000, 0), "S3": ("closed", 5000, 100),
}
CANDIDATES = {"C1": ("submitted", 5000, 300), "C2": ("rejected", 5100, 0)}


def load_district(engine, folder):
    areas = gpd.GeoDataFrame(
        {"代码": [a[0] for a in AREAS], "名称": [a[1] for a in AREAS], "级别": [a[2] for a in AREAS],
         "人口": [a[3] for a in AREAS], "所属": [a[5] for a in AREAS]},
        geometry=[a[4] for a in AREAS], crs=CRS)
    areas.to_file(folder / "areas.gpkg", layer="areas")

    def write(name, header, rows):
        with open(folder / name, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)

    write("outlets.csv", ["机构号", "类型", "经度", "纬度"],
          [[c, k, *to_lonlat(x, y)] for c, (k, x, y) in SITES.items() if c.startswith("O")])
    write("stations.csv", ["机构号", "状态", "经度", "纬度"],
          [[c, k, *to_lonlat(x, y)] for c, (k, x, y) in SITES.items() if c.startswith("S")])
    write("candidates.csv", ["序号", "状态", "经度", "纬度"],
          [[c, k, *to_lonlat(x, y)] for c, (k, x, y) in CANDIDATES.items()])
    for kind, name in (("areas", "areas.gpkg"), ("branches", "outlets.csv"), ("stations", "stations.csv"),
                       ("candidates", "candidates.csv")):
        load_records(engine, prepare_import(folder / name, kind), actor="test")
    return engine
