"""Every PLANNER_* setting is declared once, in planner.config, read only there, and documented in the README."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from planner.config import SETTINGS, setting
from planner.errors import UsageError

ROOT = Path(__file__).resolve().parents[1]
NAME = re.compile(r"\bPLANNER_[A-Z_]+[A-Z]\b")


def _sources():
    return sorted((ROOT / "planner").rglob("*.py"))


def test_every_setting_named_in_the_code_is_declared():
    named = {m for path in _sources() for m in NAME.findall(path.read_text(encoding="utf-8"))}
    assert named - set(SETTINGS) == set()
    assert set(SETTINGS) - named == set()  # none declared and forgotten


def test_the_readme_documents_every_setting():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    assert set(SETTINGS) - set(NAME.findall(section)) == set()


def _environ_reads(tree: ast.AST):
    for node in ast.walk(tree):
        # os.environ.get("PLANNER_…"), os.getenv("PLANNER_…"), os.environ["PLANNER_…"]
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            target = ast.unparse(node.func)
            if (target in ("os.environ.get", "os.getenv", "environ.get")
                    and str(node.args[0].value).startswith("PLANNER_")):
                yield node.lineno
        if isinstance(node, ast.Subscript) and ast.unparse(node.value) in ("os.environ", "environ") and \
                isinstance(node.slice, ast.Constant) and str(node.slice.value).startswith("PLANNER_"):
            yield node.lineno


def test_only_the_config_module_reads_settings_from_the_environment():
    readers = {str(path.relative_to(ROOT)): lines for path in _sources()
               if (lines := list(_environ_reads(ast.parse(path.read_text(encoding="utf-8")))))}
    assert readers == {}


def test_settings_are_read_when_needed_and_refused_when_not_numbers(monkeypatch):
    assert setting("PLANNER_CHECK_WORKERS") == 2 and setting("PLANNER_SECURE_COOKIES") is False
    monkeypatch.setenv("PLANNER_CHECK_WORKERS", "5")
    monkeypatch.setenv("PLANNER_SECURE_COOKIES", "1")
    assert setting("PLANNER_CHECK_WORKERS") == 5 and setting("PLANNER_SECURE_COOKIES") is True
    monkeypatch.setenv("PLANNER_CHECK_WORKERS", "many")
    with pytest.raises(UsageError, match=r"\$PLANNER_CHECK_WORKERS must be a whole number of at least 1"):
        setting("PLANNER_CHECK_WORKERS")
