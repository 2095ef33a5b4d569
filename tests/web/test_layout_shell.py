"""The layout shell in a real browser: the base-map choice both ways (kept in a cookie), the note over a map
whose tiles cannot load (tests refuse every request off this machine), at a phone's and a desktop's size."""

from __future__ import annotations

import pytest

from tests.web.conftest import ARTIFACTS, signed_in_page, wait_until

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}


def _own_errors(page, live_url):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    def console(message):
        where = (message.location or {}).get("url", "")
        if message.type == "error" and (where.startswith(live_url) or not where):
            if "Failed to load resource" not in message.text:  # a refused tile image: reported as a note
                errors.append(message.text)

    page.on("console", console)
    return errors


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_base_map_choice_switches_both_ways_and_is_remembered(browser, live_url, backend, viewport):
    page = signed_in_page(browser, live_url)
    page.set_viewport_size(viewport)
    errors = _own_errors(page, live_url)
    page.goto(live_url + "/?profile=yiwu")
    wait_until(page, "window.__mapReady === true && document.readyState === 'complete'")
    if viewport is PHONE:
        page.click("#menu-button")
    page.select_option("#basemap-choice", "none")
    page.wait_for_url("**basemap=none**")
    wait_until(page, "window.__mapReady === true")
    assert "profile=yiwu" in page.url  # the page's other query values stay
    assert page.evaluate("document.querySelectorAll('.leaflet-tile').length") == 0
    assert page.evaluate("window.__planner.tiles") is None
    page.goto(live_url + "/exits/")  # remembered on the next page
    assert page.eval_on_selector("#basemap-choice", "s => s.value") == "none"
    if viewport is PHONE:
        page.click("#menu-button")
    page.select_option("#basemap-choice", "osm")
    page.wait_for_url("**basemap=osm**")
    page.goto(live_url + "/")
    wait_until(page, "window.__mapReady === true")
    # Offline: the tiles fail, the map says so once and no longer credits OpenStreetMap.
    note = page.locator("#tile-note")
    note.wait_for(timeout=10_000)
    assert page.locator(".tile-note").count() == 1
    assert "底图" in note.inner_text()
    assert "OpenStreetMap" not in page.inner_text(".leaflet-control-attribution")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"shell-basemap-{backend}-{viewport['width']}.png"))
    page.goto(live_url + "/?lang=en")
    page.locator("#tile-note").wait_for(timeout=10_000)
    assert "Base map tiles could not be loaded" in page.inner_text("#tile-note")
    page.close()
    assert errors == []


def test_the_page_loads_while_tile_servers_hang(browser, live_url, backend):
    """A tile server that never answers holds back neither the page's load nor the map's flag."""
    page = signed_in_page(browser, live_url)
    page.unroute("**/*")
    hanging = []
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(live_url) else hanging.append(r))
    page.goto(live_url + "/", wait_until="load", timeout=15_000)
    assert page.evaluate("window.__mapReady") is True
    wait_until(page, "document.querySelectorAll('.leaflet-tile').length > 0")  # the tiles were asked for
    assert hanging
    for route in hanging:
        route.abort()
    page.close()
