"""A real app on each backend with the sample-like registry, and a real browser."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from planner.importing import prepare_import
from planner.registry import load_records
from planner.web import create_app
from tests.conftest import DATA

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def loaded(engine):
    load_records(engine, prepare_import(DATA / "areas.geojson", "areas"), actor="t")
    load_records(engine, prepare_import(DATA / "branches_zh.csv", "branches"), actor="t")
    return engine


@pytest.fixture
def app(loaded, tmp_path):
    app = create_app({"DATABASE_URL": loaded.url.render_as_string(hide_password=False), "TESTING": True},
                     instance_path=str(tmp_path / "instance"))
    app.extensions["planner.engine"] = loaded
    return app


@pytest.fixture
def client(app):
    return app.test_client()


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
