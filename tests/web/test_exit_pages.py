"""The exit review page and the station page's exit decisions, through the real app on both backends."""

from __future__ import annotations

import csv

import pytest

from planner.registry.tables import read_table
from tests.check_support import load_small_registry
from tests.exit_support import load_histories
from tests.file_support import load_file
from tests.web.conftest import ARTIFACTS, add_test_users, app_over, csrf, sign_in, signed_in_page, wait_until, watch
from tests.web.map_table_support import check_rows_and_map_select_each_other, sort_by, sort_values

MONTH = "2026-10"


@pytest.fixture
def exit_app(engine, tmp_path):
    load_small_registry(engine)
    load_histories(engine, tmp_path)
    path = tmp_path / "s1.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([["网点编号", "月份", "笔数"]] + [["S1", m, 12] for m in ("2026-08", "2026-09", MONTH)])
    load_file(engine, path, "transactions")
    add_test_users(engine)
    return app_over(engine, tmp_path)


def _status(app, code):
    stations = read_table(app.extensions["planner.engine"], "stations", columns=("code", "status"),
                          usable_only=False)
    return dict(zip(stations["code"], stations["status"]))[code]


def test_the_review_lists_proposals_with_what_closing_costs(exit_app):
    client = sign_in(exit_app.test_client(), "alice")
    page = client.get(f"/exits/?month={MONTH}&profile=yiwu").get_data(as_text=True)
    assert 'id="proposed-count">4<' in page  # L19, Z0, NEW1 and S1
    assert "连续 3 个月每月交易不足 20 笔" in page and "2026-10 无交易" in page
    assert 'id="lost-total"' in page and 'id="lost-areas"' in page  # S1 serves village A1
    table = client.get(f"/exits/exits.csv?month={MONTH}&profile=yiwu").get_data(as_text=True)
    assert table.lstrip("\ufeff").startswith("station_id,verdict,months,reasons,lost_population")


def test_staff_list_keep_and_close_from_the_station_page(exit_app):
    client = sign_in(exit_app.test_client(), "alice")
    page = client.get(f"/stations/L19?month={MONTH}&profile=yiwu").get_data(as_text=True)
    assert 'id="exit-verdict"' in page and "列入退出" in page and 'id="exit-keep-form"' in page
    token = csrf(client)

    def post(code, **form):
        return client.post(f"/exits/{code}?profile=yiwu", data={"csrf_token": token, "month": MONTH, **form},
                           follow_redirects=True).get_data(as_text=True)

    assert "说明" in post("Z0", action="keep", note="")  # a keep needs its reason
    assert _status(exit_app, "Z0") == "open"
    post("Z0", action="keep", note="十月装修")
    post("L19", action="list_for_exit", note="")
    assert _status(exit_app, "L19") == "listed_for_exit"
    assert "请勾选确认" in post("L19", action="close", note="")
    assert _status(exit_app, "L19") == "listed_for_exit"
    post("L19", action="close", confirm="1", note="")
    assert _status(exit_app, "L19") == "closed"
    page = client.get(f"/exits/?month={MONTH}&profile=yiwu").get_data(as_text=True)
    assert 'id="proposed-count">2<' in page  # NEW1 and S1 remain


def test_nobody_signed_out_decides(exit_app):
    client = exit_app.test_client()
    response = client.post("/exits/L19?profile=yiwu", data={"month": MONTH, "action": "list_for_exit"})
    assert response.status_code in (302, 400, 401, 403)
    assert _status(exit_app, "L19") == "open"


@pytest.fixture
def app(exit_app):
    """The exit registry's app, for the shared `live_url` server (tests/web/conftest.py)."""
    return exit_app


def test_the_review_page_in_a_browser_on_a_phone(browser, live_url):
    page = signed_in_page(browser, live_url, "alice")
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_url}/exits/?month={MONTH}&profile=yiwu")
    wait_until(page, "window.__mapReady === true")
    # The map draws on a canvas: ask Leaflet what it holds.
    cells, markers = page.evaluate("""() => {
        const map = Object.keys(window).filter(k => k.startsWith('map_')).map(k => window[k])[0];
        let cells = 0, markers = 0;
        map.eachLayer(l => { if (l instanceof L.CircleMarker) markers++;
                             else if (l instanceof L.Polygon && l.options.color === '#dc2626') cells++; });
        return [cells, markers]; }""")
    assert markers == 4 and cells > 0  # the four closing stations, the cells losing service
    box = page.locator(".map-frame").bounding_box()
    assert box["width"] >= 380 and box["height"] >= 300  # a usable map on a phone
    assert page.locator("#exit-table tbody tr").count() == 4
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page is {width} px wide on a 390 px phone"
    assert not errors
    page.close()


@pytest.mark.parametrize("size", [(390, 844), (1440, 900)], ids=["phone", "desktop"])
def test_the_exit_table_sorts_and_selects_the_closing_stations(browser, live_url, size):
    width, height = size
    page = signed_in_page(browser, live_url, "alice")
    problems = watch(page, live_url)
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{live_url}/exits/?month={MONTH}&profile=yiwu&basemap=none")
    check_rows_and_map_select_each_other(page, "exit-table")
    desktop = width > 640
    sort_by(page, "exit-table", "lost", desktop)
    lost = [float(v) for v in sort_values(page, "exit-table", "lost")]
    sort_by(page, "exit-table", "lost", desktop)
    again = [float(v) for v in sort_values(page, "exit-table", "lost")]
    assert sorted(lost) in (lost, again) and sorted(lost, reverse=True) in (lost, again) and len(lost) == 4
    sort_by(page, "exit-table", "code", desktop)
    codes = sort_values(page, "exit-table", "code")
    assert codes == sorted(codes)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"exit-table-{width}.png"), full_page=True)
    page.close()
    assert problems == []


def test_the_review_of_a_registry_without_areas(engine, tmp_path):
    load_histories(engine, tmp_path)
    client = sign_in(app_over(add_test_users(engine), tmp_path).test_client(), "alice")
    response = client.get(f"/exits/?month={MONTH}&profile=yiwu")
    assert response.status_code == 200
    assert 'id="proposed-count">3<' in response.get_data(as_text=True)  # L19, Z0, NEW1
    assert client.get(f"/stations/L19?month={MONTH}&profile=yiwu").status_code == 200
