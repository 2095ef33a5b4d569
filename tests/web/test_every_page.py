"""Every page of the workspace, on the sample district, at phone size (390×844) and desk size (1440×900).

For each page and each size: it answers 200, the document is no wider than the window (no sideways scroll),
nothing is written to the console as an error and no script fails, and on a phone a map page gives its map
at least 60 % of the window's height. A screenshot of each is kept in test-artifacts/pages/ (the README's
screenshots come from the same pages: docs/screenshots.py).

One sample registry (the demo's: 664 areas, 43 outlets, 180 stations, 60 applicants, the walking network)
is built once for the module on the embedded database; the pages' registry logic is tested on both
backends by the tests of each page.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from sqlalchemy import text
from werkzeug.serving import make_server

from planner.cli.demo import build_demo_database, sample_dir
from planner.registry.engine import make_engine
from tests.web.conftest import ARTIFACTS, add_test_users, app_over, signed_in_page, wait_until, watch

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1440, "height": 900}
SIZES = {"phone": PHONE, "desk": DESK}
# docs/screenshots.py sets this to write the README's screenshots (JPEG, smaller) from these same pages.
README_SHOTS = os.environ.get("PLANNER_README_SCREENSHOTS")
README_PAGES = {"overview", "check-result", "coverage", "candidate", "station", "review", "exits", "ranking", "search"}


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The sample district served live, with a finished batch check of the sample applicant list."""
    folder = tmp_path_factory.mktemp("sample")
    engine = make_engine(f"sqlite:///{folder / 'planner.sqlite'}")
    list(build_demo_database(engine, actor="test"))
    add_test_users(engine)
    app = app_over(engine, folder)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}"
    with engine.connect() as connection:
        candidate = connection.execute(text("SELECT code FROM candidates ORDER BY code LIMIT 1")).scalar_one()
        station = connection.execute(text("SELECT code FROM stations ORDER BY code LIMIT 1")).scalar_one()
    yield {"url": url, "app": app, "candidate": candidate, "station": station, "folder": folder}
    server.shutdown()
    engine.dispose()


@pytest.fixture(scope="module")
def check_token(sample, browser):
    """A batch check of the sample applicant list, submitted through the form as a planner would."""
    page = signed_in_page(browser, sample["url"], "paula")
    upload = sample["folder"] / "candidates.xlsx"
    shutil.copy(sample_dir() / "candidates.xlsx", upload)
    page.goto(sample["url"] + "/check/")
    page.set_input_files("input[type=file]", str(upload))
    page.check("input[name=crs][value=gcj02]")  # the sample list was taken from Amap
    page.click("#check-form button[type=submit]")
    page.wait_for_url(sample["url"] + "/check/*")
    token = page.url.rstrip("/").rsplit("/", 1)[-1]
    for _ in range(240):  # asked with the page's cookies, not in the page: it reloads itself when the check ends
        if page.request.get(f"{sample['url']}/check/{token}/status").json()["state"] in ("done", "failed"):
            break
        page.wait_for_timeout(500)
    page.close()
    return token


# (name, path, role, is a map page); paths may name the sample's codes.
PAGES = [
    ("signin", "/signin", None, False),
    ("overview", "/", "paula", True),
    ("review", "/review/", "alice", False),
    ("check-form", "/check/", "alice", False),
    ("check-result", "/check/{token}", "paula", True),
    ("exits", "/exits/", "alice", True),
    ("coverage", "/coverage/", "paula", True),
    ("monthly", "/reports/monthly", "paula", False),
    ("users", "/admin/users", "ada", False),
    ("candidate", "/candidates/{candidate}", "alice", True),
    ("station", "/stations/{station}", "alice", True),
    ("ranking", "/ranking/?n=5", "paula", True),
    ("search", "/search/?q=超市", "alice", False),
    ("imports", "/imports/", "paula", False),
    ("api-docs", "/docs/api", "alice", False),
    ("not-found", "/no-such-page", "alice", False),
]


def _open(browser, sample, role, size):
    if role is None:
        page = browser.new_page(viewport=size)
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(sample["url"]) else r.abort())
        return page
    page = signed_in_page(browser, sample["url"], role)
    page.set_viewport_size(size)
    return page


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize(("name", "path", "role", "is_map"), PAGES, ids=[p[0] for p in PAGES])
def test_every_page_fits_the_window_and_runs_clean(browser, sample, check_token, size, name, path, role, is_map):
    page = _open(browser, sample, role, SIZES[size])
    problems = watch(page, sample["url"])
    target = sample["url"] + path.format(token=check_token, candidate=sample["candidate"], station=sample["station"])
    response = page.goto(target)
    expected = 404 if name == "not-found" else 200
    assert response is not None and response.status == expected, f"{name}: {response and response.status}"
    if is_map:
        wait_until(page, "window.__mapReady === true", 60)
    page.wait_for_timeout(300)  # late layout (fonts, fetched layers)
    folder = ARTIFACTS / "pages"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}-{SIZES[size]['width']}.png"), full_page=False)
    if README_SHOTS and name in README_PAGES:
        Path(README_SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(README_SHOTS) / f"{name}-{SIZES[size]['width']}.jpg"), type="jpeg", quality=70)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= SIZES[size]["width"], f"{name} is {width} px wide in a {SIZES[size]['width']} px window"
    if is_map:
        box = page.locator(".map-frame").first.bounding_box()
        assert box is not None
        assert box["width"] >= SIZES[size]["width"] * (0.95 if size == "phone" else 0.5)
        if size == "phone":
            assert box["height"] >= 0.6 * PHONE["height"], f"{name}: the map is {box['height']:.0f} px high"
    # 404 pages log their own status as a console error in Chromium: that one is expected.
    problems = [p for p in problems if not (name == "not-found" and "404" in p)]
    assert not problems, f"{name}: {problems}"
    page.close()
