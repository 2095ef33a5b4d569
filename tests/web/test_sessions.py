"""Sessions: revoked on the server (sign-out, password, role, disable), cookie flags, idle and absolute lifetimes."""

from __future__ import annotations

import re
import time

import pytest

from planner.registry.accounts import issue_token, set_disabled, set_password, set_role
from tests.web.api_support import TokenClient
from tests.web.conftest import PASSWORD, csrf, sign_in


def _copy_of(client, app):
    """Another browser holding a copy of `client`'s session cookie."""
    copy = app.test_client()
    copy.set_cookie("session", client.get_cookie("session").value)
    return copy


def _signed_in(client) -> bool:
    return client.get("/review/").status_code == 200


def test_a_copied_cookie_stops_working_after_sign_out_and_so_do_other_sessions(app):
    alice = sign_in(app.test_client(), "alice")
    elsewhere = sign_in(app.test_client(), "alice")  # the same person in another browser
    stolen = _copy_of(alice, app)
    assert _signed_in(stolen) and _signed_in(elsewhere)
    assert alice.post("/signout", data={"csrf_token": csrf(alice)}).status_code == 302
    assert not _signed_in(alice)
    refused = stolen.get("/review/")
    assert refused.status_code == 302 and "/signin" in refused.headers["Location"]
    assert not _signed_in(elsewhere)  # sign-out ends every session of the account
    assert stolen.get("/api/layers/outlets").status_code == 401
    assert _signed_in(sign_in(app.test_client(), "alice"))  # signing in again works


@pytest.mark.parametrize("change", ["password", "role", "disable"])
def test_a_copied_cookie_stops_working_after_an_account_change(app, engine, change):
    alice = sign_in(app.test_client(), "alice")
    stolen = _copy_of(alice, app)
    paula = sign_in(app.test_client(), "paula")
    assert _signed_in(stolen)
    if change == "password":
        set_password(engine, "alice", "a brand new password", actor="ada")
    elif change == "role":
        set_role(engine, "alice", "planner", actor="ada")
    else:
        set_disabled(engine, "alice", True, actor="ada")
    assert not _signed_in(stolen) and not _signed_in(alice)
    assert _signed_in(paula)  # other accounts keep their sessions


def test_disabling_stops_the_token_at_once_and_enabling_does_not_revive_old_sessions(app, engine, anonymous):
    token = issue_token(engine, "alice")
    api = TokenClient(anonymous, token)
    alice = sign_in(app.test_client(), "alice")
    assert api.get("/api/layers/outlets").status_code == 200
    set_disabled(engine, "alice", True, actor="ada")
    assert api.get("/api/layers/outlets").status_code == 401
    assert api.post("/api/check", json={"lon": 116.66, "lat": 40.13}).status_code == 401  # the fast path too
    set_disabled(engine, "alice", False, actor="ada")
    assert api.get("/api/layers/outlets").status_code == 200
    assert not _signed_in(alice)
    assert _signed_in(sign_in(app.test_client(), "alice"))


def _session_cookie(response) -> str:
    return next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))


def _sign_in_response(client, base_url="http://localhost"):
    page = client.get("/signin", base_url=base_url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return client.post("/signin", data={"name": "alice", "password": PASSWORD, "csrf_token": token}, base_url=base_url)


def test_the_session_cookie_is_http_only_same_site_lax_and_secure_when_asked_or_over_https(app):
    plain = _session_cookie(_sign_in_response(app.test_client()))
    assert "HttpOnly" in plain and "SameSite=Lax" in plain and "Secure" not in plain
    over_https = _session_cookie(_sign_in_response(app.test_client(), "https://localhost"))
    assert "Secure" in over_https and "SameSite=Lax" in over_https
    app.config["SESSION_COOKIE_SECURE"] = True  # PLANNER_SECURE_COOKIES=1, e.g. behind a TLS proxy
    assert "Secure" in _session_cookie(_sign_in_response(app.test_client()))


def test_secure_cookies_and_lifetimes_come_from_the_environment(monkeypatch, tmp_path):
    from planner.errors import UsageError
    from planner.web import create_app

    monkeypatch.setenv("PLANNER_SECURE_COOKIES", "1")
    monkeypatch.setenv("PLANNER_SESSION_IDLE_MIN", "30")
    monkeypatch.setenv("PLANNER_SESSION_MAX_HOURS", "12")
    config = create_app({"TESTING": True}, instance_path=str(tmp_path)).config
    assert config["SESSION_COOKIE_SECURE"] is True and config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert (config["SESSION_IDLE_MINUTES"], config["SESSION_MAX_HOURS"]) == (30, 12)
    monkeypatch.setenv("PLANNER_SESSION_IDLE_MIN", "eight hours")
    with pytest.raises(UsageError, match="PLANNER_SESSION_IDLE_MIN"):
        create_app({"TESTING": True}, instance_path=str(tmp_path))


def test_an_idle_session_ends_and_a_used_one_stays(app):
    idle = app.config["SESSION_IDLE_MINUTES"] * 60
    alice = sign_in(app.test_client(), "alice")
    with alice.session_transaction() as session:
        session["seen"] = int(time.time()) - idle + 120  # used two minutes before the limit
    assert _signed_in(alice)
    with alice.session_transaction() as session:
        assert session["seen"] >= time.time() - 5  # the request counted as use
        session["seen"] = int(time.time()) - idle - 5
    refused = alice.get("/review/")
    assert refused.status_code == 302 and "/signin" in refused.headers["Location"]
    assert not _signed_in(alice)  # the session was emptied, not just refused once


def test_a_session_ends_at_its_absolute_lifetime_however_busy(app):
    lifetime = app.config["SESSION_MAX_HOURS"] * 3600
    alice = sign_in(app.test_client(), "alice")
    with alice.session_transaction() as session:
        session["since"] = int(time.time()) - lifetime + 60
    assert _signed_in(alice)
    with alice.session_transaction() as session:
        session["since"] = int(time.time()) - lifetime - 5
    assert not _signed_in(alice)


def test_a_session_from_before_generations_is_refused(app):
    alice = sign_in(app.test_client(), "alice")
    with alice.session_transaction() as session:
        del session["gen"]
    assert not _signed_in(alice)
