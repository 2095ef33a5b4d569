"""The layout keeps its shape: import contracts, no cycles, no private reaches, ruff and mypy, tests apart.

These run the tools the README's test command promises; a deliberate layer violation makes them fail.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _run(*command, cwd=ROOT, env=None):
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def test_the_import_contracts_hold():
    done = _run(str(BIN / "lint-imports"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_a_layer_violation_breaks_a_contract(tmp_path):
    shutil.copytree(ROOT / "planner", tmp_path / "planner", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    kernel = tmp_path / "planner" / "spatial" / "geodesic.py"
    kernel.write_text(kernel.read_text(encoding="utf-8") + "\nimport flask  # a kernel must never do this\n",
                      encoding="utf-8")
    done = _run(str(BIN / "lint-imports"), cwd=tmp_path, env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert done.returncode != 0
    assert "planner.spatial is not allowed to import flask" in done.stdout


def test_no_import_cycles():
    graph = grimp.build_graph("planner")
    cycles = [(module, imported) for module in graph.modules
              for imported in graph.find_modules_directly_imported_by(module)
              if graph.find_shortest_chain(importer=imported, imported=module)]
    assert cycles == []


def _planner_modules():
    for path in sorted((ROOT / "planner").rglob("*.py")):
        if "migrations" not in path.parts:
            yield path, ast.parse(path.read_text(encoding="utf-8"))


def test_no_module_imports_another_modules_private_names():
    reaches = [f"{path.relative_to(ROOT)}:{node.lineno} {node.module}.{alias.name}"
               for path, tree in _planner_modules() for node in ast.walk(tree)
               if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("planner")
               for alias in node.names if alias.name.startswith("_")]
    assert reaches == []


def test_no_test_module_imports_another_test_module():
    offenders = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else \
                [a.name for a in node.names] if isinstance(node, ast.Import) else []
            offenders += [f"{path.relative_to(ROOT)}: {name}" for name in names
                          if name.startswith("tests.") and name.rsplit(".", 1)[-1].startswith("test_")]
    assert offenders == []


def test_ruff_passes():
    done = _run(str(BIN / "ruff"), "check", "--no-cache", "planner", "tests", "bench", "data", "notebooks")
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_strict_passes_on_the_files_pyproject_names():
    """The kernels, the rules, the selection and the road readers ([tool.mypy] files in pyproject.toml)."""
    done = _run(str(BIN / "mypy"))
    assert done.returncode == 0, done.stdout + done.stderr


def test_only_the_registry_speaks_sql():
    """Outside planner/registry a module may pass an Engine or a Connection along, never write or run SQL."""
    found = []
    for path, tree in _planner_modules():
        if "registry" in path.relative_to(ROOT / "planner").parts[:1]:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "sqlalchemy":
                found += [f"{path.relative_to(ROOT)}: sqlalchemy {a.name}" for a in node.names
                          if node.module != "sqlalchemy" or a.name not in ("Engine", "Connection")]
            elif isinstance(node, ast.Import):
                found += [f"{path.relative_to(ROOT)}: import {a.name}" for a in node.names
                          if a.name.split(".")[0] == "sqlalchemy"]
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                    node.func.attr in ("execute", "exec_driver_sql", "executescript"):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} .{node.func.attr}()")
    assert found == []
