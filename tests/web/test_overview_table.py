"""The overview's sites table: the outlets, stations and applicants the canvas draws, listed through the one table
component (kind and status in words, the area each lies in, chips per kind, a filter), linked to the canvas both
ways (a row click centres the map on the point, rings it and opens its popup; a click on a point selects its
row); in Chromium at phone and desktop sizes, on both backends."""

from __future__ import annotations

import pytest

from planner.registry.tables import count_rows
from tests.check_support import load_small_registry
from tests.web.conftest import ARTIFACTS, signed_in_page, wait_until, watch
from tests.web.map_table_support import check_rows_and_map_select_each_other

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1440, "height": 900}}


def _rows(page) -> dict[str, list[str]]:
    """{feature id: [cell texts]} of the rows on the table's page."""
    return page.evaluate("""Object.fromEntries(Array.from(document.querySelectorAll('#site-table tbody tr'),
        (tr) => [tr.dataset.featureId, Array.from(tr.cells, (td) => td.textContent.trim())]))""")


def _open(browser, live_url, size, query=""):
    page = signed_in_page(browser, live_url)
    problems = watch(page, live_url)
    page.set_viewport_size(SIZES[size])
    page.goto(live_url + "/" + query)
    wait_until(page, "window.__overviewTable !== undefined")
    assert isinstance(page.evaluate("window.__overviewTable"), int), page.evaluate("window.__overviewTable")
    return page, problems


@pytest.mark.parametrize("size", SIZES)
def test_the_sites_table_lists_what_the_map_draws_in_words(browser, live_url, engine, backend, size):
    load_small_registry(engine)
    counts = count_rows(engine)
    page, problems = _open(browser, live_url, size)
    total = counts["outlets"] + counts["stations"] + counts["candidates"]
    assert page.evaluate("window.__overviewTable") == total
    rows = _rows(page)
    assert rows["stations:S1"] == ["S1", "便民服务站", "东庄便民站", "营业中", "东庄村"]
    assert rows["candidates:R2"][:3] == ["R2", "加盟申请户", "待勘察商店"]
    assert rows["candidates:R2"][3].startswith("待勘察") and rows["candidates:R2"][4] == "前进社区"
    assert rows["outlets:O1"][1] == "邮政网点" and rows["outlets:O1"][3] in ("邮政支局", "代办点")
    # Chips per kind, with their counts; the filter finds a station by its name.
    page.click("#site-table-box .chip[data-chip=stations]")
    assert set(_rows(page)) == {f"stations:{code}" for code in ("S1", "S2")}
    assert page.inner_text("#site-table-box .chip[data-chip=candidates] .n") == str(counts["candidates"])
    page.click("#site-table-box .chip[data-chip='']")
    page.fill("#site-table-filter", "东庄便民")
    assert list(_rows(page)) == ["stations:S1"]
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
    page.close()
    assert problems == []


@pytest.mark.parametrize("size", SIZES)
def test_rows_and_points_select_each_other(browser, live_url, engine, backend, size):
    load_small_registry(engine)
    page, problems = _open(browser, live_url, size)
    page.evaluate("window.__mapReady = true")  # the shared check waits for the folium pages' flag
    check_rows_and_map_select_each_other(page, "site-table")
    # A row click rings its point; a click on the point itself (on the canvas) selects its row.
    page.locator("#site-table tbody tr[data-feature-id='stations:S1'] td").first.click()
    wait_until(page, "window.__planner.selected === 'stations:S1'")
    ring = page.evaluate("""(() => { const map = window.__planner.map;
        const at = window.__planner.features.get('stations:S1').getLatLng();
        const box = document.querySelector('.overview-chosen').getBoundingClientRect();
        const p = map.latLngToContainerPoint(at), r = map.getContainer().getBoundingClientRect();
        return [box.left + box.width / 2 - r.left - p.x, box.top + box.height / 2 - r.top - p.y]; })()""")
    assert abs(ring[0]) < 2 and abs(ring[1]) < 2, ring
    popup = page.locator(".leaflet-popup-content", has_text="东庄便民站").inner_text(timeout=5000)
    assert "S1" in popup
    page.evaluate("window.__planner.map.closePopup()")
    point = page.evaluate("""(() => { const m = window.__planner.map;
        const at = window.__planner.layers.candidates.latLngOf('R2');
        m.setView(at, 16, {animate: false});
        const p = m.latLngToContainerPoint(at), r = m.getContainer().getBoundingClientRect();
        return {x: r.left + p.x, y: r.top + p.y}; })()""")
    page.wait_for_timeout(200)
    page.mouse.click(point["x"], point["y"])
    wait_until(page, "document.querySelector('#site-table tbody tr.selected')")
    assert page.get_attribute("#site-table tbody tr.selected", "data-feature-id") == "candidates:R2"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"overview-table-{backend}-{size}.png"), full_page=True)
    page.close()
    assert problems == []


def test_a_thousand_sites_keep_one_page_of_rows(browser, live_url, engine, backend, tmp_path):
    from tests.check_support import row, write_list
    from tests.file_support import load_file

    load_small_registry(engine)
    rows = [row(f"N{i:04d}", (116.60 + (i % 40) * 0.001, 40.10 + (i // 40) * 0.0008), name=f"店{i}")
            for i in range(1000)]
    load_file(engine, write_list(tmp_path / "many.csv", rows), "candidates", actor="t")
    page, problems = _open(browser, live_url, "desktop")
    assert page.evaluate("window.__overviewTable") >= 1000
    assert page.locator("#site-table tbody tr").count() == 50
    page.fill("#site-table-filter", "N0999")
    assert list(_rows(page)) == ["candidates:N0999"]
    page.close()
    assert problems == []
