"""Mutation testing of the rule and kernel modules against their fast tests.

    .venv/bin/python bench/mutation.py                   # every module below
    .venv/bin/python bench/mutation.py --quick           # planner/spatial/compared.py only (< 1 min)
    .venv/bin/python bench/mutation.py --module conflicts --module grid

Each module is mutated by mutmut 3 (pip install -e '.[test]') against the fast
test files mapped to it in MODULES: no Chromium, no PostGIS (`-k "not postgis"`
keeps the SpatiaLite half of the registry tests). The tool works on a COPY of
planner/, tests/ and pyproject.toml in a temporary folder (mutmut writes its
mutants/ there), so the shared working tree is never mutated and nothing is
left in the repo; `--keep` leaves the copy for `mutmut show NAME` / `mutmut
browse`. Prints a table per module, every surviving mutant (file:line, the
original and the mutated line), and ends with one line
`RESULT killed_pct=… survivors=… mutants=…`; the exit code is 1 when fewer
than 90 % are killed, 2 when the tool could not run (e.g. the clean tests fail).

Counted: a mutant is killed when a mapped test fails or the tests time out
under it (a hang is noticed too); it survives when every mapped test passes,
or when no mapped test reaches the mutated function ("no tests"). Survivors
that behave exactly like the original (bench/mutation_equivalent.py lists
each with its reason) are printed apart and left out of the score, the usual
definition: killed_pct = killed / (mutants - equivalent); the RESULT line
gives `equivalent=` and the score over all mutants (`raw_killed_pct=`) too.

Why mutmut 3: it is maintained (3.8, 2026) and runs with pytest 9 unchanged;
it mutates function by function behind trampolines, records in one stats run
which tests reach which function, and then forks one worker per mutant that
runs only those tests — a few hundred mutants of a module take minutes on two
cores. Its mutant names allow restricting a module to some functions (the
verdict parts of checking.py and the re-check of decisions.py). cosmic-ray
runs a full test command per mutant (no per-function test selection), so the
same run would take hours here; mutatest has had no release since 2022.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from mutation_equivalent import EQUIVALENT

REPO = Path(__file__).resolve().parents[1]
TARGET_PCT = 90.0
# Test files with registry tests run their SpatiaLite parametrisation only.
PYTEST_ARGS = ["-k", "not postgis", "-p", "no:cacheprovider", "-q", "-x"]
# mutmut stops a mutant's tests after (their clean time + 2 s) x 6 of wall time (x 12 of CPU time):
# room for a machine shared with others (a tighter wall limit counted slow survivors as timeouts),
# less than mutmut's x 15 / x 30, which let the mutants that loop forever take most of a run.
TIMEOUT_SETTINGS = {"timeout_multiplier": 6.0, "timeout_constant": 2.0}
KILLED, TIMEOUT, SURVIVED, NO_TESTS, OTHER = "killed", "timeout", "survived", "no tests", "other"


class ToolFailedError(Exception):
    """mutmut could not run a module (e.g. its clean tests fail)."""


@dataclass(frozen=True)
class Target:
    path: str
    tests: tuple[str, ...]
    functions: tuple[str, ...] = ()  # only these functions ("" = the whole module)


MODULES = {
    "compared": Target("planner/spatial/compared.py",
                       ("tests/spatial/test_compared.py", "tests/spatial/test_compared_types.py")),
    "reasons": Target("planner/rules/reasons.py", ("tests/rules/test_reasons.py", "tests/spatial/test_compared.py")),
    "checking": Target(
        "planner/check/batch.py",
        ("tests/check/test_batch.py", "tests/check/test_batch_thresholds.py", "tests/check/test_batch_areas.py",
         "tests/check/test_batch_inputs.py", "tests/check/test_site_areas.py", "tests/check/test_batch_outputs.py"),
        ("check_applicants", "_nearest", "_priority", "_resolve_conflicts", "_area_limit", "_ranks")),
    "verdict": Target(
        "planner/rules/verdict.py",
        ("tests/check/test_batch.py", "tests/check/test_batch_thresholds.py", "tests/check/test_batch_areas.py",
         "tests/check/test_site.py", "tests/check/test_site_areas.py", "tests/web/test_check_thresholds.py",
         "tests/selection/test_ranking.py", "tests/rules/test_verdict.py"),
        ("too_close", "distance_rules", "area_rule", "survey_rules", "require_straight_metric")),
    "areas": Target("planner/spatial/areas.py", ("tests/spatial/test_areas.py", "tests/check/test_batch_areas.py",
                                                "tests/check/test_site_areas.py")),
    "site_check": Target(
        "planner/check/site.py",
        ("tests/check/test_site.py", "tests/check/test_site_areas.py", "tests/sites/test_cache.py",
         "tests/web/test_check_thresholds.py", "tests/workflow/test_decisions.py"),
        ("check_site", "nearest_questions", "_nearest_in_db", "_area_in_db", "_column", "_fact_columns")),
    "conflicts": Target("planner/spatial/conflicts.py",
                        ("tests/spatial/test_conflicts.py", "tests/spatial/test_conflicts_edges.py",
                         "tests/check/test_batch.py")),
    "coverage": Target("planner/spatial/coverage.py",
                       ("tests/spatial/test_coverage_kernels.py", "tests/coverage/test_compute.py")),
    "grid": Target("planner/spatial/grid.py",
                   ("tests/spatial/test_grid.py", "tests/spatial/test_grid_raster.py",
                    "tests/spatial/test_coverage_kernels.py", "tests/selection/test_exact.py",
                    "tests/coverage/test_compute.py",
                    "tests/registry/test_population_raster.py::test_uniform_raster_agrees_with_area_shares",
                    "tests/registry/test_population_raster.py::test_raster_moves_people_where_they_live")),
    "nearest": Target("planner/spatial/nearest.py",
                      ("tests/spatial/test_nearest.py", "tests/spatial/test_nearest_edges.py")),
    "chinacoords": Target("planner/spatial/chinacoords.py",
                          ("tests/spatial/test_chinacoords.py", "tests/spatial/test_chinacoords_edges.py",
                           "tests/spatial/test_crs.py")),
    "decisions": Target("planner/workflow/decisions.py",
                        ("tests/workflow/test_decisions.py", "tests/workflow/test_decisions_messages.py"),
                        ("decide", "relocate_station", "relocation_target", "_usable_stored_position")),
}
QUICK = "compared"


@dataclass
class Survivor:
    name: str
    status: str
    line: int | None = None
    removed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    reason: str = ""  # why it is equivalent, when it is

    @property
    def function(self) -> str:
        return function_of(self.name)


@dataclass
class Score:
    module: str
    counts: dict[str, int] = field(default_factory=dict)
    survivors: list[Survivor] = field(default_factory=list)

    @property
    def mutants(self) -> int:
        return sum(self.counts.values())

    @property
    def killed(self) -> int:
        return self.counts.get(KILLED, 0) + self.counts.get(TIMEOUT, 0)

    @property
    def equivalent(self) -> int:
        return sum(1 for v in self.survivors if v.reason)

    @property
    def scored(self) -> int:
        """Mutants that a test could kill: all but the equivalent ones."""
        return self.mutants - self.equivalent

    @property
    def pct(self) -> float:
        return 100.0 * self.killed / self.scored if self.scored else 100.0


def head() -> str:
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True,
                          check=True).stdout.strip()


def copy_tree(work: Path, commit: str) -> None:
    """planner/, tests/ and pyproject.toml as committed (not the shared tree's edits in progress):
    mutmut then works inside `work` only."""
    archive = subprocess.run(["git", "archive", "--format=tar", commit, "planner", "tests", "pyproject.toml"],
                             cwd=REPO, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(work)], input=archive, check=True)


def configure(work: Path, target: Target) -> None:
    """The copy's pyproject.toml with a [tool.mutmut] table for this module (JSON lists are TOML)."""
    text = (work / "pyproject.toml").read_text(encoding="utf-8").split("\n[tool.mutmut]\n")[0]
    table = {"source_paths": ["planner"], "only_mutate": [target.path], "pytest_add_cli_args": PYTEST_ARGS,
             "pytest_add_cli_args_test_selection": list(target.tests), **TIMEOUT_SETTINGS}
    lines = [f"{key} = {json.dumps(value, ensure_ascii=False)}" for key, value in table.items()]
    (work / "pyproject.toml").write_text(text + "\n[tool.mutmut]\n" + "\n".join(lines) + "\n", encoding="utf-8")


def dotted(path: str) -> str:
    return path.removesuffix(".py").replace("/", ".")


def patterns(target: Target) -> list[str]:
    """mutmut's mutant-name globs for the chosen functions (mutmut names a function's mutants x_NAME__mutmut_N)."""
    return [f"{dotted(target.path)}.x_{name}__mutmut_*" for name in target.functions]


def run_mutmut(work: Path, target: Target, jobs: int, log: Path, names: list[str] | None = None) -> None:
    """Mutate the module's functions as configured in `work`, or run again only the mutants `names`."""
    command = [sys.executable, "-m", "mutmut", "run", "--max-children", str(jobs), *(names or patterns(target))]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    with log.open("w") as out:
        # Its own process group: an interrupted run ends mutmut's workers too.
        child = subprocess.Popen(command, cwd=work, stdout=out, stderr=subprocess.STDOUT, env=env,
                                 start_new_session=True)
        try:
            returncode = child.wait()
        except BaseException:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
            raise
    if returncode != 0:
        tail = log.read_text(errors="replace")[-3000:]
        print(f"mutmut failed on {target.path} (exit {returncode}); last output:\n{tail}", file=sys.stderr)
        raise ToolFailedError(target.path)


def status_of(exit_code) -> str:
    from mutmut.stats import status_by_exit_code

    status = status_by_exit_code[exit_code]
    if status in ("killed", "timeout", "survived", "no tests"):
        return status
    return KILLED if status == "segfault" else OTHER


def function_of(name: str) -> str:
    """The mutated function: planner.m.x_f__mutmut_3 → f; methods stay xǁClassǁmethod."""
    return name.rpartition(".")[2].split("__mutmut_")[0].removeprefix("x_")


def wanted(name: str, target: Target) -> bool:
    return not target.functions or function_of(name) in target.functions


def score(work: Path, module: str, target: Target) -> Score:
    meta = json.loads((work / "mutants" / (target.path + ".meta")).read_text())
    result = Score(module)
    for name, exit_code in meta["exit_code_by_key"].items():
        if not wanted(name, target):
            continue
        status = status_of(exit_code)
        result.counts[status] = result.counts.get(status, 0) + 1
        if status not in (KILLED, TIMEOUT):
            result.survivors.append(Survivor(name, status))
    with inside(work):
        for survivor in result.survivors:
            locate(survivor, target.path)
    for survivor in result.survivors:
        survivor.reason = next((e.reason for e in EQUIVALENT if e.matches(
            target.path, survivor.function, survivor.removed, survivor.added)), "")
    return result


@contextmanager
def inside(folder: Path):
    old = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(old)


def locate(survivor: Survivor, path: str) -> None:
    """The mutated lines from mutmut's diff, and where the original stands in the source file."""
    from mutmut.mutation.diff_apply import get_diff_for_mutant

    diff = get_diff_for_mutant(survivor.name, path=path).splitlines()
    survivor.removed = [line[1:].strip() for line in diff if line.startswith("-") and not line.startswith("---")]
    survivor.added = [line[1:].strip() for line in diff if line.startswith("+") and not line.startswith("+++")]
    survivor.line = source_line(Path(path), survivor.name, survivor.removed[:1])  # cwd: the copy


def source_line(path: Path, name: str, removed: list[str]) -> int | None:
    """Line of the first removed line inside the mutated function (methods: xǁClassǁmethod)."""
    parts = function_of(name).removeprefix("xǁ").split("ǁ")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body
    node = None
    for part in parts:
        node = next((n for n in nodes if getattr(n, "name", None) == part), None)
        if node is None:
            return None
        nodes = node.body
    lines = path.read_text(encoding="utf-8").splitlines()
    start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
    for number in range(start, node.end_lineno + 1):
        if removed and lines[number - 1].strip() == removed[0]:
            return number
    return start


def shorten(text: str, width: int = 110) -> str:
    text = re.sub(r"\s+", " ", text)
    return text if len(text) <= width else text[: width - 1] + "…"


def print_mutant(path: str, v: Survivor) -> None:
    where = f"{path}:{v.line or '?'}"
    print(f"  {where:<36} {v.name.rpartition('.')[2]}  [{v.status}]" + (f"  {v.reason}" if v.reason else ""))
    for line in v.removed:
        print(f"      - {shorten(line)}")
    for line in v.added:
        print(f"      + {shorten(line)}")


def report(scores: list[Score]) -> dict:
    """The table, the survivors, the equivalent mutants; the figures of the RESULT line."""
    print(f"\n{'module':<48}{'mutants':>8}{'killed':>7}{'timeout':>8}{'survived':>9}{'no tests':>9}"
          f"{'equiv.':>7}{'killed %':>9}")
    for s in scores:
        path = MODULES[s.module].path + (" (listed functions)" if MODULES[s.module].functions else "")
        left = [v for v in s.survivors if not v.reason]
        survived = sum(v.status == SURVIVED for v in left)
        print(f"{path:<48}{s.mutants:>8}{s.counts.get(KILLED, 0):>7}{s.counts.get(TIMEOUT, 0):>8}"
              f"{survived:>9}{len(left) - survived:>9}{s.equivalent:>7}{s.pct:>8.1f}%")
    survivors = [(s.module, v) for s in scores for v in s.survivors if not v.reason]
    equivalent = [(s.module, v) for s in scores for v in s.survivors if v.reason]
    print(f"\nsurviving mutants ({len(survivors)}):")
    for module, v in survivors:
        print_mutant(MODULES[module].path, v)
    print(f"\nequivalent mutants, left out of the score ({len(equivalent)}; bench/mutation_equivalent.py says why):")
    for module, v in equivalent:
        print_mutant(MODULES[module].path, v)
    mutants = sum(s.mutants for s in scores)
    killed = sum(s.killed for s in scores)
    scored = mutants - len(equivalent)
    return {"killed_pct": 100.0 * killed / scored if scored else 100.0, "survivors": len(survivors),
            "mutants": mutants, "equivalent": len(equivalent),
            "raw_killed_pct": 100.0 * killed / mutants if mutants else 100.0}


def mutate(names: list[str], work: Path, jobs: int, only: list[str] | None = None) -> tuple[list[Score], list[str]]:
    """Each module in its own copy (work/NAME), so every module's results stay for --rescore."""
    scores, failed = [], []
    commit = head()  # every module from the same commit, whatever lands meanwhile
    print(f"commit {commit}", flush=True)
    for name in names:
        target, copy = MODULES[name], work / name
        if only:
            target = replace(target, functions=tuple(only))
        copy.mkdir()
        copy_tree(copy, commit)
        print(f"mutating {target.path} against {', '.join(target.tests)} …", flush=True)
        try:
            configure(copy, target)
            run_mutmut(copy, target, jobs, work / f"mutmut-{name}.log")
        except ToolFailedError:
            failed.append(target.path)
            continue
        scores.append(score(copy, name, target))
        print(f"  {scores[-1].killed} of {scores[-1].scored} killed ({scores[-1].equivalent} equivalent)", flush=True)
    return scores, failed


def recheck(kept: Path, names: list[str], jobs: int) -> None:
    """Run the timed-out mutants of a kept run again under TIMEOUT_SETTINGS."""
    for name in names:
        target = MODULES[name]
        meta = json.loads((kept / name / "mutants" / (target.path + ".meta")).read_text())
        timed_out = [key for key, code in meta["exit_code_by_key"].items()
                     if wanted(key, target) and status_of(code) == TIMEOUT]
        print(f"{target.path}: {len(timed_out)} timed-out mutants again", flush=True)
        if timed_out:  # the kept copy's own tests, today's time limits
            settings = kept / name / "pyproject.toml"
            text = settings.read_text(encoding="utf-8")
            for key, value in TIMEOUT_SETTINGS.items():
                text = re.sub(rf"^{key} = .*$", f"{key} = {value}", text, flags=re.M)
            settings.write_text(text, encoding="utf-8")
            try:
                run_mutmut(kept / name, target, jobs, kept / f"mutmut-{name}-recheck.log", timed_out)
            except ToolFailedError:
                pass  # its timeouts stay as they were; the log says why


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"only {MODULES[QUICK].path}")
    parser.add_argument("--module", action="append", choices=sorted(MODULES), help="run this module (repeatable)")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), help="mutants run at once")
    parser.add_argument("--keep", action="store_true", help="keep the temporary copies (mutmut show / browse there)")
    parser.add_argument("--only", action="append", metavar="FUNCTION",
                        help="with one --module: mutate only this function of it (repeatable; methods: xǁClassǁname)")
    parser.add_argument("--rescore", type=Path, metavar="DIR",
                        help="score a kept run again (after editing bench/mutation_equivalent.py), mutating nothing")
    parser.add_argument("--recheck", action="store_true",
                        help="with --rescore: first run the kept run's timed-out mutants again under today's limits")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the copies are removed on `kill` too
    names = [QUICK] if args.quick else (args.module or list(MODULES))
    if args.only and len(names) != 1:
        parser.error("--only needs exactly one --module")
    if args.rescore:
        names = [name for name in names if (args.rescore / name / "mutants").is_dir()]
        if args.recheck:
            recheck(args.rescore, names, args.jobs)
        scores, failed = [score(args.rescore / name, name, MODULES[name]) for name in names], []
    else:
        work = Path(tempfile.mkdtemp(prefix="planner-mutation-"))
        try:
            scores, failed = mutate(names, work, args.jobs, args.only)
        finally:
            if args.keep:
                print(f"copies kept in {work}/NAME (there: {sys.executable} -m mutmut show MUTANT)")
            else:
                shutil.rmtree(work, ignore_errors=True)
    figures = report(scores)
    print("\nRESULT " + " ".join(f"{k}={v:.1f}" if isinstance(v, float) else f"{k}={v}" for k, v in figures.items()))
    if failed:
        print(f"not scored, mutmut could not run: {', '.join(failed)}")
        return 2
    return 0 if figures["killed_pct"] >= TARGET_PCT else 1


if __name__ == "__main__":
    sys.exit(main())
