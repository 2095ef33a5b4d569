"""Sign-in throttling: lockout per account, refusal per address, unknown names like known ones, bounded hashing."""

from __future__ import annotations

import datetime as dt
import re
import statistics
import threading
import time

import pytest
import requests
from sqlalchemy import insert, select

from planner.registry.models import Event, SignInFailure, utcnow
from planner.web.auth import hash_slots
from tests.web.conftest import PASSWORD, csrf, sign_in


@pytest.fixture
def hashes(monkeypatch):
    """Counts the password hash checks sign-in makes, and the most running at once."""
    import planner.registry.accounts

    real, lock = planner.registry.accounts.check_password_hash, threading.Lock()
    seen = {"calls": 0, "running": 0, "most": 0}

    def counted(stored, password):
        with lock:
            seen["calls"] += 1
            seen["running"] += 1
            seen["most"] = max(seen["most"], seen["running"])
        try:
            return real(stored, password)
        finally:
            with lock:
                seen["running"] -= 1

    monkeypatch.setattr(planner.registry.accounts, "check_password_hash", counted)
    return seen


@pytest.fixture
def strict(app):
    """The app with small limits: 3 failures per name, 5 per address."""
    app.config.update(SIGNIN_MAX_FAILURES=3, SIGNIN_MAX_ADDRESS_FAILURES=5)
    return app


def _attempt(client, name, password, address="127.0.0.1"):
    page = client.get("/signin", environ_base={"REMOTE_ADDR": address}).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return client.post("/signin", data={"name": name, "password": password, "csrf_token": token},
                       environ_base={"REMOTE_ADDR": address})


def _events(engine, name):
    with engine.connect() as conn:
        return conn.execute(select(Event.actor, Event.action, Event.changes)
                            .where(Event.table_name == "users", Event.code == name).order_by(Event.id)).all()


@pytest.mark.parametrize("name", ["alice", "nobody"])
def test_a_name_locks_after_failures_and_is_refused_before_hashing(strict, engine, hashes, name):
    client = strict.test_client()
    assert [_attempt(client, name, "wrong guess").status_code for _ in range(3)] == [401, 401, 401]
    assert hashes["calls"] == 3  # an unknown name is hashed too (against a dummy)
    refused = _attempt(client, name, PASSWORD)  # even the right password, while locked
    assert refused.status_code == 429 and 'id="signin-refused"' in refused.get_data(as_text=True)
    assert hashes["calls"] == 3  # refused before any hashing
    assert _attempt(client, "paula", PASSWORD).status_code == 302  # other accounts are not affected
    if name == "alice":
        lock = [e for e in _events(engine, "alice") if e.action == "lock"]
        assert len(lock) == 1 and lock[0].actor == "sign-in" and lock[0].changes["failures"] == 3
        assert PASSWORD not in str(_events(engine, "alice")) and "wrong guess" not in str(_events(engine, "alice"))


def test_an_address_with_many_failures_is_refused_and_others_are_not(strict, hashes):
    client = strict.test_client()
    for name in ("a1", "a2", "a3", "a4", "a5"):
        assert _attempt(client, name, "wrong", address="10.0.0.9").status_code == 401
    assert _attempt(client, "alice", PASSWORD, address="10.0.0.9").status_code == 429
    assert hashes["calls"] == 5
    assert _attempt(client, "alice", PASSWORD, address="10.0.0.10").status_code == 302


def test_behind_a_trusted_proxy_each_client_is_counted_by_its_own_address(loaded, tmp_path, hashes):
    from planner.web import create_app

    app = create_app({"DATABASE_URL": loaded.url.render_as_string(hide_password=False), "TESTING": True,
                      "PROXY_HOPS": 1, "SIGNIN_MAX_ADDRESS_FAILURES": 5}, instance_path=str(tmp_path / "proxied"))
    app.extensions["planner.engine"] = loaded
    client = app.test_client()

    def attempt(name, password, client_address):
        page = client.get("/signin", headers={"X-Forwarded-For": client_address}).get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        return client.post("/signin", data={"name": name, "password": password, "csrf_token": token},
                           headers={"X-Forwarded-For": client_address})

    for name in ("a1", "a2", "a3", "a4", "a5"):  # one stranger behind the proxy
        assert attempt(name, "wrong", "203.0.113.7").status_code == 401
    assert attempt("alice", PASSWORD, "203.0.113.7").status_code == 429
    assert attempt("alice", PASSWORD, "198.51.100.2").status_code == 302  # everyone else still signs in


def test_an_operator_lifts_the_refusal_of_an_address(strict, engine, tmp_path):
    from planner.registry.sign_in import unlock_address

    client = strict.test_client()
    for name in ("a1", "a2", "a3", "a4", "a5"):
        assert _attempt(client, name, "wrong", address="10.0.0.9").status_code == 401
    assert _attempt(client, "alice", PASSWORD, address="10.0.0.9").status_code == 429
    assert unlock_address(engine, "10.0.0.9", actor="ops") == 5
    assert _attempt(client, "alice", PASSWORD, address="10.0.0.9").status_code == 302
    assert _events(engine, "*")[-1] == ("ops", "unlock", {"address": "10.0.0.9", "failures": 5})


def test_a_lock_ends_when_its_failures_leave_the_window(strict, engine):
    def fail(minutes_ago, count=3):
        with engine.begin() as conn:
            conn.execute(insert(SignInFailure), [{"at": utcnow() - dt.timedelta(minutes=minutes_ago),
                                                  "name": "alice", "address": "10.1.1.1"}] * count)

    fail(16)  # three failures, but longer ago than the 15-minute window
    assert _attempt(strict.test_client(), "alice", PASSWORD).status_code == 302
    fail(14)
    refused = _attempt(strict.test_client(), "alice", PASSWORD, address="10.2.2.2")
    assert refused.status_code == 429 and "1 分钟" in refused.get_data(as_text=True)  # until the oldest leaves


def test_an_admin_lifts_a_lock_on_the_users_page(strict, engine):
    client = strict.test_client()
    for _ in range(3):
        _attempt(client, "alice", "wrong")
    admin = sign_in(strict.test_client(), "ada")
    page = admin.get("/admin/users?lang=en").get_data(as_text=True)
    row = re.search(r'<tr data-user="alice">.*?</tr>', page, re.S).group(0)
    assert "locked until" in row and 'value="unlock"' in row
    done = admin.post("/admin/users/change", data={"name": "alice", "change": "unlock", "csrf_token": csrf(admin)})
    assert done.status_code == 303
    assert 'value="unlock"' not in admin.get("/admin/users").get_data(as_text=True)
    assert _attempt(client, "alice", PASSWORD).status_code == 302
    assert [(e.actor, e.action) for e in _events(engine, "alice")][-2:] == [("sign-in", "lock"), ("ada", "unlock")]


def test_a_sign_in_that_finds_no_free_hashing_slot_is_refused_not_queued(app, hashes):
    slots = hash_slots(app)
    assert slots.acquire(timeout=5)
    try:
        started = time.monotonic()
        refused = _attempt(app.test_client(), "alice", PASSWORD)
        waited = time.monotonic() - started
    finally:
        slots.release()
    assert refused.status_code == 429 and hashes["calls"] == 0 and waited < 10
    assert _attempt(app.test_client(), "alice", PASSWORD).status_code == 302


def test_unknown_and_known_names_take_comparable_time(app, hashes):
    client = app.test_client()

    def median(name):
        times = []
        for _ in range(4):
            started = time.perf_counter()
            assert _attempt(client, name, "not the password").status_code == 401
            times.append(time.perf_counter() - started)
        return statistics.median(times)

    known, unknown = median("alice"), median("nobody-here")
    assert hashes["calls"] == 8  # both paths hash
    assert unknown / known > 0.3 and known / unknown > 0.3, (known, unknown)


def test_a_storm_of_wrong_passwords_hashes_one_at_a_time_and_other_requests_are_answered(app, live_url, hashes):
    app.config.update(SIGNIN_MAX_FAILURES=1000, SIGNIN_MAX_ADDRESS_FAILURES=1000)
    statuses, stop = [], threading.Event()

    def storm(i):
        session = requests.Session()
        while not stop.is_set():
            page = session.get(f"{live_url}/signin").text
            token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
            statuses.append(session.post(f"{live_url}/signin", data={"name": f"guess{i}", "password": "x" * 9,
                                                                      "csrf_token": token}).status_code)

    threads = [threading.Thread(target=storm, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1.0)
        answers = [requests.get(f"{live_url}/static/planner.css", timeout=10).status_code for _ in range(5)]
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    assert answers == [200] * 5
    assert hashes["most"] == app.config["SIGNIN_HASH_SLOTS"] == 1
    assert set(statuses) <= {401, 429} and 401 in statuses
