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
    args = parser.parse_args()
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
