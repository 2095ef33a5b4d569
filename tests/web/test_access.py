"""Who may do what: sign-in, roles, CSRF on session changes, bearer tokens for the API."""

from __future__ import annotations

from planner.registry.accounts import account, issue_token
from tests.web.api_support import TokenClient
from tests.web.conftest import PASSWORD, csrf, sign_in


def test_pages_need_a_signed_in_user(anonymous):
    response = anonymous.get("/review/?lang=en")
    assert response.status_code == 302 and "/signin?next=/review/" in response.headers["Location"]
    assert anonymous.get("/api/layers/outlets").status_code == 401
    assert anonymous.get("/api/layers/outlets").get_json()["message"]
    assert anonymous.get("/api/openapi.json").status_code == 200  # the description is public
    assert anonymous.get("/static/planner.css").status_code == 200


def test_wrong_password_is_refused_and_the_right_one_signs_in(anonymous):
    page = anonymous.get("/signin").get_data(as_text=True)
    import re

    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    wrong = anonymous.post("/signin", data={"name": "alice", "password": "nope", "csrf_token": token})
    assert wrong.status_code == 401 and 'id="signin-failed"' in wrong.get_data(as_text=True)
    right = anonymous.post("/signin", data={"name": "alice", "password": PASSWORD, "csrf_token": token,
                                           "next": "https://evil.example/"})
    assert right.status_code == 302 and right.headers["Location"] == "/"  # never off-site
    assert "alice" in anonymous.get("/review/").get_data(as_text=True)


def test_roles_limit_pages(app):
    staff = sign_in(app.test_client(), "alice")
    assert staff.get("/coverage/").status_code == 403
    assert staff.get("/admin/users").status_code == 403
    admin = sign_in(app.test_client(), "ada")
    assert admin.get("/admin/users").status_code == 200


def test_session_changes_need_the_csrf_token(client):
    body = {"lon": 116.638, "lat": 40.118}  # in community A2: the check refuses places outside the district
    refused = client.post("/api/check", json=body)
    assert refused.status_code == 400 and "CSRF" in refused.get_json()["message"]
    accepted = client.post("/api/check", json=body, headers={"X-CSRF-Token": csrf(client)})
    # B001, the nearest branch, is 1906.68 m away (pyproj.Geod); the registry has no stations.
    assert accepted.status_code == 200
    answer = accepted.get_json()
    assert (answer["verdict"], answer["reasons"], answer["nearest_outlet"], answer["nearest_station"]) == (
        "pass", [], {"code": "B001", "distance_m": 1906.68}, None)


def test_tokens_authenticate_api_calls_and_a_new_token_replaces_the_old(anonymous, engine):
    old = issue_token(engine, "paula")
    assert TokenClient(anonymous, old).get("/api/layers/outlets").status_code == 200
    new = issue_token(engine, "paula")
    assert TokenClient(anonymous, old).get("/api/layers/outlets").status_code == 401
    assert TokenClient(anonymous, new).post("/api/check", json={"lon": 116.638, "lat": 40.118}).status_code == 200


def test_admin_adds_a_user_and_issues_a_token_on_the_page(app, engine):
    admin = sign_in(app.test_client(), "ada")
    token = csrf(admin)
    added = admin.post("/admin/users", data={"name": "li", "role": "staff", "password": "long enough pw",
                                              "csrf_token": token})
    assert added.status_code == 303
    sign_in_li = app.test_client()
    import re

    page = sign_in_li.get("/signin").get_data(as_text=True)
    form = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert sign_in_li.post("/signin", data={"name": "li", "password": "long enough pw",
                                           "csrf_token": form}).status_code == 302
    issued = admin.post("/admin/users/li/token", data={"csrf_token": token}).get_data(as_text=True)
    new_token = re.search(r'id="new-token">([^<]+)<', issued).group(1)
    assert TokenClient(app.test_client(), new_token).get("/api/layers/stations").status_code == 200
    short = admin.post("/admin/users", data={"name": "x", "role": "staff", "password": "short",
                                             "csrf_token": token}, follow_redirects=True)
    assert "密码至少需要 8 个字符" in short.get_data(as_text=True)
    assert account(engine, "x") is None and account(engine, "li").role == "staff"
