"""The overview map: served assets only, data layers drawn without any tile server."""

import json
import re

from planner.registry import count_rows
from planner.spatial.chinacoords import wgs84_to_gcj02
from planner.spatial.geodesic import GEOD
from tests.check_support import load_small_registry, offset
from tests.web.conftest import ARTIFACTS, signed_in_page, wait_until


def test_page_uses_no_external_scripts_or_styles(client):
    html = client.get("/").get_data(as_text=True)
    external = re.findall(r'<(?:script|link)[^>]+(?:src|href)="(https?://[^"]+)"', html)
    assert external == []
    assert "/static/vendor/leaflet/leaflet.js" in html and "/static/overview.js" in html
    for name in ("顺义邮政支局", "东庄村"):  # data come from the API, never inlined
        assert name not in html and json.dumps(name)[1:-1] not in html
    config = json.loads(re.search(r'id="overview-config">(.*?)</script>', html, re.S).group(1))
    assert config["layers"] == ["areas", "outlets", "stations", "candidates"] and config["display"] == "wgs84"


def test_english_is_available_and_remembered(client):
    html = client.get("/?lang=en").get_data(as_text=True)
    assert "Post outlets" in html
    assert "Post outlets" in client.get("/").get_data(as_text=True)  # cookie


def test_static_leaflet_is_served(client):
    response = client.get("/static/vendor/leaflet/leaflet.js")
    assert response.status_code == 200 and b"Leaflet" in response.data[:400]


def test_layers_carry_nearest_sites_and_verdicts(client, engine):
    load_small_registry(engine)
    data = client.get("/api/layers/candidates?profile=yiwu").get_json()
    props = {f["properties"]["code"]: f["properties"] for f in data["features"]}
    r2 = props["R2"]  # open applicant at 116.628, 40.118
    outlets = {f["properties"]["code"]: f["geometry"]["coordinates"]
               for f in client.get("/api/layers/outlets").get_json()["features"] if f["properties"]["kind"] == "branch"}
    distances = {c: GEOD.inv(116.628, 40.118, *xy)[2] for c, xy in outlets.items()}
    nearest = min(distances, key=distances.get)
    assert r2["nearest_outlet"] == nearest and abs(r2["nearest_outlet_m"] - distances[nearest]) < 0.01
    assert r2["verdict"] == ("pass" if min(distances.values()) >= 500 and r2["nearest_station_m"] >= 500 else "fail")
    assert props["R1"]["verdict"] is None and props["R1"]["nearest_station"] != "R1"  # approved: not its own neighbour
    stations = {f["properties"]["code"]: f["properties"] for f in
                client.get("/api/layers/stations?profile=yiwu").get_json()["features"]}
    assert stations["S1"]["nearest_station"] == "R1"  # never itself; approved applicants count


def test_amap_base_map_shifts_layers_to_gcj02(client, engine):
    load_small_registry(engine)
    html = client.get("/?basemap=amap").get_data(as_text=True)
    assert '"display": "gcj02"' in html or '"display":"gcj02"' in html
    shifted = client.get("/api/layers/stations?display=gcj02").get_json()["features"]
    s1 = next(f for f in shifted if f["properties"]["code"] == "S1")["geometry"]["coordinates"]
    expected = wgs84_to_gcj02(116.615, 40.115)
    assert abs(s1[0] - float(expected[0])) < 1e-7 and abs(s1[1] - float(expected[1])) < 1e-7
    assert GEOD.inv(116.615, 40.115, *s1)[2] > 100  # the GCJ-02 offset is hundreds of metres here


def test_overview_draws_toggles_and_explains_in_a_browser_without_internet(browser, live_url, engine, backend):
    load_small_registry(engine)
    page = signed_in_page(browser, live_url)
    outside, errors = [], []
    page.unroute("**/*")

    def route(route):
        if route.request.url.startswith(live_url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_url + "/")
    wait_until(page, "window.__overviewDrawn !== undefined")
    drawn = page.evaluate("window.__overviewDrawn")
    counts = count_rows(engine)
    assert drawn == {name: counts[name] for name in ("areas", "outlets", "stations", "candidates")}, drawn
    assert drawn["outlets"] == 5 and drawn["candidates"] == 2
    # Toggle the applicants layer off and on with the layer control.
    label = page.locator(".leaflet-control-layers-overlays label", has_text="加盟申请户")
    label.locator("input").uncheck()
    assert page.evaluate("window.__planner.map.hasLayer(window.__planner.layers.candidates)") is False
    label.locator("input").check()
    assert page.evaluate("window.__planner.map.hasLayer(window.__planner.layers.candidates)") is True
    # Click an applicant: the popup names its nearest outlet with the distance.
    point = page.evaluate("""() => { const m = window.__planner.map;
        const at = window.__planner.layers.candidates.latLngOf('R2');
        m.setView(at, 15, {animate: false});
        const p = m.latLngToContainerPoint(at); const r = m.getContainer().getBoundingClientRect();
        return {x: r.left + p.x, y: r.top + p.y}; }""")
    page.wait_for_timeout(300)
    page.mouse.click(point["x"], point["y"])
    popup = page.locator(".leaflet-popup-content", has_text="最近邮政网点").inner_text(timeout=5000)
    assert "R2" in popup and "米" in popup and "最近邮政网点" in popup
    page.wait_for_timeout(400)  # let the popup finish fading in for the screenshot
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"overview-{backend}.png"))
    page.close()
    assert errors == []
    assert all("tile" in url or "openstreetmap" in url for url in outside)  # only tiles went outside
