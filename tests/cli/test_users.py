"""`planner user …` as an operator runs it: roles, disable/enable, unlock, each in the history under who did it."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

from sqlalchemy import select

from planner.registry.engine import make_engine
from planner.registry.models import Event
from planner.registry.sign_in import Throttle, sign_in

PLANNER = str(Path(sys.executable).with_name("planner"))


def _planner(*args, cwd, stdin=None, **env):
    return subprocess.run([PLANNER, *args], cwd=cwd, capture_output=True, text=True, timeout=300, input=stdin,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(cwd), "PLANNER_LANG": "en",
                               "PLANNER_USER": "ops", **env})


def test_accounts_are_managed_from_the_command_line_and_recorded(database_url, tmp_path):
    def ok(*args, **kw):
        done = _planner(*args, "--db", database_url, cwd=tmp_path, **kw)
        assert done.returncode == 0, done.stderr
        return done.stdout

    ok("user", "add", "root", "--role", "admin", "--password-stdin", stdin="root password\n")
    ok("user", "add", "li", "--role", "staff", "--user", "helpdesk", PLANNER_PASSWORD="li's password")
    assert "now planner" in ok("user", "role", "li", "planner")
    assert "li disabled" in ok("user", "disable", "li")
    assert "li\tplanner\tdisabled" in ok("user", "list")
    assert "li enabled" in ok("user", "enable", "li")
    assert "not locked" in ok("user", "unlock", "li")
    engine = make_engine(database_url)
    try:
        for _ in range(10):
            sign_in(engine, "li", "wrong password", "10.0.0.3", throttle=Throttle(), slots=threading.Semaphore())
        assert "li\tplanner\tactive, locked until" in ok("user", "list")
        assert "li unlocked" in ok("user", "unlock", "li", "--user", "night-shift")
        assert "li\tplanner\tactive\n" in ok("user", "list")
        refused = _planner("user", "disable", "root", "--db", database_url, cwd=tmp_path)
        assert refused.returncode == 2 and "last active admin" in refused.stderr and "Traceback" not in refused.stderr
        for _ in range(2):
            sign_in(engine, "stranger", "guess", "10.0.0.4", throttle=Throttle(), slots=threading.Semaphore())
        assert "10.0.0.4: 2 failed sign-ins forgotten" in ok("user", "unlock", "--address", "10.0.0.4")
        assert "10.0.0.4 was not refused" in ok("user", "unlock", "--address", "10.0.0.4")
        both = _planner("user", "unlock", "li", "--address", "10.0.0.3", "--db", database_url, cwd=tmp_path)
        assert both.returncode == 2 and "not both" in both.stderr
        missing = _planner("user", "unlock", "nobody", "--db", database_url, cwd=tmp_path)
        assert missing.returncode == 2 and "no user 'nobody'" in missing.stderr
        with engine.connect() as conn:
            lines = conn.execute(select(Event.actor, Event.action, Event.source).where(
                Event.table_name == "users", Event.code == "li").order_by(Event.id)).all()
    finally:
        engine.dispose()
    assert [(e.actor, e.action) for e in lines] == [("helpdesk", "create"), ("ops", "role"), ("ops", "disable"),
                                                   ("ops", "enable"), ("sign-in", "lock"), ("night-shift", "unlock")]
    assert {e.source for e in lines if e.actor != "sign-in"} == {"cli"}
