"""Map pages on paper: printed (browser print / Save as PDF) a page shows its title, the date in China time, the map
with its legend and metric scale, and neither the top bar nor the forms; the overview's legend lies on its map."""

import re

import pytest

from tests.check_support import load_small_registry
from tests.web.conftest import ARTIFACTS, signed_in_page, wait_until, watch

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1440, "height": 900}
# (name, path, who): map pages of the small registry
PAGES = [("candidate", "/candidates/R2", "paula"), ("station", "/stations/S1", "alice"), ("overview", "/", "paula"),
         ("ranking", "/ranking/?n=2", "paula"), ("exits", "/exits/", "alice")]


def _visible(page, selector):
    return page.locator(selector).first.is_visible()


@pytest.mark.parametrize(("name", "path", "who"), PAGES, ids=[p[0] for p in PAGES])
def test_a_map_page_prints_its_map_legend_scale_title_and_date(browser, live_url, engine, name, path, who):
    load_small_registry(engine)
    page = signed_in_page(browser, live_url, who)
    problems = watch(page, live_url)
    page.set_viewport_size(DESK)
    page.goto(live_url + path + ("&" if "?" in path else "?") + "basemap=none")
    wait_until(page, "window.__mapReady === true")
    assert _visible(page, "#map-legend") and _visible(page, "#print-button")
    assert not _visible(page, "#print-heading")  # on screen: the top bar says where one is
    page.emulate_media(media="print")
    assert not _visible(page, ".topbar") and not _visible(page, "#print-button")
    assert not _visible(page, "form")
    assert _visible(page, "#print-heading") and _visible(page, "#map-legend")
    assert _visible(page, ".leaflet-control-scale-line")
    assert page.locator(".leaflet-control-scale-line:visible").count() == 1  # metric only
    assert re.fullmatch(r"\d+ (m|km)", page.locator(".leaflet-control-scale-line").first.inner_text())
    date = page.inner_text("#print-date")
    assert re.search(r"20\d\d", date) and "北京时间" in date
    assert page.inner_text("#print-title")
    assert page.locator(".map-frame").first.bounding_box()["height"] > 300
    if name == "ranking":  # the picks' table goes on paper below the map
        assert _visible(page, "#ranking-table") and _visible(page, "#ranking-totals")
    page.close()
    assert problems == []


def test_a_map_page_saves_as_pdf(browser, live_url, engine):
    load_small_registry(engine)
    page = signed_in_page(browser, live_url, "paula")
    page.goto(live_url + "/candidates/R2?basemap=none&lang=en")
    wait_until(page, "window.__mapReady === true")
    assert "China time" in page.inner_text("#print-date")
    page.emulate_media(media="print")
    shown = """(() => {
        const cfg = JSON.parse(document.getElementById("site-map-config").textContent);
        const bounds = window.__planner.map.getBounds();
        return Object.values(cfg.points).every((p) => bounds.contains(L.latLng(p)));
    })()"""
    wait_until(page, shown, 5)  # the map keeps its site, outlet and station in view on paper
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "print-candidate.png"))
    pdf = page.pdf(path=str(ARTIFACTS / "print-candidate.pdf"), landscape=True, print_background=True)
    page.close()
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000


@pytest.mark.parametrize("size", [PHONE, DESK], ids=["phone", "desk"])
def test_the_overview_legend_lies_on_the_map(browser, live_url, engine, size):
    load_small_registry(engine)
    page = signed_in_page(browser, live_url, "paula")
    problems = watch(page, live_url)
    page.set_viewport_size(size)
    page.goto(live_url + "/?basemap=none")
    wait_until(page, "window.__mapReady === true")
    folded = page.evaluate("!document.getElementById('map-legend').open")
    assert folded == (size["width"] < 640)  # folded on a phone, where the map is small; a tap opens it
    if folded:
        page.click("#map-legend summary")
    legend = page.locator("#map-frame #map-legend li").all_inner_texts()
    assert legend == ["行政区域", "邮政网点", "代办点", "便民服务站", "待退出", "加盟申请户 · 通过",
                      "加盟申请户 · 不通过", "加盟申请户 · 已批准", "加盟申请户 · 已拒绝"], legend
    colours = page.evaluate("""[...document.querySelectorAll('#map-legend .key')].map(
        (k) => getComputedStyle(k).getPropertyValue('--key').trim())""")
    styles = page.evaluate("JSON.parse(document.getElementById('overview-config').textContent).styles")
    assert colours[1] == styles["layers"]["outlets"]["fill"] and colours[3] == styles["layers"]["stations"]["fill"]
    assert colours[5] == styles["verdict"]["pass"]  # the colours overview.js draws with
    assert page.locator(".side ul.legend").count() == 0  # no second legend beside the map
    assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"overview-legend-{size['width']}.png"))
    page.close()
    assert problems == []
