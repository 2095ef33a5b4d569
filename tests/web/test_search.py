"""Search across the registry: the query on both backends (SpatiaLite and PostGIS), the results page, the
search box in the top bar, an exact code straight to its page, and a real browser at both sizes."""

from __future__ import annotations

import csv
import re

import pytest

from planner.registry.search import MAX_LIMIT, MAX_QUERY, search_registry
from tests.check_support import load_small_registry
from tests.file_support import load_file
from tests.web.conftest import ARTIFACTS, signed_in_page


def _write(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def registry(loaded, tmp_path):
    """The web tests' registry (areas, outlets B001-B003) plus the small check registry's stations and
    applicants, and stations with addresses, mixed-case codes and LIKE's own characters in their names."""
    load_small_registry(loaded)
    _write(tmp_path / "stations.csv", ["机构号", "名称", "状态", "经度", "纬度", "地址"], [
        ["ZS-Alpha", "石园便民站", "营业", 116.66, 40.12, "北京市顺义区石园街8号"],
        ["zs-beta", "100%_便民站", "营业", 116.67, 40.125, "Shunyi Road 9"],
    ])
    load_file(loaded, tmp_path / "stations.csv", "stations")
    return loaded


def _codes(hits):
    return [(h.kind, h.code) for h in hits]


def test_search_by_code_name_and_address_on_both_backends(registry):
    with registry.connect() as conn:
        exact = search_registry(conn, "s1")
        assert _codes(exact)[0] == ("stations", "S1") and exact[0].exact
        assert _codes(search_registry(conn, "东庄便民")) == [("stations", "S1")]  # Chinese, by name
        assert ("stations", "ZS-Alpha") in _codes(search_registry(conn, "石园街"))  # by address
        assert ("outlets", "B002") in _codes(search_registry(conn, "石园"))  # 石园代办点
        assert _codes(search_registry(conn, "zs-ALPHA")) == [("stations", "ZS-Alpha")]  # case aside
        assert _codes(search_registry(conn, "SHUNYI road")) == [("stations", "zs-beta")]
        assert _codes(search_registry(conn, "100%_")) == [("stations", "zs-beta")]  # % and _ are text
        assert _codes(search_registry(conn, "%")) == [("stations", "zs-beta")]  # not every record
        assert _codes(search_registry(conn, "_")) == [("stations", "zs-beta")]
        assert search_registry(conn, "   ") == [] and search_registry(conn, "nothing like it") == []
        kinds = {h.kind for h in search_registry(conn, "1")}
        assert kinds >= {"stations", "outlets"}
        hit = next(h for h in search_registry(conn, "B001") if h.code == "B001")
        assert (hit.kind, hit.name, hit.address, hit.state) == ("outlets", "顺义邮政支局", "北京市顺义区府前街1号",
                                                                 "branch")
        area = search_registry(conn, "A")
        assert all(h.kind != "areas" or h.address is None for h in area)


def test_an_exact_code_comes_first_and_the_answer_is_bounded(registry):
    with registry.connect() as conn:
        hits = search_registry(conn, "B00", limit=2)
        assert len(hits) == 2 and [h.code for h in hits] == ["B001", "B002"]
        assert len(search_registry(conn, "1" * (MAX_QUERY + 50))) == 0
        assert len(search_registry(conn, "", limit=10_000)) == 0
        assert len(search_registry(conn, "便", limit=10_000)) <= MAX_LIMIT
        ranked = search_registry(conn, "S2")
        assert ranked[0].code == "S2" and ranked[0].exact


def test_a_deleted_record_is_not_found(registry):
    from sqlalchemy import text

    with registry.begin() as conn:
        conn.execute(text("UPDATE stations SET deleted_at = CURRENT_TIMESTAMP WHERE code = 'S2'"))
    with registry.connect() as conn:
        assert search_registry(conn, "S2") == []


def test_the_results_page_lists_kind_code_name_address_with_links(registry, app):
    from tests.web.conftest import sign_in

    client = sign_in(app.test_client(), "alice")
    page = client.get("/search/?q=石园").get_data(as_text=True)
    assert 'id="search-results"' in page
    assert 'href="/stations/ZS-Alpha"' in page and "北京市顺义区石园街8号" in page and "便民服务站" in page
    assert "/?focus=B002&amp;focus_layer=outlets" in page  # an outlet: the overview map centred on it
    straight = client.get("/search/?q=zs-alpha")
    assert straight.status_code == 302 and straight.headers["Location"] == "/stations/ZS-Alpha"
    applicant = client.get("/search/?q=r2")
    assert applicant.status_code == 302 and applicant.headers["Location"] == "/candidates/R2"
    outlet = client.get("/search/?q=b003")
    assert outlet.status_code == 302 and outlet.headers["Location"] == "/?focus=B003&focus_layer=outlets"
    english = client.get("/search/?q=nothing-here&lang=en").get_data(as_text=True)
    assert "Nothing found" in english
    long = client.get("/search/?q=" + "x" * 500).get_data(as_text=True)
    searched = re.search(r'<input type="search" name="q" value="(x*)"', long).group(1)
    assert searched == "x" * MAX_QUERY  # what was searched for: the first MAX_QUERY characters
    hostile = client.get("/search/?q=<script>alert(1)</script>").get_data(as_text=True)
    assert "<script>alert(1)" not in hostile


@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}, {"width": 1440, "height": 900}],
                         ids=["phone", "desktop"])
def test_the_search_box_finds_a_station_by_code_and_by_name(browser, live_url, registry, backend, viewport):
    page = signed_in_page(browser, live_url)
    page.set_viewport_size(viewport)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_url + "/review/")
    phone = viewport["width"] < 640
    if phone:
        page.click("#menu-button")
    page.fill("#search-q", "zs-alpha")
    page.press("#search-q", "Enter")
    page.wait_for_url("**/stations/ZS-Alpha**")
    if phone:
        page.click("#menu-button")
    page.fill("#search-q", "便民站")
    page.press("#search-q", "Enter")
    page.wait_for_url("**/search/**")
    rows = page.locator("#search-results tbody tr")
    assert rows.count() >= 3
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"search-{backend}-{viewport['width']}.png"), full_page=True)
    page.locator("#search-results a", has_text="石园便民站").click()
    page.wait_for_url("**/stations/ZS-Alpha**")
    # An outlet opens the overview map centred on it.
    page.goto(live_url + "/search/?q=B002")
    page.wait_for_url("**focus=B002**")
    page.locator(".search-focus").wait_for(timeout=15_000)
    page.close()
    assert errors == []
