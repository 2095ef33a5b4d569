"""A site page's distance labels keep clear of the points: with the nearest station about 80 m from an applicant,
on a phone (390 px) and a desk, neither label's box overlaps the site's, the station's or the outlet's marker, after
the first draw and after zooming out, on both backends."""

from __future__ import annotations

import pytest

from tests.check_support import load_small_registry, offset
from tests.file_support import load_file, write_xlsx
from tests.web.conftest import ARTIFACTS, signed_in_page, wait_until, watch

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1440, "height": 900}}

# The boxes (in the page) of each drawn label and of the marker drawn at each of the page's points (a site drawn
# twice, as a relocation's place and the site, counts once).
_BOXES = """(() => {
    const cfg = JSON.parse(document.getElementById("site-map-config").textContent);
    const map = window.__planner.map;
    const box = (el) => { const r = el.getBoundingClientRect();
        return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; };
    const frame = map.getContainer().getBoundingClientRect();
    const markers = {};  // drawn on a canvas: the circle's box from its centre, radius and stroke
    map.eachLayer((layer) => {
        if (!(layer instanceof L.CircleMarker) || layer instanceof L.Circle) return;
        for (const [name, at] of Object.entries(cfg.points)) {
            if (!at || !layer.getLatLng().equals(L.latLng(at), 1e-7)) continue;
            const p = map.latLngToContainerPoint(layer.getLatLng());
            const r = layer.options.radius + layer.options.weight / 2;
            markers[name] = {left: frame.left + p.x - r, right: frame.left + p.x + r,
                             top: frame.top + p.y - r, bottom: frame.top + p.y + r};
        }
    });
    const labels = {};
    for (const kind of ["outlet", "station"]) {
        const el = document.querySelector(".distance-label-" + kind);
        if (el) labels[kind] = box(el);
    }
    return {markers, labels};
})()"""


def _overlaps(a, b) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


def _assert_clear(page):
    boxes = page.evaluate(_BOXES)
    assert {"site", "station", "outlet"} <= set(boxes["markers"]), boxes
    assert set(boxes["labels"]) == {"outlet", "station"}, boxes
    for kind, label in boxes["labels"].items():
        for name, marker in boxes["markers"].items():
            assert not _overlaps(label, marker), f"the {kind} label covers the {name} marker: {label} {marker}"
    assert not _overlaps(boxes["labels"]["outlet"], boxes["labels"]["station"])


@pytest.mark.parametrize("size", SIZES)
def test_a_station_80_m_away_leaves_its_label_clear_of_the_points(browser, live_url, engine, backend, tmp_path,
                                                                   size):
    load_small_registry(engine)
    near = offset("S1", 80, 120)
    headers = ["序号", "店名", "状态", "经度", "纬度", "营业面积", "户外标识位", "通信线路"]
    load_file(engine, write_xlsx(tmp_path / "c.xlsx", headers, [["C8", "近站商店", "待勘察", *near, 20, "有", "有"]]),
              "candidates", actor="alice")
    page = signed_in_page(browser, live_url)
    problems = watch(page, live_url)
    page.set_viewport_size(SIZES[size])
    page.goto(live_url + "/candidates/C8?basemap=none")
    wait_until(page, "window.__mapReady === true && window.__planner.labelsClear === true")
    assert "S1" in page.inner_text("#nearest-station") and "80.0" in page.inner_text("#nearest-station")
    _assert_clear(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"site-labels-{backend}-{size}.png"))
    # Zoomed in on the site and out again: the labels are placed anew each time.
    for zoom in (18, 14):
        page.evaluate(f"window.__planner.map.setZoom({zoom}, {{animate: false}})")
        page.wait_for_timeout(100)
        _assert_clear(page)
    page.close()
    assert problems == []
