"""The proved-best set of N new sites (`planner rank -n N --exact`) against spopt's MCLP.

    .venv/bin/python bench/rank.py            # 400 × 400 cells of 100 m, 400 applicants, N = 20
    .venv/bin/python bench/rank.py --quick    # 150 × 150 cells, 80 applicants, N = 6

Both sides get the same maximal-coverage question: people on a 100 m grid
(clustered villages, most cells empty), applicants at random places, a 1.5 km
service radius, choose at most N applicants to serve the most people. Ours is
planner.selection.exact (HiGHS, cells reached by the same applicants merged);
the peer is spopt's `MCLP.from_cost_matrix`, given the populated cells'
centres and their planar distances to every applicant — the input spopt is
made for — solved with PuLP's HiGHS (through highspy, the strongest solver
PuLP reaches here; the speedup is against it) and, beside it, PuLP's CBC.
Every solver is asked for the proved optimum (relative gap 0). Both
selections are scored with the same coverage function; the exit code is 1
when the optimum of any side differs by more than the solvers' tolerance. The peer is installed into this
environment with pip on first use (spopt is not one of planner's own
dependencies). Timings are the best of `--repeat` runs of each side.

Ends with `RESULT speedup=… speedup_cbc=… objective_gap=… ours_s=… peer_s=…`.

    .venv/bin/python bench/rank.py --province          # 4,000 × 4,000 cells, 20,000 applicants, N = 500
    .venv/bin/python bench/rank.py --province --quick  # 1,000 × 1,000 cells, 2,000 applicants, N = 50

A province's question, where no peer can follow (spopt's cost matrix would
hold 1.7 M populated cells × 20,000 applicants): villages in a few dense
belts, applicants near villages, `planner rank --exact --gap 0.5` as it
runs (planner.selection.exact with gap 0.005) beside the greedy choice. The
exit code is 1 unless the set is proved within 0.5 % of the best. Ends with
`RESULT province_s=… gap_pct=… status=… exact_people=… greedy_people=…`.
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import time

import numpy as np
from pyproj import CRS

from planner.selection.exact import exact_selection
from planner.spatial.grid import PopulationGrid

RADIUS_M = 1_500.0
CELL_M = 100.0
PEER = "spopt>=0.7,<1"
GAP_TOLERANCE = 1e-6  # relative difference in people served that still counts as the same optimum


def generate(cells: int, applicants: int, seed: int = 4):
    """A grid of people in villages (Gaussian blobs) in a transverse Mercator at scale 1, and applicants."""
    rng = np.random.default_rng(seed)
    size = cells * CELL_M
    centres = rng.uniform(0, size, (cells // 4, 2))
    people = rng.lognormal(6.0, 1.0, len(centres))
    rows, cols = np.mgrid[0:cells, 0:cells]
    cx, cy = (cols + 0.5) * CELL_M, size - (rows + 0.5) * CELL_M
    population = np.zeros((cells, cells))
    for (x, y), n in zip(centres, people):
        near = (np.abs(cx - x) < 600) & (np.abs(cy - y) < 600)
        weight = np.exp(-((cx[near] - x) ** 2 + (cy[near] - y) ** 2) / (2 * 200.0**2))
        population[near] += n * weight / weight.sum()
    population[population < 0.5] = 0.0
    crs = CRS.from_proj4("+proj=tmerc +lon_0=116 +k=1 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs")
    # West edge at -size/2 keeps the grid on the central meridian (scale factor within 3e-6 of 1).
    grid = PopulationGrid(crs, -size / 2, size, CELL_M, np.round(population), np.zeros((cells, cells), np.int32))
    x = rng.uniform(-size / 2, size / 2, applicants)
    y = rng.uniform(0, size, applicants)
    return grid, x, y


PROVINCE_GAP = 0.005


def province(cells: int, villages: int, applicants: int, seed: int = 5):
    """People in `villages` (Gaussian blobs of 200 m) around six belts, the rest of the grid empty, and
    applicants scattered around villages."""
    rng = np.random.default_rng(seed)
    size = cells * CELL_M
    belts = rng.uniform(0.15 * size, 0.85 * size, (6, 2))
    centres = np.clip(belts[rng.integers(0, 6, villages)] + rng.normal(0, size * 0.08, (villages, 2)), 700,
                      size - 700)
    population = np.zeros((cells, cells))
    offsets = np.arange(-6, 7) * CELL_M
    dx, dy = np.meshgrid(offsets, offsets)
    blob = np.exp(-(dx**2 + dy**2) / (2 * 200.0**2))
    blob /= blob.sum()
    for (x, y), n in zip(centres, rng.lognormal(6.5, 1.0, villages)):
        col, row = int(x // CELL_M), int((size - y) // CELL_M)
        population[row - 6:row + 7, col - 6:col + 7] += n * blob
    population[population < 0.5] = 0.0
    crs = CRS.from_proj4("+proj=tmerc +lon_0=116 +k=1 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs")
    grid = PopulationGrid(crs, -size / 2, size, CELL_M, np.round(population), np.zeros((cells, cells), np.int32))
    near = rng.integers(0, villages, applicants)
    x = np.clip(centres[near, 0] + rng.normal(0, 800, applicants), 1, size - 1) - size / 2
    y = np.clip(centres[near, 1] + rng.normal(0, 800, applicants), 1, size - 1)
    return grid, x, y


def run_province(quick: bool) -> int:
    from planner.selection.greedy import greedy_selection

    cells, applicants, n = (1_000, 2_000, 50) if quick else (4_000, 20_000, 500)
    grid, x, y = province(cells, applicants, applicants)
    print(f"{cells} × {cells} cells of {CELL_M:.0f} m ({int((grid.population > 0).sum()):,} populated, "
          f"{grid.population.sum():,.0f} people), {applicants:,} applicants, radius {RADIUS_M:.0f} m, N = {n}")
    common = {"eligible": np.ones(x.size, bool), "pair_i": [], "pair_j": []}
    start = time.perf_counter()
    found = exact_selection(grid, grid.population, x, y, RADIUS_M, n, gap=PROVINCE_GAP, **common)
    seconds = time.perf_counter() - start
    start = time.perf_counter()
    greedy, _ = greedy_selection(grid, grid.population, x, y, RADIUS_M, n, **common)
    greedy_s = time.perf_counter() - start
    exact_people, greedy_people = served(grid, x, y, found.picks), served(grid, x, y, greedy)
    print(f"exact (gap {PROVINCE_GAP:.1%}): {seconds:.2f} s, {found.status}, proved within {found.gap:.3%}, "
          f"{len(found.picks)} sites serve {exact_people:,.0f}; greedy: {greedy_s:.2f} s, {greedy_people:,.0f}")
    print(f"RESULT province_s={seconds:.2f} gap_pct={100 * found.gap:.3f} status={found.status.replace(' ', '_')} "
          f"exact_people={exact_people:.0f} greedy_people={greedy_people:.0f} greedy_s={greedy_s:.2f} "
          f"applicants={applicants} n={n} cells={cells * cells}")
    return 0 if found.status == "Optimal" and found.gap <= PROVINCE_GAP else 1


def served(grid: PopulationGrid, x, y, picks) -> float:
    picks = np.asarray(picks, np.int64)
    if picks.size == 0:
        return 0.0
    return float(grid.population[grid.coverage_count(x[picks], y[picks], RADIUS_M) > 0].sum())


def ours(grid, x, y, n):
    start = time.perf_counter()
    found = exact_selection(grid, grid.population, x, y, RADIUS_M, n, eligible=np.ones(x.size, bool),
                            pair_i=[], pair_j=[])
    return time.perf_counter() - start, found.picks, found.status


def peer(grid, x, y, n, solver: str):
    import pulp
    from scipy.spatial.distance import cdist
    from spopt.locate import MCLP

    start = time.perf_counter()
    rows, cols = np.nonzero(grid.population)
    centres = np.column_stack([grid.west + (cols + 0.5) * CELL_M, grid.north - (rows + 0.5) * CELL_M])
    cost = cdist(centres, np.column_stack([x, y]))
    model = MCLP.from_cost_matrix(cost, grid.population[rows, cols], service_radius=RADIUS_M, p_facilities=n)
    chosen = pulp.HiGHS(msg=False, gapRel=0.0) if solver == "HiGHS" else pulp.PULP_CBC_CMD(msg=False, gapRel=0.0)
    model = model.solve(chosen)
    picks = [j for j, var in enumerate(model.fac_vars) if var.value() and var.value() > 0.5]
    return time.perf_counter() - start, np.asarray(picks), pulp.LpStatus[model.problem.status]


def ensure_peer() -> None:
    if importlib.util.find_spec("spopt") is None:
        print(f"installing the peer ({PEER}) into {sys.prefix} …", flush=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", PEER], check=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--province", action="store_true", help="the province-sized case (no peer)")
    args = parser.parse_args()
    if args.province:
        return run_province(args.quick)
    cells, applicants, n = (150, 80, 6) if args.quick else (400, 400, 20)
    ensure_peer()
    grid, x, y = generate(cells, applicants)
    print(f"{cells} × {cells} cells of {CELL_M:.0f} m ({int((grid.population > 0).sum()):,} populated, "
          f"{grid.population.sum():,.0f} people), {applicants} applicants, radius {RADIUS_M:.0f} m, N = {n}")
    runs = {"ours": [ours(grid, x, y, n) for _ in range(args.repeat)]}
    for solver in ("HiGHS", "CBC"):
        runs[f"spopt MCLP ({solver})"] = [peer(grid, x, y, n, solver) for _ in range(args.repeat)]
    best = {}
    for name, results in runs.items():
        seconds, picks, status = min(results, key=lambda r: r[0])
        best[name] = (seconds, served(grid, x, y, picks))
        print(f"{name}: {seconds:.2f} s (best of {args.repeat}), {status}, {len(picks)} sites serve "
              f"{best[name][1]:,.0f} people")
    ours_s, ours_people = best["ours"]
    highs_s, highs_people = best["spopt MCLP (HiGHS)"]
    cbc_s, cbc_people = best["spopt MCLP (CBC)"]
    gap = max(abs(ours_people - other) for other in (highs_people, cbc_people)) / max(ours_people, 1.0)
    print(f"RESULT speedup={highs_s / ours_s:.2f} speedup_cbc={cbc_s / ours_s:.2f} objective_gap={gap:.2e} "
          f"ours_s={ours_s:.2f} peer_s={highs_s:.2f} peer_cbc_s={cbc_s:.2f} cells={cells * cells} "
          f"applicants={applicants} n={n}")
    if gap > GAP_TOLERANCE:
        print(f"the optima differ by {gap:.2e} (tolerance {GAP_TOLERANCE:.0e})")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
