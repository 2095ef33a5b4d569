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


BLOCK = 1500.0  # metres: the random district is 6 × 3 blocks, 9 km × 4.5 km


def write_csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([header, *rows])
    return path


def write_block_areas(folder, rng, *, margin_m: float, jitter_m: float, extra=()):
    """6 × 3 blocks of random people (villages and communities in two townships), each a square inset by
    `margin_m` plus up to `jitter_m`, a 30 m hamlet (smaller than a cell) and the `extra` rows (code, name,
    level, people, geometry, parent), written to folder/areas.gpkg."""
    rows = []
    for i in range(6):
        for j in range(3):
            level = "village" if rng.random() < 0.6 else "community"
            people = int(rng.integers(0, 9000))
            half = BLOCK / 2 - margin_m - rng.uniform(0, jitter_m)
            rows.append((f"A{i}{j}", f"区{i}{j}", level, people, square((i + 0.5) * BLOCK, (j + 0.5) * BLOCK, half),
                         "T1" if i < 3 else "T2"))
    rows.append(("H1", "小组", "village", 37, square(2 * BLOCK + 15, BLOCK + 15, 15), "T1"))
    rows += list(extra)
    rows += [("T1", "甲镇", "township", 0, square(2.25 * BLOCK, 2.25 * BLOCK, 2.25 * BLOCK), ""),
             ("T2", "乙镇", "township", 0, square(6.75 * BLOCK, 2.25 * BLOCK, 2.25 * BLOCK), "")]
    areas = gpd.GeoDataFrame({"代码": [r[0] for r in rows], "名称": [r[1] for r in rows],
                              "级别": [r[2] for r in rows], "人口": [r[3] for r in rows],
                              "所属": [r[5] for r in rows]}, geometry=[r[4] for r in rows], crs=CRS)
    areas.to_file(folder / "areas.gpkg", layer="areas")
    return folder / "areas.gpkg"


def load_files(engine, areas, files: dict):
    """Import the areas file, then each kind's file."""
    load_records(engine, prepare_import(areas, "areas"), actor="test")
    for kind, path in files.items():
        load_records(engine, prepare_import(path, kind), actor="test")
    return engine
