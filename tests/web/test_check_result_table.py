"""The batch-check result page: a table of every row (filter by verdict, sort, paging) linked to the map, the map
kept on the district whatever the rows, the applicant template and the check history; in Chromium at phone and
desktop sizes, on both backends."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest

from tests.check_support import load_small_registry, offset, row, write_list
from tests.web.conftest import ARTIFACTS, sign_in, signed_in_page, wait_for_check, wait_until, watch

GOOD = (116.628, 40.1035)
SEOUL = (126.978, 37.5665)
SIZES = {"phone": (390, 844), "desktop": (1440, 900)}


def _token(client):
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get("/check/").get_data(as_text=True)).group(1)


def _rows():
    """Two passes, one fail (beside outlet O1), one row in Seoul, one without a position."""
    return [row("p1", GOOD, name="好店"), row("p2", offset(GOOD, 600, 0), name="二号店"),
            row("near", (116.6051, 40.1051), name="近店"), row("seoul", SEOUL, name="首尔店"),
            row("x", ("?", 1), name="无坐标")]


def _check(client, path, name="list.csv") -> str:
    response = client.post("/check/", data={"csrf_token": _token(client), "profile": "yiwu", "crs": "wgs84",
                                            "file": (open(path, "rb"), name)})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert wait_for_check(client, location)["state"] == "done"
    return location


def _open(browser, live_url, location, size):
    width, height = SIZES[size]
    page = signed_in_page(browser, live_url)
    page.set_viewport_size({"width": width, "height": height})
    errors = watch(page, live_url)
    page.goto(live_url + location)
    wait_until(page, "window.__mapReady === true")
    assert page.evaluate("window.__mapError || null") is None
    return page, errors


def _centre(page):
    return page.evaluate("(() => { const c = window.__planner.map.getCenter(); return [c.lng, c.lat]; })()")


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_result_table_filters_selects_and_stays_on_the_district(browser, live_url, engine, backend, client,
                                                               tmp_path, size):
    load_small_registry(engine)
    location = _check(client, write_list(tmp_path / "list.csv", _rows()))
    page, errors = _open(browser, live_url, location, size)
    # Every row is listed (the one without a position too); only the district's rows are drawn.
    assert page.locator("#check-rows tbody tr").count() == 5
    assert page.evaluate("window.__planner.drawn") == 3 and page.evaluate("window.__planner.outside") == 1
    # The map stays on the district: its centre is near the registry, its zoom is a district's.
    lon, lat = _centre(page)
    assert 116.5 < lon < 116.8 and 40.0 < lat < 40.2, (lon, lat)
    assert page.evaluate("window.__planner.map.getZoom()") >= 11
    seoul = page.locator("#check-rows tbody tr", has_text="首尔店")
    assert "在区域外" in seoul.inner_text()
    # Filter by verdict (chips), then by text.
    page.click("#check-rows-box .chip[data-chip=pass]")
    assert page.locator("#check-rows tbody tr").count() == 2
    page.click("#check-rows-box .chip[data-chip=outside]")
    assert sorted(page.locator("#check-rows tbody tr td:nth-child(2)").all_inner_texts()) == ["seoul", "x"]
    page.click("#check-rows-box .chip[data-chip='']")
    page.fill("#check-rows-filter", "近店")
    assert page.locator("#check-rows tbody tr").count() == 1
    page.fill("#check-rows-filter", "")
    # A row click moves the map to its point and opens its popup.
    before = _centre(page)
    page.locator("#check-rows tbody tr", has_text="二号店").click()
    wait_until(page, "document.querySelector('.leaflet-popup-content') !== null")
    assert "p2" in page.inner_text(".leaflet-popup-content")
    after = _centre(page)
    assert abs(after[1] - offset(GOOD, 600, 0)[1]) < 0.003 and after != before
    assert page.locator("#check-rows tbody tr.selected").inner_text().count("二号店") == 1
    # A click on a point highlights its row.
    page.evaluate("window.__planner.map.closePopup()")
    page.evaluate("window.__planner.features.get('0').fire('click') && null")
    assert "好店" in page.locator("#check-rows tbody tr.selected").inner_text()
    # The Seoul row selects nothing on the map, and no line reaches out of the district.
    page.locator("#check-rows tbody tr", has_text="首尔店").click()
    lon, lat = _centre(page)
    assert 116.5 < lon < 116.8, (lon, lat)
    page.check("#show-lines")
    bounds = page.evaluate("""(() => { const out = []; window.__planner.map.eachLayer((l) => {
        if (l instanceof L.Polyline && !(l instanceof L.Polygon)) out.push(...l.getLatLngs().map((p) => p.lng));
        }); return out; })()""")
    assert bounds and max(bounds) < 117.0
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size][0]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"check-result-table-{size}-{backend}.png"), full_page=True)
    page.close()
    assert errors == []


def test_sorting_and_paging_of_many_rows(browser, live_url, engine, backend, client, tmp_path):
    load_small_registry(engine)
    rows = [row(f"r{i:03d}", offset(GOOD, 15 * i, 90), name=f"店{i}") for i in range(120)]
    location = _check(client, write_list(tmp_path / "many.csv", rows))
    page, errors = _open(browser, live_url, location, "desktop")
    assert page.locator("#check-rows tbody tr").count() == 50  # one page in the DOM
    assert "3" in page.inner_text("#check-rows-box .dt-info")
    page.click("#check-rows-box .dt-next")
    assert page.locator("#check-rows tbody tr td:nth-child(2)").first.inner_text() == "r050"
    page.click("#check-rows th[data-key=outlet] button")  # metres: numerically, nearest first
    page.click("#check-rows th[data-key=outlet] button")  # then farthest first
    first = page.locator("#check-rows tbody tr td:nth-child(2)").first.inner_text()
    assert first != "r000"
    # A click on a point on another page switches the table to it.
    page.evaluate("window.__planner.features.get('110').fire('click') && null")
    assert page.locator("#check-rows tbody tr.selected td:nth-child(2)").inner_text() == "r110"
    # Ten thousand rows: sorted and paged with one page of them in the DOM (how long it takes is for benches).
    page.evaluate("""(() => {
        const table = PlannerTable.get("check-rows"), rows = [];
        for (let i = 0; i < 10000; i++) rows.push({id: "x" + i, chips: [i % 3 ? "pass" : "fail"], cells: [
            {text: String(i + 1), sort: i}, {text: "id" + i}, {text: "店" + i}, {text: "pass"}, {text: ""},
            {text: "O1 · " + (i % 977), sort: i % 977}, {text: ""}]});
        table.setRows(rows);
        table.sortBy(5);
        table.select("x9999", {scroll: true}); })()""")
    assert page.locator("#check-rows tbody tr").count() == 50
    assert page.locator("#check-rows tbody tr.selected td:nth-child(2)").inner_text() == "id9999"
    page.close()
    assert errors == []


def test_failed_checks_name_the_file_not_the_server_folder(client, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("名称,地址\n店,路\n", encoding="utf-8")
    response = client.post("/check/", data={"csrf_token": _token(client), "profile": "yiwu",
                                            "file": (open(path, "rb"), "bad.csv")})
    status = wait_for_check(client, response.headers["Location"])
    assert status["state"] == "failed" and status["message"].startswith("bad.csv")
    assert "checks" not in status["message"] and "/" not in status["message"].split("：")[0]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_template_is_read_by_the_check(client, engine, tmp_path, fmt):
    load_small_registry(engine)
    assert f"/check/template.{fmt}" in client.get("/check/").get_data(as_text=True)
    response = client.get(f"/check/template.{fmt}")
    assert response.status_code == 200
    frame = (pd.read_excel(io.BytesIO(response.data), dtype=str) if fmt == "xlsx"
             else pd.read_csv(io.BytesIO(response.data), dtype=str, encoding="utf-8-sig"))
    assert list(frame.columns)[:5] == ["编号", "名称", "地址", "经度", "纬度"] and len(frame) == 1
    path = tmp_path / f"template.{fmt}"
    path.write_bytes(response.data)
    location = _check(client, path, f"template.{fmt}")
    features = client.get(location + "/rows.geojson").get_json()["features"]
    assert [f["properties"]["id"] for f in features] == ["A001"]
    english = client.get(f"/check/template.{fmt}?lang=en")
    assert b"lon" in english.data or fmt == "xlsx"


def test_history_lists_own_checks_and_admins_see_all(app, client, engine, tmp_path):
    load_small_registry(engine)
    location = _check(client, write_list(tmp_path / "mine.csv", [row("p", GOOD)]), "mine.csv")
    page = client.get("/check/").get_data(as_text=True)
    assert "mine.csv" in page and location in page and "1/0/0" in page
    other = sign_in(app.test_client(), "alice")
    assert "mine.csv" not in other.get("/check/").get_data(as_text=True)
    admin = sign_in(app.test_client(), "ada")
    seen = admin.get("/check/").get_data(as_text=True)
    assert "mine.csv" in seen and "paula" in seen
