"""The whole country: a synthetic national registry and applicant list, imported, then checked and covered.

    .venv/bin/python bench/national.py            # 10,000,000 applicants; 54,000 outlets; 400,000 stations;
                                                  # 600,000 villages and communities; 1.4 bn people
    .venv/bin/python bench/national.py --quick    # the same country at 1/50 of the counts (same 1.4 bn people)
    .venv/bin/python bench/national.py --keep /tmp/national    # keep the generated files there

--quick keeps the country's extent, so its grid is the national one: check and coverage are stopped after
20 s there (give --limit-s 400 to let them run; about 2–4 minutes each on 2 cores).

Everything is synthetic; nothing is read from real data. The shapes:

- the country: a rough hand-drawn outline of the mainland and Hainan (about 60 vertices, `OUTLINE`) in the box
  73–135 °E, 18–54 °N; nothing lives outside it;
- where people live: Gaussian blobs in longitude/latitude for the dense belts (`BELTS`: the North China Plain,
  the Yangtze delta and middle Yangtze, the Pearl River delta, the Sichuan basin, the north-east plain, the south
  coast and south-west, Guanzhong, a few oases in the west), a few hundred small city peaks drawn from those
  belts, and a thin background that fades westward (e^((lon − 122)/7)), so the far west is nearly empty; all on
  a raster of 1/64° and scaled to 1.4 bn people;
- villages and communities (`areas.gpkg`): the leaves of a quadtree over that raster, split from 1° cells down
  to 1/64° (~1.6 km) while a cell holds more people than a target chosen so that there are exactly as many
  leaves as areas asked for: small where dense, tens of kilometres across in the west; leaves with fewer
  than 0.5 people/km² are empty land, not areas. Each gets the raster's people times a log-normal factor
  (summing to 1.4 bn), 级别 社区 where over 1,500 people/km² else 村, and 所属 the code of its township (the 1/8° cell
  it lies in; townships themselves are not areas here);
- outlets (`outlets.csv`, 类型 支局), stations (`stations.csv`) and applicants (`applicants.csv`, the columns
  bench/check.py writes): each in an area drawn in proportion to its people, uniformly inside it. The
  applicant CSV is written in chunks of 1 M rows.

Then, each as a child process whose memory (every process of its tree, polled) and wall clock are watched:
`planner import areas|branches|stations` into a SpatiaLite file (timed; a failure is exit code 1), then
`planner check applicants.csv --workers 2` and `planner coverage --workers 2` (20 minutes each, 20 s with
--quick; a run whose processes hold more than --max-mb together, 8,000 MB by default, file-backed pages
aside, is killed so that a shared machine survives it). Peak memory is each process's largest RSS seen, and
RSS less file-backed pages (memory-mapped grid sums): the caller's and that of the largest other process of
its tree (Dask workers, nannies); peak_worker_mb is the RSS one. The 100 m grid of the whole country is beyond
what the tool accepts today: a refusal or failure of those two is reported with the tool's own message, not
an error. It also prints the size of the national 100 m grid the tool would need (rows × cols of the areas'
box in the Gauss-Krüger plane planner.spatial.crs.metric_crs_for picks, with the profile's margin) and how
many of its cells hold people once each area's are spread evenly over its cells, as planner does without a
population raster.

Each partition's own time (a check's strips, coverage's bands or tiles) is read from the run's log
(PLANNER_LOG_LEVEL=INFO), and the time 8, 32 and 128 workers would take is simulated from them: the run's
serial part (its wall clock less the partitions' makespan on its 2 workers) plus the partitions spread
longest first. bench/scale.py runs this case too, beside the province.
"""

from __future__ import annotations

import argparse
import heapq
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

BIN = Path(sys.executable).parent
WEST, SOUTH, EAST, NORTH = 73.0, 18.0, 135.0, 54.0
RES = 64  # raster cells per degree
TOWNSHIP = 8  # a township is the 1/8° block a village lies in
PEOPLE = 1.4e9
URBAN_PER_KM2 = 1500.0
EMPTY_PER_KM2 = 0.5  # land with fewer people is nobody's village here (deserts, high plateau)
CHUNK = 1_000_000
CELL_M = 100.0
FULL = {"applicants": 10_000_000, "outlets": 54_000, "stations": 400_000, "areas": 600_000}
# The tool's limits for user files, raised as a national office would (planner.config).
LIMITS = {"PLANNER_MAX_ROWS": "20000000", "PLANNER_MAX_CELLS": "400000000", "PLANNER_MAX_FILE_MB": "4000"}

OUTLINE = [(73.5, 39.5), (75.0, 37.0), (78.0, 35.5), (79.5, 32.5), (78.8, 31.0), (81.0, 30.0), (85.0, 28.3),
           (88.0, 27.9), (92.0, 27.8), (97.0, 28.3), (98.5, 25.0), (97.5, 24.0), (99.5, 22.0), (101.5, 21.2),
           (106.5, 22.5), (108.0, 21.5), (110.0, 20.2), (111.0, 21.4), (113.5, 22.2), (117.0, 23.5), (119.5, 25.5),
           (121.5, 28.0), (122.0, 30.8), (120.8, 32.5), (119.3, 35.0), (122.5, 37.0), (121.0, 37.8), (118.0, 38.5),
           (121.0, 40.7), (124.3, 40.0), (128.0, 41.5), (130.5, 42.5), (131.2, 45.0), (134.8, 48.3), (130.5, 48.9),
           (127.5, 50.0), (125.0, 53.0), (121.0, 53.3), (119.5, 50.0), (116.0, 49.8), (117.5, 46.5), (112.0, 45.0),
           (111.0, 43.5), (107.0, 42.5), (101.5, 42.5), (96.5, 42.8), (95.5, 44.3), (91.0, 45.5), (90.5, 47.5),
           (87.5, 49.1), (85.5, 47.0), (82.5, 45.3), (80.0, 42.5), (76.0, 40.5)]
HAINAN = [(108.6, 19.2), (109.6, 18.2), (111.0, 19.6), (110.5, 20.1), (109.5, 20.0)]
# (lon, lat, sd lon, sd lat, share of the people): the dense belts and a few western oases.
BELTS = [(116.0, 36.0, 2.0, 2.3, 0.20), (116.8, 39.5, 0.8, 0.6, 0.04), (120.5, 31.2, 1.2, 0.9, 0.10),
         (113.5, 29.5, 2.0, 1.5, 0.10), (113.3, 23.0, 1.0, 0.7, 0.07), (105.0, 30.0, 1.5, 1.2, 0.09),
         (125.0, 44.0, 2.5, 3.0, 0.06), (118.5, 26.5, 1.2, 1.5, 0.04), (106.5, 25.0, 3.0, 1.8, 0.07),
         (108.9, 34.3, 1.2, 0.6, 0.03), (103.5, 36.5, 2.5, 1.0, 0.015), (87.6, 43.8, 1.5, 0.7, 0.008),
         (77.0, 39.0, 1.2, 1.0, 0.005), (91.0, 29.6, 1.0, 0.4, 0.002)]
CITIES, CITY_SHARE, CITY_SD = 300, 0.15, 0.08
BACKGROUND_SHARE = 0.08


# --- the people -------------------------------------------------------------------------------------------------

def _axes():
    lon = WEST + (np.arange(int((EAST - WEST) * RES)) + 0.5) / RES
    lat = NORTH - (np.arange(int((NORTH - SOUTH) * RES)) + 0.5) / RES  # row 0 is the north
    return lon, lat


def _inside_outline(lon, lat) -> np.ndarray:
    """The country mask on the raster, tested at 1/16° and repeated (fast, and rough anyway)."""
    import shapely

    country = shapely.MultiPolygon([shapely.Polygon(OUTLINE), shapely.Polygon(HAINAN)])
    shapely.prepare(country)
    step = 4
    x, y = np.meshgrid(lon[::step], lat[::step])
    coarse = shapely.contains_xy(country, x, y)
    return np.repeat(np.repeat(coarse, step, axis=0), step, axis=1)[:len(lat), :len(lon)]


def _blob(lon, lat, x, y, sx, sy) -> np.ndarray:
    """A normalised Gaussian as an outer product (rows: lat, cols: lon)."""
    gx, gy = np.exp(-0.5 * ((lon - x) / sx) ** 2), np.exp(-0.5 * ((lat - y) / sy) ** 2)
    return np.outer(gy / max(gy.sum(), 1e-300), gx / max(gx.sum(), 1e-300))


def people_raster(rng) -> np.ndarray:
    """People per 1/64° cell, summing to PEOPLE: belts, city peaks, a westward-fading background, the outline."""
    lon, lat = _axes()
    inside = _inside_outline(lon, lat)
    belts = np.zeros((len(lat), len(lon)))
    for x, y, sx, sy, share in BELTS:
        belts += share * _blob(lon, lat, x, y, sx, sy)
    belts *= inside
    weights = np.array([b[4] for b in BELTS])
    picked = rng.choice(len(BELTS), CITIES, p=weights / weights.sum())
    spots = np.array(BELTS)[picked]
    cities = np.zeros_like(belts)
    half = int(4 * CITY_SD * RES)
    for x, y in zip(rng.normal(spots[:, 0], spots[:, 2]), rng.normal(spots[:, 1], spots[:, 3])):
        c, r = int((x - WEST) * RES), int((NORTH - y) * RES)
        r0, r1, c0, c1 = max(r - half, 0), min(r + half, len(lat)), max(c - half, 0), min(c + half, len(lon))
        if r0 < r1 and c0 < c1:
            cities[r0:r1, c0:c1] += rng.lognormal(0, 1) * _blob(lon[c0:c1], lat[r0:r1], x, y, CITY_SD, CITY_SD)
    cities *= inside
    cell_km2 = (111.32 / RES) * (110.57 / RES) * np.cos(np.radians(lat))[:, None]
    background = inside * np.exp((lon[None, :] - 122.0) / 7.0) * cell_km2
    share = 1.0 - BACKGROUND_SHARE - CITY_SHARE
    raster = (share * belts / belts.sum() + CITY_SHARE * cities / max(cities.sum(), 1e-300)
              + BACKGROUND_SHARE * background / background.sum())
    return raster * (PEOPLE / raster.sum())


# --- villages and communities -----------------------------------------------------------------------------------

def _leaves(table: np.ndarray, target: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Quadtree leaves (row, col, size in raster cells) holding at most `target` people, empty land dropped."""
    rows, cols = table.shape[0] - 1, table.shape[1] - 1
    r, c = np.meshgrid(np.arange(0, rows, RES), np.arange(0, cols, RES), indexing="ij")
    r, c, size = r.ravel(), c.ravel(), np.full(r.size, RES)
    kept = []
    while r.size:
        people = table[r + size, c + size] - table[r, c + size] - table[r + size, c] + table[r, c]
        split = (people > target) & (size > 1)
        km2 = (111.32 * size / RES) * (110.57 * size / RES) * np.cos(np.radians(NORTH - (r + size / 2) / RES))
        leaf = ~split & (people >= EMPTY_PER_KM2 * km2)
        kept.append((r[leaf], c[leaf], size[leaf]))
        h = size[split] // 2
        r = np.concatenate([r[split], r[split] + h, r[split], r[split] + h])
        c = np.concatenate([c[split], c[split], c[split] + h, c[split] + h])
        size = np.tile(h, 4)
    return tuple(np.concatenate(part) for part in zip(*kept))


def village_cells(raster: np.ndarray, n_areas: int):
    """Exactly `n_areas` leaves: the target found by bisection, then the emptiest leaves over the count dropped."""
    table = np.zeros((raster.shape[0] + 1, raster.shape[1] + 1))
    table[1:, 1:] = raster.cumsum(0).cumsum(1)
    low, high = np.log(PEOPLE / n_areas / 100), np.log(PEOPLE)
    for _ in range(40):
        mid = (low + high) / 2
        if len(_leaves(table, np.exp(mid))[0]) >= n_areas:
            low = mid
        else:
            high = mid
    r, c, size = _leaves(table, np.exp(low))
    people = table[r + size, c + size] - table[r, c + size] - table[r + size, c] + table[r, c]
    keep = np.sort(np.argsort(-people, kind="stable")[:n_areas])
    return r[keep], c[keep], size[keep], people[keep]


def areas_frame(raster: np.ndarray, n_areas: int, rng):
    """The villages and communities as a GeoDataFrame (WGS84 boxes) with 代码, 名称, 级别, 人口, 所属."""
    import geopandas as gpd
    import pandas as pd
    import shapely

    r, c, size, expected = village_cells(raster, n_areas)
    west, north = WEST + c / RES, NORTH - r / RES
    east, south = west + size / RES, north - size / RES
    people = expected * rng.lognormal(0, 0.3, len(expected))
    people = np.maximum(1, np.round(people * (PEOPLE / people.sum()))).astype(np.int64)
    km2 = (east - west) * 111.32 * (north - south) * 110.57 * np.cos(np.radians((north + south) / 2))
    township = (r // TOWNSHIP) * (raster.shape[1] // TOWNSHIP) + c // TOWNSHIP
    order = np.lexsort((c, r, township))
    rank = pd.Series(township[order]).groupby(township[order]).cumcount().to_numpy()
    serial = np.empty_like(rank)
    serial[order] = rank + 1
    parent = np.char.add("1", np.char.zfill(township.astype(str), 8))
    code = np.char.add(parent, np.char.zfill(serial.astype(str), 3))
    urban = people / km2 > URBAN_PER_KM2
    level = np.where(urban, "社区", "村")
    return gpd.GeoDataFrame({"代码": code, "名称": np.char.add(code, level), "级别": level, "人口": people,
                             "所属": parent}, geometry=shapely.box(west, south, east, north), crs=4326)


# --- sites and applicants ---------------------------------------------------------------------------------------

def _points(bounds: np.ndarray, cumulative: np.ndarray, n: int, rng) -> tuple[np.ndarray, np.ndarray]:
    """n points, each in an area drawn in proportion to its people, uniform inside it."""
    pick = np.minimum(np.searchsorted(cumulative, rng.uniform(0, cumulative[-1], n)), len(cumulative) - 1)
    b = bounds[pick]
    return (np.round(rng.uniform(b[:, 0], b[:, 2]), 6), np.round(rng.uniform(b[:, 1], b[:, 3]), 6))


def _applicant_chunk(start: int, n: int, bounds, cumulative, rng):
    import pandas as pd

    lon, lat = _points(bounds, cumulative, n, rng)
    return pd.DataFrame({
        "序号": np.char.add("SQ", np.char.zfill(np.arange(start, start + n).astype(str), 8)), "店名": "便利店",
        "地址": "某县某镇某路", "经度": lon, "纬度": lat,
        "营业面积": rng.uniform(5, 80, n).round(1), "展示面积": rng.uniform(0.5, 4, n).round(1),
        "经营月数": rng.integers(1, 120, n), "户外标识位": rng.choice(["有", "无"], n),
        "通信线路": rng.choice(["有", "无"], n), "联系电话": "13800000000",
    })


def generate(folder: Path, counts: dict, seed: int = 14) -> dict:
    """Write areas.gpkg, outlets.csv, stations.csv and applicants.csv into `folder`; what was written."""
    import pandas as pd

    rng = np.random.default_rng(seed)
    areas = areas_frame(people_raster(rng), counts["areas"], rng)
    areas.to_file(folder / "areas.gpkg", layer="areas", engine="pyogrio")
    bounds = areas.bounds.to_numpy()
    cumulative = np.cumsum(areas["人口"].to_numpy(dtype=float))
    for name, prefix, kind in (("outlets", "O", "支局"), ("stations", "S", None)):
        n = counts[name]
        lon, lat = _points(bounds, cumulative, n, rng)
        table = pd.DataFrame({"机构号": np.char.add(prefix, np.arange(n).astype(str)), "经度": lon, "纬度": lat})
        if kind:
            table.insert(1, "类型", kind)
        table.to_csv(folder / f"{name}.csv", index=False)
    target = folder / "applicants.csv"
    for start in range(0, counts["applicants"], CHUNK):
        chunk = _applicant_chunk(start, min(CHUNK, counts["applicants"] - start), bounds, cumulative, rng)
        chunk.to_csv(target, mode="a" if start else "w", header=not start, index=False)
    return {"people": int(areas["人口"].sum()), "communities": int((areas["级别"] == "社区").sum()),
            "townships": int(areas["所属"].nunique()), "areas": areas}


def national_grid(areas, margin_m: float) -> tuple[int, int, int, str]:
    """Rows, cols and populated cells of the 100 m grid planner would build for `areas`, and its CRS."""
    import geopandas as gpd

    from planner.spatial.crs import metric_crs_for

    centres = areas.geometry.representative_point()
    crs = metric_crs_for(centres.x.to_numpy(), centres.y.to_numpy())
    projected = gpd.GeoSeries(areas.geometry.values, crs=4326).to_crs(crs)
    west, south, east, north = projected.total_bounds
    cols = round(np.ceil((east + margin_m) / CELL_M) - np.floor((west - margin_m) / CELL_M))
    rows = round(np.ceil((north + margin_m) / CELL_M) - np.floor((south - margin_m) / CELL_M))
    # The areas do not overlap and every one has people, which planner spreads evenly over the cells whose centre
    # lies in the area: the populated cells are the areas' surface in cells (empty land has no area).
    populated = round(float(projected.area.sum()) / CELL_M ** 2)
    return int(rows), int(cols), populated, crs.to_string()


# --- running the tool -------------------------------------------------------------------------------------------

@dataclass
class Run:
    """One child process: how it ended, how long it took, and the peak memory of its caller and of the largest
    other process of its tree: RSS, and RSS less its file-backed pages (memory-mapped files such as the kept
    grid sums are counted in RSS but are page cache the system can take back)."""

    name: str
    status: str = "ok"
    seconds: float = 0.0
    caller_mb: tuple[float, float] = (0.0, 0.0)
    others_mb: tuple[float, float] = (0.0, 0.0)
    processes: int = 1
    message: list[str] = field(default_factory=list)
    log: list[str] = field(default_factory=list)  # every line of its stderr


def _tree_memory(root) -> dict[int, tuple[float, float]]:
    """RSS and RSS less file-backed pages (MB) of every process of the tree under `root`."""
    import psutil

    found = {}
    try:
        for proc in [root, *root.children(recursive=True)]:
            try:
                info = proc.memory_info()
                found[proc.pid] = (info.rss / 2 ** 20, (info.rss - info.shared) / 2 ** 20)
            except psutil.Error:
                pass
    except psutil.Error:
        pass
    return found


def run_watched(name: str, cmd: list[str], env: dict, folder: Path, limit_s: float, max_mb: float) -> Run:
    """Run `cmd` in its own process group; kill the group past `limit_s` or when the tree holds over `max_mb`
    of memory that is not file-backed."""
    import psutil

    run, log = Run(name), folder / f"{name}.stderr"
    start = time.perf_counter()
    with open(log, "wb") as err:
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
    root, seen = psutil.Process(proc.pid), {}
    while proc.poll() is None:
        now = _tree_memory(root)
        for pid, (rss, anon) in now.items():
            old = seen.get(pid, (0.0, 0.0))
            seen[pid] = (max(old[0], rss), max(old[1], anon))
        over = sum(anon for _, anon in now.values()) > max_mb
        if over or time.perf_counter() - start > limit_s:
            run.status = f"killed: over {max_mb:,.0f} MB" if over else f"killed: over {limit_s:.0f} s"
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            break
        time.sleep(0.2)
    run.seconds = time.perf_counter() - start
    if run.status == "ok" and proc.returncode != 0:
        run.status = f"exit {proc.returncode}"
    run.caller_mb = seen.pop(proc.pid, (0.0, 0.0))
    run.processes = 1 + len(seen)
    run.others_mb = (max((m[0] for m in seen.values()), default=0.0), max((m[1] for m in seen.values()), default=0.0))
    run.log = [line for line in log.read_text(errors="replace").splitlines() if line.strip()]
    run.message = [line for line in run.log if not _PART.search(line)][-4:]
    return run


def import_registry(folder: Path, db: str, env: dict, limit_s: float, max_mb: float) -> list[Run]:
    planner = str(BIN / "planner")
    runs = []
    for kind, name in (("areas", "areas.gpkg"), ("branches", "outlets.csv"), ("stations", "stations.csv")):
        runs.append(run_watched(f"import_{kind}", [planner, "import", kind, str(folder / name), "--db", db],
                                env, folder, limit_s, max_mb))
        if runs[-1].status != "ok":
            break
    return runs


def national_runs(folder: Path, db: str, env: dict, limit_s: float, max_mb: float) -> list[Run]:
    planner = str(BIN / "planner")
    check = [planner, "check", str(folder / "applicants.csv"), "-o", str(folder / "out.csv"), "--db", db,
             "--workers", "2"]
    coverage = [planner, "coverage", "-o", str(folder / "cov.csv"), "--db", db, "--workers", "2"]
    return [run_watched("check", check, env, folder, limit_s, max_mb),
            run_watched("coverage", coverage, env, folder, limit_s, max_mb)]


# --- the report -------------------------------------------------------------------------------------------------

def _mb(path: Path) -> str:
    return f"{path.stat().st_size / 2 ** 20:,.1f} MB" if path.exists() else "-"


def report(folder: Path, counts: dict, made: dict, generate_s: float, imports: list[Run], runs: list[Run],
           grid: tuple[int, int, int, str]) -> None:
    import resource

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"generated in {generate_s:.1f} s (this process's peak {peak_mb:,.0f} MB): {counts['areas']:,} areas "
          f"({made['communities']:,} 社区, {made['townships']:,} townships as 所属), {made['people']:,} people, "
          f"{counts['outlets']:,} outlets, {counts['stations']:,} stations, {counts['applicants']:,} applicants")
    for name in ("areas.gpkg", "outlets.csv", "stations.csv", "applicants.csv"):
        print(f"  {name:<15} {_mb(folder / name)}")
    rows, cols, populated, crs = grid
    print(f"national {CELL_M:g} m grid in {crs}: {rows:,} rows × {cols:,} cols = {rows * cols:,} cells, "
          f"{populated:,} hold people when each area's are spread evenly ({100 * populated / (rows * cols):.1f} %)")
    print("peak MB: RSS / RSS less file-backed pages")
    print(f"{'run':<16}{'status':<26}{'seconds':>9}{'caller MB':>15}{'largest other MB':>18}{'procs':>7}")
    for run in imports + runs:
        caller, other = "{:,.0f} / {:,.0f}".format(*run.caller_mb), "{:,.0f} / {:,.0f}".format(*run.others_mb)
        print(f"{run.name:<16}{run.status:<26}{run.seconds:>9.1f}{caller:>15}{other:>18}{run.processes:>7}")
        if run.status != "ok":
            for line in run.message or ["(nothing on stderr)"]:
                print(f"    | {line[:300]}")


# --- per-partition times, and more workers simulated from them --------------------------------------------------

_PART = re.compile(r"(strips|bands|tiles) (\d+)/(\d+): ([0-9.]+) s")


def partition_seconds(run: Run) -> list[float]:
    """Each partition's own time on its worker, from the run's log (planner.tasks logs one line per partition
    at PLANNER_LOG_LEVEL=INFO)."""
    return [float(m.group(4)) for m in map(_PART.search, run.log) if m]


def makespan(seconds: list[float], workers: int) -> float:
    """Longest-first spread of the partitions over `workers` (what a scheduler achieves at best, about)."""
    loads = [0.0] * workers
    for s in sorted(seconds, reverse=True):
        heapq.heapreplace(loads, loads[0] + s)
    return max(loads)


def simulated(run: Run, workers: int = 2, more=(8, 32, 128)) -> dict[int, float]:
    """The run's time on `more` workers: its serial part (the wall clock less the partitions' makespan on the
    `workers` it had) plus the partitions spread over that many; {} without partitions."""
    parts = partition_seconds(run)
    if run.status != "ok" or not parts:
        return {}
    serial = max(0.0, run.seconds - makespan(parts, workers))
    return {n: serial + makespan(parts, n) for n in more}


# --- the whole case ---------------------------------------------------------------------------------------------

@dataclass
class Case:
    counts: dict
    made: dict
    generate_s: float
    imports: list[Run]
    runs: list[Run]
    grid: tuple[int, int, int, str]

    def result(self) -> dict[str, str]:
        """The RESULT figures: national_check_s, national_coverage_s, peak_worker_mb, grid and import, and the
        simulated 8/32/128-worker times of check and coverage."""
        timed = {run.name: f"{run.seconds:.1f}" if run.status == "ok" else "na" for run in self.runs}
        workers = [run.others_mb[0] for run in self.runs if run.processes > 1]
        out = {"national_check_s": timed.get("check", "na"), "national_coverage_s": timed.get("coverage", "na"),
               "peak_worker_mb": f"{max(workers):.0f}" if workers else "na",
               "grid_cells": str(self.grid[0] * self.grid[1]), "populated_cells": str(self.grid[2]),
               "generate_s": f"{self.generate_s:.1f}",
               "import_s": f"{sum(run.seconds for run in self.imports):.1f}"}
        for run in self.runs:
            for n, seconds in (simulated(run) or dict.fromkeys((8, 32, 128))).items():
                out[f"national_{run.name}_sim_{n}w_s"] = "na" if seconds is None else f"{seconds:.1f}"
        return out

    def print_report(self, folder: Path) -> None:
        report(folder, self.counts, self.made, self.generate_s, self.imports, self.runs, self.grid)
        for run in self.runs:
            parts = partition_seconds(run)
            if parts:
                print(f"{run.name}: {len(parts)} partitions, " + ",".join(f"{s:.1f}" for s in parts) + " s; "
                      + "simulated " + " ".join(f"{n}w={s:.1f}s" for n, s in simulated(run).items()))


def national_case(folder: Path, quick: bool, limit_s: float, max_mb: float) -> Case:
    """Generate the country in `folder`, import it, check and cover it on 2 workers (each run watched)."""
    from planner.rules.profiles import load_profile

    counts = {k: v // 50 for k, v in FULL.items()} if quick else dict(FULL)
    start = time.perf_counter()
    made = generate(folder, counts)
    generate_s = time.perf_counter() - start
    grid = national_grid(made.pop("areas"), load_profile("yiwu").service_distance_m)
    db = str(folder / "registry.sqlite")
    env = dict(os.environ, PLANNER_USER="bench", PLANNER_CACHE_DIR=str(folder / "cache"), PLANNER_LOG_LEVEL="INFO",
               **LIMITS)
    imports = import_registry(folder, db, env, 3 * limit_s + 600, max_mb)
    imported = len(imports) == 3 and all(run.status == "ok" for run in imports)
    runs = national_runs(folder, db, env, limit_s, max_mb) if imported else []
    return Case(counts, made, generate_s, imports, runs, grid)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1/50 of the counts, 20 s per check/coverage run")
    parser.add_argument("--keep", help="keep the generated files in this folder")
    parser.add_argument("--limit-s", type=float, help="wall clock per check/coverage run (default 1200, quick 20)")
    parser.add_argument("--max-mb", type=float, default=8_000,
                        help="kill a run whose processes hold more in all, file-backed pages aside (MB; default 8000)")
    args = parser.parse_args()
    limit_s = args.limit_s or (20.0 if args.quick else 1200.0)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        try:
            case = national_case(folder, args.quick, limit_s, args.max_mb)
        except Exception as exc:  # a bench reports, it does not crash
            print(f"generation failed: {exc!r}")
            print("RESULT national_check_s=na national_coverage_s=na peak_worker_mb=na grid_cells=0 "
                  "populated_cells=0 generate_s=na import_s=na")
            return 1
        case.print_report(folder)
    print("RESULT " + " ".join(f"{k}={v}" for k, v in case.result().items()))
    return 0 if len(case.imports) == 3 and all(run.status == "ok" for run in case.imports) else 1


if __name__ == "__main__":
    sys.exit(main())
