"""A province-sized check and coverage in one process and partitioned on a Dask LocalCluster of 1 and 2 workers.

    .venv/bin/python bench/scale.py            # 2,000,000 applicants; 100,000 outlets+stations; 50,000 areas; 400 km
    .venv/bin/python bench/scale.py --quick    # 200,000; 10,000; 5,000; 120 km

Generates the registry and list as bench/check.py does, then times, in this
process after one warm-up run that keeps the grid's sums on disk:

- one process: `check_file` as `planner check` runs it;
- `--workers 1` and `--workers 2`: the same with the rows' own facts computed
  in strips on a LocalCluster (cluster start-up not counted: a cluster serves
  many checks), each strip's time as its worker measured it.

Coverage: the 400 km case of bench/coverage.py (40,000 villages, 60,000
sites; 100 km and 2,500 with --quick) imported into its own SpatiaLite file,
`compute_coverage` as `planner coverage` runs it, in one process and with the
served cells and per-area sums computed tile by tile on the same clusters.

Every partitioned result must equal the single-process one (every output
column, every row; every coverage table, exactly) or the exit code is 1. From the strips' times it prints
the time 8, 32 and 128 workers would take (the serial part as measured, the
strips spread longest first).

The national case (bench/national.py: 10 M applicants, 54 k outlets, 400 k stations, 600 k areas and
1.4 bn people on a 2·10⁹-cell grid) follows on the full run (`--no-national` leaves it out; `--quick`
leaves it out unless `--national`): its country is generated and imported, then `planner check` and
`planner coverage` run with `--workers 2` under a memory watch; each partition's time comes from the
run's log, and the 8, 32 and 128 worker times are simulated from them the same way (the serial part is
the wall clock less the partitions' makespan on the 2 workers it had). About 15 minutes more.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from check import BIN, _run, generate  # bench/check.py: the same province
from national import makespan, national_case  # bench/national.py: the whole country


def _coverage_bench():
    """bench/coverage.py, under a name of its own (`coverage` is also coverage.py's)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("coverage_bench", Path(__file__).resolve().parent / "coverage.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _time_check(path, engine, profile, spread=None):
    from planner.check.batch import check_file

    start = time.perf_counter()
    result = check_file(path, engine, profile, spread=spread)
    return time.perf_counter() - start, result


def _time_coverage(engine, options, spread=None):
    from planner.coverage.compute import compute_coverage

    start = time.perf_counter()
    report = compute_coverage(engine, options, spread=spread)
    return time.perf_counter() - start, report


def _same_coverage(a, b) -> bool:
    return (a.areas.equals(b.areas) and a.parents.equals(b.parents) and a.gaps.equals(b.gaps)
            and a.totals == b.totals and (a.served == b.served).all())


def _coverage_registry(folder: Path, quick: bool) -> str:
    """bench/coverage.py's province in a SpatiaLite file of its own."""
    folder.mkdir(parents=True, exist_ok=True)
    _coverage_bench().generate(folder, *((100.0, 2_500, 4_000) if quick else (400.0, 40_000, 60_000)))
    db = str(folder / "registry.sqlite")
    env = dict(os.environ, PLANNER_USER="bench")
    for kind, name in (("areas", "areas.gpkg"), ("branches", "outlets.csv"), ("stations", "stations.csv")):
        _run([str(BIN / "planner"), "import", kind, str(folder / name), "--db", db], env)
    return db


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--keep", help="keep the generated files in this folder")
    parser.add_argument("--partitions", type=int, default=None, help="strips (default: 2 per worker, ≤250 k rows)")
    parser.add_argument("--national", action=argparse.BooleanOptionalAction, default=None,
                        help="also the national case on 2 workers (default: yes, not with --quick)")
    parser.add_argument("--max-mb", type=float, default=18_000,
                        help="the national runs are killed past this much memory in all (MB; default 18000)")
    args = parser.parse_args()
    sizes = (200_000, 10_000, 5_000, 120.0) if args.quick else (2_000_000, 100_000, 50_000, 400.0)
    from distributed import Client, LocalCluster

    from planner.check.spread import Spread
    from planner.coverage.compute import CoverageOptions
    from planner.coverage.spread import Spread as CoverageSpread
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
        covered_engine = make_engine(_coverage_registry(folder / "coverage", args.quick))
        options = CoverageOptions(profile)
        _time_coverage(covered_engine, options)
        cover_single_s, cover_single = _time_coverage(covered_engine, options)
        runs, cover_runs, same = {}, {}, True
        for workers in (1, 2):
            with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                              dashboard_address=None) as cluster, Client(cluster) as client:
                spread = Spread(client, shared_files=True, partitions=args.partitions)
                _time_check(listed, engine, profile, spread)  # workers import their modules once
                seconds, result = _time_check(listed, engine, profile, spread)
                same &= result.added.equals(single.added)
                runs[workers] = (seconds, list(spread.seconds))
                tiles = CoverageSpread(client, shared_files=True)
                _time_coverage(covered_engine, options, tiles)
                seconds, report = _time_coverage(covered_engine, options, tiles)
                same &= _same_coverage(report, cover_single)
                cover_runs[workers] = (seconds, list(tiles.seconds))
        national = _national(folder / "national", args) if (args.national or (args.national is None
                                                                               and not args.quick)) else {}
    one_s, strips_1 = runs[1]
    two_s, _ = runs[2]
    serial = one_s - sum(strips_1)  # everything the driver does: read, judge, gather
    simulated = {w: serial + makespan(strips_1, w) for w in (8, 32, 128)}
    print(f"applicants={sizes[0]:,} strips={len(strips_1)} strip_s="
          + ",".join(f"{s:.2f}" for s in strips_1) + f" serial_s={serial:.2f}")
    print("simulated " + " ".join(f"{w}w={t:.2f}s" for w, t in simulated.items()))
    cover_one_s, tiles_1 = cover_runs[1]
    cover_two_s, _ = cover_runs[2]
    print(f"coverage: one process {cover_single_s:.2f} s, 1 worker {cover_one_s:.2f} s, 2 workers "
          f"{cover_two_s:.2f} s; tiles " + ",".join(f"{s:.2f}" for s in tiles_1)
          + f" s, serial {cover_one_s - sum(tiles_1):.2f} s")
    print(f"RESULT speedup_2w={single_s / two_s:.2f} overhead_1w_pct={100 * (one_s / single_s - 1):.1f} "
          f"coverage_speedup_2w={cover_single_s / cover_two_s:.2f} "
          f"coverage_overhead_1w_pct={100 * (cover_one_s / cover_single_s - 1):.1f} "
          f"single_s={single_s:.2f} w1_s={one_s:.2f} w2_s={two_s:.2f} coverage_single_s={cover_single_s:.2f} "
          f"coverage_w1_s={cover_one_s:.2f} coverage_w2_s={cover_two_s:.2f} sim_8w_s={simulated[8]:.2f} "
          f"sim_32w_s={simulated[32]:.2f} sim_128w_s={simulated[128]:.2f} identical={same} "
          + " ".join(f"{k}={v}" for k, v in (national or _NO_NATIONAL).items()))
    return 0 if same else 1


_NO_NATIONAL = {"national_check_s": "na", "national_coverage_s": "na", "peak_worker_mb": "na"}


def _national(folder: Path, args) -> dict[str, str]:
    """bench/national.py's country on 2 workers, its report printed; its RESULT figures."""
    folder.mkdir(parents=True, exist_ok=True)
    case = national_case(folder, False, 1200.0, args.max_mb)
    case.print_report(folder)
    return case.result()


if __name__ == "__main__":
    sys.exit(main())
