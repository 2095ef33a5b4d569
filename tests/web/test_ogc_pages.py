"""The HTML representation of /ogc/ in a real browser: in the site's layout, no console errors, no horizontal
overflow at phone (390 px) and desk (1440 px) width, the items page's next link and table working."""

from __future__ import annotations

import threading

import pytest
from werkzeug.serving import make_server

from tests.web.conftest import ARTIFACTS, app_over, signed_in_page, watch
from tests.web.ogc_support import load_ogc_registry

SIZES = {"phone": {"width": 390, "height": 844}, "desk": {"width": 1440, "height": 900}}
PAGES = ("/ogc/?f=html", "/ogc/collections?f=html", "/ogc/collections/applicants-yiwu?f=html",
         "/ogc/collections/stations/items?f=html&limit=5", "/ogc/collections/applicants-yiwu/items?f=html",
         "/ogc/collections/areas/items?f=html&lang=en",
         "/ogc/collections/stations/items/S1?f=html")


@pytest.fixture
def ogc_url(engine, tmp_path):
    load_ogc_registry(engine, tmp_path)
    server = make_server("127.0.0.1", 0, app_over(engine, tmp_path), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.mark.parametrize("size", list(SIZES))
def test_ogc_pages_fit_and_run_clean(browser, ogc_url, size):
    page = signed_in_page(browser, ogc_url, "alice")
    page.set_viewport_size(SIZES[size])
    problems = watch(page, ogc_url)
    folder = ARTIFACTS / "pages"
    folder.mkdir(parents=True, exist_ok=True)
    for number, path in enumerate(PAGES):
        response = page.goto(ogc_url + path)
        assert response is not None and response.status == 200, path
        page.wait_for_timeout(200)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= SIZES[size]["width"], f"{path} is {width} px wide in a {SIZES[size]['width']} px window"
        page.screenshot(path=str(folder / f"ogc-{number}-{SIZES[size]['width']}.png"))
        clipped = page.evaluate("Array.from(document.querySelectorAll('.ogc-page code'))"
                                ".filter(e => e.getBoundingClientRect().right > innerWidth).length")
        assert clipped == 0, f"{path}: {clipped} URIs run past the window"
    page.goto(ogc_url + "/ogc/collections/stations/items?f=html&limit=5")
    assert page.locator("#ogc-table tbody tr").count() == 5
    with page.expect_navigation():
        page.click("#ogc-next")
    assert "offset=5" in page.url and page.locator("#ogc-table tbody tr").count() == 5
    assert not problems, problems
    page.close()
