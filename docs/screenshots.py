"""Write the README's screenshots (docs/screenshots/*.jpg) from the pages the test suite checks.

    .venv/bin/python docs/screenshots.py

Runs tests/web/test_every_page.py (the sample district, every page at 390x844 and 1440x900) with
PLANNER_README_SCREENSHOTS set, so the pictures in the README are the pages those tests passed on.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    env = dict(os.environ, PLANNER_README_SCREENSHOTS=str(ROOT / "docs" / "screenshots"), PLANNER_LANG="zh")
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:xdist",
               str(ROOT / "tests" / "web" / "test_every_page.py")]
    return subprocess.call(command, cwd=ROOT, env=env)


if __name__ == "__main__":
    raise SystemExit(main())
