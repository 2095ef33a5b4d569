"""`planner check` end to end on a province, against a plain geopandas distance-only pipeline.

    .venv/bin/python bench/check.py            # 1,000,000 applicants; 100,000 outlets+stations; 50,000 areas
    .venv/bin/python bench/check.py --quick    # 100,000; 10,000; 5,000

Generates a registry in a SpatiaLite file (loaded with `planner import`) and an
applicant CSV with Chinese headers, then times, each in its own process:

- ours: `planner check applicants.csv -o out.csv` — read, convert, the yiwu
  rules, same-list conflicts, service and marginal population, write;
- peer: geopandas `read_csv`, `points_from_xy`, `to_crs` (Gauss-Krüger),
  two `sjoin_nearest` (outlets, stations) and `to_csv` — the distance part only;
- xlsx: `planner check` on a 10,000-row XLSX list.

Peak memory is each process's own (os.wait4); each command is timed as the
fastest of `--repeat` runs (default 2), the same for every side. Ours is timed
twice over: cold, its first run on the registry (the grid's sums are built and
kept, planner.sites.grid_cache), and warm, later runs on the same registry
version (the usual case: lists are checked many times between registry
changes). `speedup` is the warm figure; `speedup_cold` the first run's. On a sample
of 10,000 rows our nearest outlet and station distances must agree with
pyproj.Geod to 0.1 m, and wherever the peer picks another site, ours must not
be farther on the ellipsoid (by 1 mm); otherwise the exit code is 1.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

BIN = Path(sys.executable).parent
WEST, SOUTH = 103.0, 28.0



def _box(km: float):
    """A square of km × km starting at (WEST, SOUTH)."""
    dlat = km / 111.0
    dlon = km / (111.0 * np.cos(np.radians(SOUTH + dlat / 2)))
    return WEST, SOUTH, WEST + dlon, SOUTH + dlat


def _run(cmd, env=None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{cmd} failed: {proc.stderr.read().decode()}")
    return seconds, usage.ru_maxrss / 1024.0


def _best(cmd, env, repeat: int) -> tuple[float, float]:
    """Fastest of `repeat` runs (as timeit does) and the largest peak memory."""
    runs = [_run(cmd, env) for _ in range(repeat)]
    return min(r[0] for r in runs), max(r[1] for r in runs)


def generate(folder: Path, n_applicants: int, n_sites: int, n_areas: int, km: float, seed: int = 7):
    import geopandas as gpd
    import pandas as pd
    import shapely

    rng = np.random.default_rng(seed)
    west, south, east, north = _box(km)
    cols = int(np.sqrt(n_areas * (east - west) / (north - south)))
    rows = int(np.ceil(n_areas / cols))
    xs, ys = np.linspace(west, east, cols + 1), np.linspace(south, north, rows + 1)
    boxes, codes = [], []
    for r in range(rows):
        for c in range(cols):
            if len(boxes) < n_areas:
                boxes.append(shapely.box(xs[c], ys[r], xs[c + 1], ys[r + 1]))
                codes.append(f"A{len(boxes):06d}")
    areas = gpd.GeoDataFrame({"代码": codes, "名称": [f"{c}村" for c in codes], "级别": "村",
                              "人口": rng.integers(200, 3000, len(boxes))}, geometry=boxes, crs=4326)
    areas.to_file(folder / "areas.gpkg", layer="areas")

    def points(n):
        centres = np.column_stack([rng.uniform(west, east, 2000), rng.uniform(south, north, 2000)])
        k = int(n * 0.6)
        pick = centres[rng.integers(0, 2000, k)] + rng.normal(0, 0.02, (k, 2))
        rest = np.column_stack([rng.uniform(west, east, n - k), rng.uniform(south, north, n - k)])
        pts = np.vstack([pick, rest])
        return np.clip(pts[:, 0], west, east), np.clip(pts[:, 1], south, north)

    half = n_sites // 2
    lon, lat = points(half)
    pd.DataFrame({"机构号": [f"O{i}" for i in range(half)], "类型": "支局", "经度": lon.round(6),
                  "纬度": lat.round(6)}).to_csv(folder / "outlets.csv", index=False)
    lon, lat = points(half)
    pd.DataFrame({"机构号": [f"S{i}" for i in range(half)], "经度": lon.round(6),
                  "纬度": lat.round(6)}).to_csv(folder / "stations.csv", index=False)
    lon, lat = points(n_applicants)
    applicants = pd.DataFrame({
        "序号": [f"SQ{i:07d}" for i in range(n_applicants)], "店名": "便利店", "地址": "某县某镇某路",
        "经度": lon.round(6), "纬度": lat.round(6),
        "营业面积": rng.uniform(5, 80, n_applicants).round(1), "展示面积": rng.uniform(0.5, 4, n_applicants).round(1),
        "经营月数": rng.integers(1, 120, n_applicants), "户外标识位": rng.choice(["有", "无"], n_applicants),
        "通信线路": rng.choice(["有", "无"], n_applicants), "联系电话": "13800000000",
    })
    applicants.to_csv(folder / "applicants.csv", index=False)
    small = applicants.iloc[:10_000]
    small.to_excel(folder / "applicants.xlsx", index=False)
    return (west + east) / 2


PEER = """
import sys, geopandas as gpd, pandas as pd
folder, epsg = sys.argv[1], int(sys.argv[2])
df = pd.read_csv(f"{folder}/applicants.csv")
pts = gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df["经度"], df["纬度"]), crs=4326).to_crs(epsg)
for name in ("outlets", "stations"):
    s = pd.read_csv(f"{folder}/{name}.csv")
    sites = gpd.GeoDataFrame({name + "_id": s["机构号"]}, geometry=gpd.points_from_xy(s["经度"], s["纬度"]),
                             crs=4326).to_crs(epsg)
    pts = gpd.sjoin_nearest(pts, sites, distance_col=name + "_m").drop(columns="index_right")
    pts = pts[~pts.index.duplicated()]
pd.DataFrame(pts.drop(columns="geometry")).to_csv(f"{folder}/peer.csv", index=False)
"""


SAMPLE, MAX_ERR_M = 10_000, 0.1


def agreement(folder: Path) -> dict:
    """Our nearest distances against pyproj.Geod, and our picks against the peer's, on a sample of rows."""
    import pandas as pd
    from pyproj import Geod

    geod = Geod(ellps="WGS84")
    ours = pd.read_csv(folder / "out.csv", dtype={"nearest_outlet_id": str, "nearest_station_id": str})
    peer = pd.read_csv(folder / "peer.csv", dtype={"outlets_id": str, "stations_id": str})
    rows = np.random.default_rng(3).choice(len(ours), min(SAMPLE, len(ours)), replace=False)
    found = {"max_err_m": 0.0, "ours_farther": 0, "picks_differ": 0}
    for kind, table in (("outlet", "outlets"), ("station", "stations")):
        sites = pd.read_csv(folder / f"{table}.csv").set_index("机构号")
        mine, theirs = ours.iloc[rows], peer.iloc[rows]
        usable = mine[f"nearest_{kind}_id"].notna().to_numpy()
        lon, lat = mine["经度"].to_numpy()[usable], mine["纬度"].to_numpy()[usable]
        at = sites.loc[mine[f"nearest_{kind}_id"][usable]]
        metres = geod.inv(lon, lat, at["经度"].to_numpy(), at["纬度"].to_numpy())[2]
        found["max_err_m"] = max(found["max_err_m"],
                                 float(np.max(np.abs(mine[f"nearest_{kind}_m"].to_numpy()[usable] - metres))))
        other = sites.loc[theirs[f"{table}_id"][usable]]
        peer_metres = geod.inv(lon, lat, other["经度"].to_numpy(), other["纬度"].to_numpy())[2]
        found["ours_farther"] += int(np.sum(metres > peer_metres + 0.001))
        found["picks_differ"] += int(np.sum(mine[f"nearest_{kind}_id"].to_numpy()[usable]
                                            != theirs[f"{table}_id"].to_numpy()[usable]))
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--keep", help="keep the generated files in this folder")
    parser.add_argument("--repeat", type=int, default=2, help="runs per command; the fastest counts (default 2)")
    args = parser.parse_args()
    sizes = (100_000, 10_000, 5_000, 120.0) if args.quick else (1_000_000, 100_000, 50_000, 400.0)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        centre_lon = generate(folder, *sizes)
        epsg = 4534 + round((centre_lon - 75) / 3)
        db = str(folder / "registry.sqlite")
        planner = str(BIN / "planner")
        env = dict(os.environ, PLANNER_USER="bench")
        start = time.perf_counter()
        for kind, name in (("areas", "areas.gpkg"), ("branches", "outlets.csv"), ("stations", "stations.csv")):
            _run([planner, "import", kind, str(folder / name), "--db", db], env)
        load_s = time.perf_counter() - start
        env["PLANNER_CACHE_DIR"] = str(folder / "cache")
        ours = [planner, "check", str(folder / "applicants.csv"), "-o", str(folder / "out.csv"), "--db", db]
        cold_s, cold_mb = _run(ours, env)
        ours_s, ours_mb = _best(ours, env, args.repeat)
        peer_s, peer_mb = _best([sys.executable, "-c", PEER, str(folder), str(epsg)], env, args.repeat)
        xlsx_s, _ = _best([planner, "check", str(folder / "applicants.xlsx"), "-o",
                           str(folder / "out.xlsx"), "--db", db], env, args.repeat)
        import pandas as pd

        out = pd.read_csv(folder / "out.csv", usecols=["verdict"])
        counts = out["verdict"].value_counts().to_dict()
        agreed = agreement(folder)
    report = {"applicants": sizes[0], "sites": sizes[1], "areas": sizes[2], "registry_load_s": round(load_s, 1),
              "ours_s": round(ours_s, 2), "ours_peak_mb": round(ours_mb), "ours_cold_s": round(cold_s, 2),
              "ours_cold_peak_mb": round(cold_mb), "peer_s": round(peer_s, 2),
              "peer_peak_mb": round(peer_mb), "xlsx_10k_s": round(xlsx_s, 2), "verdicts": counts,
              "sample_agreement": agreed}
    print(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"RESULT speedup={peer_s / ours_s:.2f} speedup_cold={peer_s / cold_s:.2f} peak_mb={ours_mb:.0f} "
          f"cold_peak_mb={cold_mb:.0f} xlsx_10k_s={xlsx_s:.2f} ours_s={ours_s:.2f} ours_cold_s={cold_s:.2f} "
          f"peer_s={peer_s:.2f} max_err_m={agreed['max_err_m']:.2g}")
    if agreed["max_err_m"] > MAX_ERR_M or agreed["ours_farther"]:
        print(f"ours must agree with pyproj.Geod to {MAX_ERR_M} m and never pick a farther site than the peer")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
