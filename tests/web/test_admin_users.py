"""The users page: roles, disable/enable and their effect on sessions and tokens, in the history under the admin."""

from __future__ import annotations

import re

from sqlalchemy import select

from planner.registry.accounts import issue_token
from planner.registry.models import Event
from tests.web.api_support import TokenClient
from tests.web.conftest import PASSWORD, csrf, sign_in, signed_in_page


def _change(admin, name, change, **fields):
    return admin.post("/admin/users/change", data={"name": name, "change": change, "csrf_token": csrf(admin),
                                                   **fields}, follow_redirects=True)


def _row(admin, name) -> str:
    page = admin.get("/admin/users?lang=en").get_data(as_text=True)
    return re.search(rf'<tr data-user="{name}">.*?</tr>', page, re.S).group(0)


def _history(engine, name):
    with engine.connect() as conn:
        return conn.execute(select(Event.actor, Event.action, Event.changes, Event.source).where(
            Event.table_name == "users", Event.code == name).order_by(Event.id)).all()


def test_an_admin_changes_a_role_and_the_old_session_ends(app, engine):
    admin, alice = sign_in(app.test_client(), "ada"), sign_in(app.test_client(), "alice")
    assert alice.get("/coverage/").status_code == 403
    answer = _change(admin, "alice", "role", role="planner")
    assert answer.status_code == 200 and "alice" in answer.get_data(as_text=True)
    assert 'value="planner" selected' in _row(admin, "alice")
    assert alice.get("/review/").status_code == 302  # signed out by the change
    assert sign_in(app.test_client(), "alice").get("/coverage/").status_code == 200
    assert _history(engine, "alice")[-1] == ("ada", "role", {"role": ["staff", "planner"]}, "web")


def test_an_admin_disables_and_enables_an_account(app, engine, anonymous):
    token = issue_token(engine, "alice")
    admin, alice = sign_in(app.test_client(), "ada"), sign_in(app.test_client(), "alice")
    _change(admin, "alice", "disable")
    assert "disabled" in _row(admin, "alice") and 'value="enable"' in _row(admin, "alice")
    assert alice.get("/review/").status_code == 302
    assert TokenClient(anonymous, token).get("/api/layers/outlets").status_code == 401
    again = app.test_client()
    form = re.search(r'name="csrf_token" value="([^"]+)"', again.get("/signin").get_data(as_text=True)).group(1)
    assert again.post("/signin", data={"name": "alice", "password": PASSWORD, "csrf_token": form}
                      ).status_code == 401  # the right password no longer signs in
    _change(admin, "alice", "enable")
    assert TokenClient(anonymous, token).get("/api/layers/outlets").status_code == 200
    assert [(e.actor, e.action) for e in _history(engine, "alice")][-2:] == [("ada", "disable"), ("ada", "enable")]


def test_the_last_admin_cannot_lock_everyone_out_and_changes_need_an_admin(app):
    admin = sign_in(app.test_client(), "ada")
    refused = _change(admin, "ada", "disable").get_data(as_text=True)
    assert "最后一个有效的管理员" in refused
    assert admin.get("/review/").status_code == 200  # still signed in, still admin
    assert _change(admin, "alice", "promote").status_code == 400
    planner = sign_in(app.test_client(), "paula")
    assert planner.post("/admin/users/change", data={"name": "alice", "change": "disable",
                                                      "csrf_token": csrf(planner)}).status_code == 403


def test_disabling_on_the_page_in_a_browser_ends_the_users_session(app, browser, live_url):
    alice = sign_in(app.test_client(), "alice")
    page = signed_in_page(browser, live_url, "ada")
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(live_url + "/admin/users?lang=en")
    page.click('tr[data-user="alice"] button[value="disable"]')
    page.wait_for_selector('tr[data-user="alice"] button[value="enable"]')
    assert "disabled" in page.inner_text('tr[data-user="alice"]') and not dialogs
    assert alice.get("/review/").status_code == 302
    page.close()


def test_a_token_for_a_name_with_a_slash_and_a_long_unknown_name_echoed_short(app, engine):
    from planner.registry.accounts import add_user

    add_user(engine, "east/li", "staff", PASSWORD)
    admin = sign_in(app.test_client(), "ada")
    issued = admin.post("/admin/users/east/li/token", data={"csrf_token": csrf(admin)})
    assert issued.status_code == 200 and 'id="new-token"' in issued.get_data(as_text=True)
    admin.post("/admin/users/change", data={"csrf_token": csrf(admin), "name": "n" * 5000, "change": "disable"})
    assert len(admin.get_cookie("session").value) < 4000  # the flash kept in the cookie stays small
