"""The installed `planner` command as tests run it: the path beside this Python, a clean environment."""

import subprocess
import sys
from pathlib import Path

PLANNER = str(Path(sys.executable).with_name("planner"))
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "shunyi"


def run(*args, cwd, env_url=None):
    env = {"PATH": "/usr/bin:/bin", "PLANNER_USER": "cli-test", "HOME": str(cwd)}
    if env_url:
        env["PLANNER_DATABASE_URL"] = env_url
    return subprocess.run([PLANNER, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
