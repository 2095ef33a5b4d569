"""The overview map: served assets only, data layers drawn without any tile server."""

import json
import re

from tests.web.conftest import ARTIFACTS


def test_page_uses_no_external_scripts_or_styles(client):
    html = client.get("/").get_data(as_text=True)
    external = re.findall(r'<(?:script|link)[^>]+(?:src|href)="(https?://[^"]+)"', html)
    assert external == []
    assert "/static/vendor/leaflet/leaflet.js" in html
    for name in ("顺义邮政支局", "东庄村"):  # folium writes JSON with \u escapes
        assert json.dumps(name)[1:-1] in html


def test_english_is_available_and_remembered(client):
    html = client.get("/?lang=en").get_data(as_text=True)
    assert "Post outlets" in html
    assert "Post outlets" in client.get("/").get_data(as_text=True)  # cookie


def test_static_leaflet_is_served(client):
    response = client.get("/static/vendor/leaflet/leaflet.js")
    assert response.status_code == 200 and b"Leaflet" in response.data[:400]


def test_map_draws_layers_in_a_browser_without_internet(browser, live_url, backend):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    outside = []

    def route(route):
        if route.request.url.startswith(live_url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_url + "/")
    page.wait_for_function("window.__mapReady === true", timeout=15000)
    drawn = page.evaluate("""() => {
        const counts = {};
        window.__planner.map.eachLayer(l => { if (l.feature) {
            const t = l.feature.geometry.type; counts[t] = (counts[t] || 0) + 1; } });
        return counts;
    }""")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"overview-{backend}.png"))
    page.close()
    assert errors == []
    assert drawn.get("Point") == 3 and drawn.get("MultiPolygon") == 2
    assert all("tile" in url or "openstreetmap" in url for url in outside)  # only tiles went outside
