"""The site pages' maps (candidate, station): a legend of what is drawn, the map fitted to the site and its nearest
outlet and station with the distance labels beside the points, and a relocation picked on the map or typed in
WGS84, GCJ-02 or BD-09 (converted on the server, then held to the region rule)."""

import re

import pytest

from planner.spatial.chinacoords import wgs84_to_bd09, wgs84_to_gcj02
from tests.check_support import load_small_registry, offset
from tests.file_support import load_file, write_xlsx
from tests.web.conftest import ARTIFACTS, sign_in, signed_in_page, wait_until, watch

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1440, "height": 900}


def _shop(engine, tmp_path, position):
    headers = ["序号", "店名", "状态", "经度", "纬度", "营业面积", "户外标识位", "通信线路"]
    path = write_xlsx(tmp_path / "c.xlsx", headers, [["C9", "远处商店", "待勘察", position[0], position[1], 20, "有",
                                                      "有"]])
    load_file(engine, path, "candidates", actor="alice")


def _in_view(page, name):
    """Whether the map shows the point `name` of the page's settings, inside its bounds."""
    return page.evaluate(f"""(() => {{
        const cfg = JSON.parse(document.getElementById("site-map-config").textContent);
        const map = window.__planner.map;
        return map.getBounds().contains(L.latLng(cfg.points[{name!r}]));
    }})()""")


def _label_clear_of(page, kind, point):
    """Whether the distance label of the `kind` line leaves the marker of `point` uncovered."""
    return page.evaluate(f"""(() => {{
        const cfg = JSON.parse(document.getElementById("site-map-config").textContent);
        const map = window.__planner.map;
        const label = document.querySelector(".distance-label-{kind}").getBoundingClientRect();
        const box = map.getContainer().getBoundingClientRect();
        const at = map.latLngToContainerPoint(L.latLng(cfg.points[{point!r}]));
        const x = at.x + box.left, y = at.y + box.top;
        return !(x >= label.left && x <= label.right && y >= label.top && y <= label.bottom);
    }})()""")


@pytest.mark.parametrize("size", [PHONE, DESK], ids=["phone", "desk"])
def test_candidate_map_shows_the_far_outlet_a_legend_and_clear_labels(browser, live_url, engine, backend, tmp_path,
                                                                      size):
    load_small_registry(engine)
    _shop(engine, tmp_path, offset("O1", 3400, 270))  # the nearest outlet 3.4 km east, the station further
    page = signed_in_page(browser, live_url)
    problems = watch(page, live_url)
    page.set_viewport_size(size)
    page.goto(live_url + "/candidates/C9?basemap=none")
    wait_until(page, "window.__mapReady === true")
    assert "O1" in page.inner_text("#nearest-outlet") and "3,400.0" in page.inner_text("#nearest-outlet")
    assert _in_view(page, "outlet") and _in_view(page, "station") and _in_view(page, "site")
    assert _label_clear_of(page, "outlet", "site") and _label_clear_of(page, "outlet", "outlet")
    assert _label_clear_of(page, "station", "site") and _label_clear_of(page, "station", "station")
    assert page.evaluate("""(() => {
        const [a, b] = [".distance-label-outlet", ".distance-label-station"].map(
            (s) => document.querySelector(s).getBoundingClientRect());
        return a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top;
    })()"""), "the two distance labels overlap"
    legend = page.locator("#map-legend li").all_text_contents()  # (folded on phones)
    assert legend[:3] == ["本址", "最近邮政网点", "最近便民服务站"], legend
    assert any("距网点最小距离" in item for item in legend)
    assert page.locator("#map-legend").is_visible()
    assert page.locator(".leaflet-control-scale-line").first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"site-candidate-{backend}-{size['width']}.png"))
    page.close()
    assert problems == []


def _pick(page, x, y):
    page.locator(".folium-map").click(position={"x": x, "y": y})
    return page.input_value("#relocate-lon"), page.input_value("#relocate-lat"), page.input_value("#relocate-crs")


@pytest.mark.parametrize("size", [PHONE, DESK], ids=["phone", "desk"])
def test_a_relocation_is_picked_on_the_map_and_checked(browser, live_url, engine, backend, size):
    load_small_registry(engine)
    page = signed_in_page(browser, live_url, "alice")
    problems = watch(page, live_url)
    page.set_viewport_size(size)
    page.goto(live_url + "/stations/S1?basemap=none")
    wait_until(page, "window.__mapReady === true")
    assert page.locator("#map-legend li").first.text_content() == "本址"
    box = page.locator(".folium-map").bounding_box()
    lon, lat, crs = _pick(page, box["width"] * 0.5 + 40, box["height"] * 0.5 - 30)
    assert crs == "wgs84" and lon and lat
    clicked = page.evaluate("([x, y]) => window.__planner.map.containerPointToLatLng([x, y])",
                            [box["width"] * 0.5 + 40, box["height"] * 0.5 - 30])
    assert abs(float(lon) - clicked["lng"]) < 1e-4 and abs(float(lat) - clicked["lat"]) < 1e-4  # a pixel or two
    assert page.locator(".picked-marker").count() == 1
    lon2, _, _ = _pick(page, box["width"] * 0.5 - 50, box["height"] * 0.5 + 20)  # a second click moves it
    assert page.locator(".picked-marker").count() == 1 and lon2 != lon
    marker = page.locator(".picked-marker").bounding_box()
    start = (marker["x"] + marker["width"] / 2, marker["y"] + marker["height"] / 2)
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(start[0] + 15, start[1] + 10, steps=5)
    page.mouse.move(start[0] + 30, start[1] + 20, steps=5)
    page.mouse.up()
    dragged = page.input_value("#relocate-lon")
    assert float(dragged) > float(lon2)  # dragged east: the fields follow the marker
    lon2 = dragged
    page.click("#relocate-check button[type=submit]")
    page.wait_for_url(re.compile(r".*lon=.*"))
    wait_until(page, "window.__mapReady === true")
    assert page.locator("#verdict").is_visible()
    assert abs(float(page.input_value("#relocate-lon")) - float(lon2)) < 1e-6
    assert page.locator("#map-legend li").first.text_content() == "新位置"
    assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"site-station-pick-{backend}-{size['width']}.png"))
    page.close()
    assert problems == []


def test_a_place_picked_on_the_amap_base_map_is_converted_back_to_wgs84(browser, live_url, engine):
    load_small_registry(engine)
    page = signed_in_page(browser, live_url, "alice")
    problems = watch(page, live_url)
    page.goto(live_url + "/stations/S1?basemap=amap")
    wait_until(page, "window.__mapReady === true")
    box = page.locator(".folium-map").bounding_box()
    lon, lat, crs = _pick(page, box["width"] * 0.5 + 30, box["height"] * 0.5)
    assert crs == "gcj02"  # the map is drawn in GCJ-02 under Amap: what a click gives
    page.click("#relocate-check button[type=submit]")
    page.wait_for_url(re.compile(r".*lon=.*"))
    checked = float(page.input_value("#relocate-lon")), float(page.input_value("#relocate-lat"))
    shifted = wgs84_to_gcj02(*checked)
    assert abs(float(shifted[0]) - float(lon)) < 1e-6 and abs(float(shifted[1]) - float(lat)) < 1e-6
    assert abs(checked[0] - float(lon)) > 1e-4  # really shifted back, not taken as WGS84
    page.close()
    assert problems == []


@pytest.mark.parametrize(("crs", "shift"), [("gcj02", wgs84_to_gcj02), ("bd09", wgs84_to_bd09)])
def test_typed_chinese_coordinates_are_converted_and_checked(app, engine, crs, shift):
    load_small_registry(engine)
    staff = sign_in(app.test_client(), "alice")
    target = offset("S1", 900, 200)
    lon, lat = (float(v) for v in shift(*target))
    html = staff.get(f"/stations/S1?lon={lon}&lat={lat}&crs={crs}").get_data(as_text=True)
    found = re.search(r'id="relocate-lon" value="([^"]+)"', html)
    assert found and abs(float(found.group(1)) - target[0]) < 1e-5
    found = re.search(r'id="relocate-lat" value="([^"]+)"', html)
    assert found and abs(float(found.group(1)) - target[1]) < 1e-5
    assert 'id="verdict"' in html


def test_typed_coordinates_are_held_to_the_rules_after_conversion(app, engine):
    load_small_registry(engine)
    staff = sign_in(app.test_client(), "alice")
    assert staff.get("/stations/S1?lon=116.6&lat=40.1&crs=mars").status_code == 400
    far = wgs84_to_gcj02(2.35, 48.85)  # Paris: outside China whatever the system
    refused = staff.get(f"/stations/S1?lon={far[0]}&lat={far[1]}&crs=gcj02")
    assert refused.status_code == 400


def test_station_page_legend_names_where_it_stands_now(app, engine):
    load_small_registry(engine)
    staff = sign_in(app.test_client(), "alice")
    lon, lat = offset("S1", 900, 200)
    html = staff.get(f"/stations/S1?lon={lon}&lat={lat}").get_data(as_text=True)
    legend = re.findall(r'<li data-legend-kind="(\w+)"><span[^>]*></span>([^<]+)</li>', html)
    assert ("dot", "新位置") in legend and ("dot", "现址") in legend and ("ring", "选定的新位置") in legend
