"""The coverage page and its downloads, in the test client and in Chromium."""

import io

import pyogrio
import pytest
from openpyxl import load_workbook

from tests.coverage_support import load_district
from tests.web.conftest import ARTIFACTS, signed_in_page, wait_until, watch
from tests.web.map_table_support import check_rows_and_map_select_each_other, ids, sort_by, sort_values


def test_coverage_page_and_report_downloads(client, engine, tmp_path):
    load_district(engine, tmp_path)
    html = client.get("/coverage/").get_data(as_text=True)
    assert 'id="coverage-summary"' in html and "/coverage/report.xlsx?" in html
    book = load_workbook(io.BytesIO(client.get("/coverage/report.xlsx?profile=yiwu").data))
    assert book.sheetnames[0] == "汇总"
    gpkg = tmp_path / "dl.gpkg"
    gpkg.write_bytes(client.get("/coverage/report.gpkg").data)
    assert {name for name, _ in pyogrio.list_layers(gpkg)} >= {"areas", "cells", "gaps"}
    assert client.get("/coverage/report.pdf").status_code == 400
    assert client.get("/coverage/?profile=nowhere").status_code == 400


def test_what_if_changes_the_numbers(client, engine, tmp_path):
    load_district(engine, tmp_path)
    base = client.get("/coverage/?lang=en").get_data(as_text=True)
    closed = client.get("/coverage/?lang=en&close_listed=1").get_data(as_text=True)
    assert "stations listed for exit closed" in closed and base != closed


def test_coverage_map_in_a_browser(browser, live_url, engine, backend, tmp_path):
    load_district(engine, tmp_path)
    page = signed_in_page(browser, live_url)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_url + "/coverage/")
    wait_until(page, "window.__mapReady === true")
    areas = page.evaluate("""() => { let n = 0; window.__planner.map.eachLayer(l => {
        if (l.feature && l.feature.geometry.type.includes('Polygon')) n++; }); return n; }""")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"coverage-{backend}.png"))
    page.close()
    assert errors == [] and areas == 6 + 2  # the six of the district and the two of the app fixture


@pytest.mark.parametrize("size", [(390, 844), (1440, 900)], ids=["phone", "desktop"])
def test_the_gaps_and_areas_tables_select_their_map_features(browser, live_url, engine, backend, tmp_path, size):
    load_district(engine, tmp_path)
    width, height = size
    page = signed_in_page(browser, live_url)
    problems = watch(page, live_url)
    page.set_viewport_size({"width": width, "height": height})
    page.goto(live_url + "/coverage/?basemap=none")
    desktop = width > 640
    assert ids(page, "gap-table"), "the district should have gaps"
    check_rows_and_map_select_each_other(page, "gap-table")
    sort_by(page, "gap-table", "population", desktop)
    people = [float(v) for v in sort_values(page, "gap-table", "population")]
    sort_by(page, "gap-table", "population", desktop)
    again = [float(v) for v in sort_values(page, "gap-table", "population")]
    assert sorted(people) in (people, again) and sorted(people, reverse=True) in (people, again)
    check_rows_and_map_select_each_other(page, "area-table", opens=False)
    assert page.get_attribute("#gap-table tbody tr.selected", "data-feature-id") is not None  # its own table only
    sort_by(page, "area-table", "share", desktop)
    shares = [float(v) for v in sort_values(page, "area-table", "share")]
    assert shares == sorted(shares) and all(0 <= s <= 1 for s in shares)
    assert all(v.endswith("%") for v in page.locator("#area-table tbody td:nth-child(4)").all_inner_texts())
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"coverage-tables-{backend}-{width}.png"), full_page=True)
    page.close()
    assert problems == []
