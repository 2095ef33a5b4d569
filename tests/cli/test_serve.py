"""`planner demo` and `planner user` as a user runs them: a real server process, a real sign-in over HTTP."""

from __future__ import annotations

import http.cookiejar
import re
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

from tests.cli_support import PLANNER, run


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _sign_in(base: str, name: str, password: str):
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(base + "/signin").read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"name": name, "password": password, "csrf_token": token, "next": "/"}).encode()
    return opener, opener.open(base + "/signin", data=form)


def test_demo_serves_the_sample_and_prints_a_working_sign_in(tmp_path):
    port = _free_port()
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PLANNER_USER": "cli-test"}
    server = subprocess.Popen([PLANNER, "demo", "--port", str(port)], cwd=tmp_path, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        line = ""
        deadline = time.time() + 240
        while "sign in as" not in line and time.time() < deadline:
            line = server.stdout.readline()
            assert line or server.poll() is None, "demo exited early"
        name, password = re.search(r"sign in as (\S+) / (\S+)\)", line).groups()
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/api/openapi.json", timeout=2)  # noqa: S310 - http://127.0.0.1 only
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        opener, answer = _sign_in(base, name, password)
        assert answer.status == 200 and answer.url.endswith("/")
        html = answer.read().decode()
        assert 'id="overview-config"' in html and name in html
        stations = opener.open(base + "/api/layers/stations?limit=5").read().decode()
        assert '"FeatureCollection"' in stations
        try:
            _sign_in(base, name, "wrong password")
            raise AssertionError("a wrong password signed in")
        except urllib.error.HTTPError as exc:
            assert exc.code == 401
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_user_commands_create_accounts_and_tokens(tmp_path):
    db = str(tmp_path / "p.sqlite")
    added = subprocess.run([PLANNER, "user", "add", "wang", "--role", "staff", "--password-stdin", "--token",
                            "--db", db], input="a long password\n", capture_output=True, text=True, cwd=tmp_path,
                           env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert added.returncode == 0, added.stderr
    assert "wang (staff) created" in added.stdout and re.search(r"API token: \S{40,}", added.stdout)
    again = subprocess.run([PLANNER, "user", "add", "wang", "--role", "staff", "--password-stdin", "--db", db],
                           input="a long password\n", capture_output=True, text=True, cwd=tmp_path,
                           env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PLANNER_LANG": "en"})
    assert again.returncode != 0 and "exists already" in again.stderr
    short = subprocess.run([PLANNER, "user", "add", "li", "--role", "admin", "--password-stdin", "--db", db],
                           input="short\n", capture_output=True, text=True, cwd=tmp_path,
                           env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PLANNER_LANG": "en"})
    assert short.returncode == 2 and "at least 8" in short.stderr
    listed = run("user", "list", "--db", db, cwd=tmp_path)
    assert listed.stdout.split() == ["wang", "staff", "active"]
