"""A province-sized check in one process and partitioned on a Dask LocalCluster of 1 and 2 workers.

    .venv/bin/python bench/scale.py            # 2,000,000 applicants; 100,000 outlets+stations; 50,000 areas; 400 km
    .venv/bin/python bench/scale.py --quick    # 200,000; 10,000; 5,000; 120 km

Generates the registry and list as bench/check.py does, then times, in this
process after one warm-up run that keeps the grid's sums on disk:

- one process: `check_file` as `planner check` runs it;
- `--workers 1` and `--workers 2`: the same with the rows' own facts computed
  in strips on a LocalCluster (cluster start-up not counted: a cluster serves
  many checks), each strip's time as its worker measured it.

Every partitioned result must equal the single-process one (every output
column, every row) or the exit code is 1. From the strips' times it prints
the time 8, 32 and 128 workers would take (the serial part as measured, the
strips spread longest first). Not yet here: the national case (the 100 m grid
of the whole country is not materialised whole: coverage and the kept sums per
partition come first).
"""

from __future__ import annotations

import argparse
import heapq
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from check import BIN, _run, generate  # bench/check.py: the same province


def _time_check(path, engine, profile, spread=None):
    from planner.check.batch import check_file

    start = time.perf_counter()
    result = check_file(path, engine, profile, spread=spread)
    return time.perf_counter() - start, result


def _makespan(seconds: list[float], workers: int) -> float:
    """Longest-first spread of the strips over `workers` (what a scheduler achieves at best, about)."""
    loads = [0.0] * workers
    for s in sorted(seconds, reverse=True):
        heapq.heapreplace(loads, loads[0] + s)
    return max(loads)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--keep", help="keep the generated files in this folder")
    parser.add_argument("--partitions", type=int, default=None, help="strips (default: 2 per worker, ≤250 k rows)")
    args = parser.parse_args()
    sizes = (200_000, 10_000, 5_000, 120.0) if args.quick else (2_000_000, 100_000, 50_000, 400.0)
    from distributed import Client, LocalCluster

    from planner.check.spread import Spread
    from planner.registry.engine import make_engine
    from planner.rules.profiles import load_profile

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        generate(folder, *sizes)
        db = str(folder / "registry.sqlite")
        env = dict(os.environ, PLANNER_USER="bench")
        for kind, name in (("areas", "areas.gpkg"), ("branches", "outlets.csv"), ("stations", "stations.csv")):
            _run([str(BIN / "planner"), "import", kind, str(folder / name), "--db", db], env)
        os.environ["PLANNER_CACHE_DIR"] = str(folder / "cache")
        # A province's list is larger than the limits a web upload keeps (planner.config): raised, as its office would.
        os.environ.update(PLANNER_MAX_ROWS="20000000", PLANNER_MAX_CELLS="400000000", PLANNER_MAX_FILE_MB="4000")
        engine, profile, listed = make_engine(db), load_profile("yiwu"), folder / "applicants.csv"
        _time_check(listed, engine, profile)  # keeps the grid's sums on disk
        single_s, single = _time_check(listed, engine, profile)
        runs, same = {}, True
        for workers in (1, 2):
            with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                              dashboard_address=None) as cluster, Client(cluster) as client:
                spread = Spread(client, shared_files=True, partitions=args.partitions)
                _time_check(listed, engine, profile, spread)  # workers import their modules once
                seconds, result = _time_check(listed, engine, profile, spread)
                same &= result.added.equals(single.added)
                runs[workers] = (seconds, list(spread.seconds))
    one_s, strips_1 = runs[1]
    two_s, _ = runs[2]
    serial = one_s - sum(strips_1)  # everything the driver does: read, judge, gather
    simulated = {w: serial + _makespan(strips_1, w) for w in (8, 32, 128)}
    print(f"applicants={sizes[0]:,} strips={len(strips_1)} strip_s="
          + ",".join(f"{s:.2f}" for s in strips_1) + f" serial_s={serial:.2f}")
    print("simulated " + " ".join(f"{w}w={t:.2f}s" for w, t in simulated.items()))
    print(f"RESULT speedup_2w={single_s / two_s:.2f} overhead_1w_pct={100 * (one_s / single_s - 1):.1f} "
          f"single_s={single_s:.2f} w1_s={one_s:.2f} w2_s={two_s:.2f} sim_8w_s={simulated[8]:.2f} "
          f"sim_32w_s={simulated[32]:.2f} sim_128w_s={simulated[128]:.2f} identical={same}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
