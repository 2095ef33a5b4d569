"""A real app on each backend with the sample-like registry, and a real browser."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from planner.files.imports import prepare_import
from planner.registry.accounts import add_user
from planner.registry.tables import load_records
from planner.web import create_app
from tests.conftest import DATA

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "correct horse battery"
USERS = {"alice": "staff", "paula": "planner", "ada": "admin"}


def sign_in(client, name: str = "paula"):
    """Sign the test client in through the real form (CSRF token from the page)."""
    page = client.get("/signin").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/signin", data={"name": name, "password": PASSWORD, "csrf_token": token, "next": "/"})
    assert response.status_code == 302, f"sign-in of {name} failed"
    return client


def csrf(client) -> str:
    """The signed-in session's CSRF token, as the pages embed it."""
    return re.search(r'name="csrf-token" content="([^"]+)"', client.get("/review/").get_data(as_text=True)).group(1)


def wait_for_check(client, location: str) -> dict:
    """The status of the batch check at `location` once it is done or failed (each runs in a worker process
    of its own: allow for its start-up)."""
    for _ in range(1200):
        status = client.get(location + "/status").get_json()
        if status["state"] in ("done", "failed"):
            return status
        time.sleep(0.05)
    raise AssertionError("check did not finish")


def signed_in_page(browser, live_url: str, name: str = "paula", **options):
    """A new browser page whose tab has signed in as `name` through the sign-in form."""
    page = browser.new_page(viewport={"width": 1280, "height": 800}, **options)
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(live_url) else r.abort())
    page.goto(live_url + "/signin")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(live_url + "/")
    return page


def watch(page, live_url: str) -> list[str]:
    """A list that collects the page's console errors and script failures, but not a base map's tiles failing to
    load (tests refuse every request that is not to the live server, as an office without internet would)."""
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" and not (
        m.text.startswith("Failed to load resource") and not (m.location or {}).get("url", "").startswith(live_url))
        else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems


def wait_until(page, expression: str, timeout: float = 30.0):
    """The value of `expression` in the page once it is truthy (across navigations).

    Not page.wait_for_function: it polls by eval() inside the page, which the pages'
    Content-Security-Policy refuses ('unsafe-eval' is not allowed); page.evaluate is not subject to it.
    """
    from playwright.sync_api import Error

    deadline = time.monotonic() + timeout
    while True:
        try:
            value = page.evaluate(expression)
            if value:
                return value
        except Error as exc:  # the page navigated while we asked
            if "context was destroyed" not in str(exc) and "navigat" not in str(exc):
                raise
        if time.monotonic() > deadline:
            raise AssertionError(f"{expression} still false after {timeout} s on {page.url}")
        page.wait_for_timeout(50)


def add_test_users(engine):
    """The test accounts (USERS, all with PASSWORD)."""
    for name, role in USERS.items():
        add_user(engine, name, role, PASSWORD)
    return engine


def app_over(engine, tmp_path):
    """The app over the registry in `engine`."""
    app = create_app({"DATABASE_URL": engine.url.render_as_string(hide_password=False), "TESTING": True},
                     instance_path=str(tmp_path / "instance"))
    app.extensions["planner.engine"] = engine
    return app


@pytest.fixture
def loaded(engine):
    load_records(engine, prepare_import(DATA / "areas.geojson", "areas"), actor="t")
    load_records(engine, prepare_import(DATA / "branches_zh.csv", "branches"), actor="t")
    return add_test_users(engine)


@pytest.fixture
def app(loaded, tmp_path):
    return app_over(loaded, tmp_path)


@pytest.fixture
def anonymous(app):
    return app.test_client()


@pytest.fixture
def client(app):
    """A test client signed in as paula, a planner."""
    return sign_in(app.test_client(), "paula")


@pytest.fixture
def live_url(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield browser
        browser.close()
