"""The coverage page's tables open what they point at: an area row opens the area's popup (its row's words) and
outlines its polygon boldly until another row, of either table, is chosen; a gap row opens the gap's popup. In
Chromium at 390x844 and 1440x900, on both backends."""

from __future__ import annotations

import pytest

from tests.coverage_support import load_district
from tests.web.conftest import ARTIFACTS, signed_in_page, wait_until, watch
from tests.web.map_table_support import ids

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1440, "height": 900}}
_WEIGHT = "(id) => window.__planner.features.get(id).options.weight"


def _choose(page, table: str, feature_id: str) -> None:
    page.locator(f"#{table} tbody tr[data-feature-id='{feature_id}'] td").first.click()
    wait_until(page, f"window.__planner.features.get({feature_id!r}).isPopupOpen()")


@pytest.mark.parametrize("size", SIZES)
def test_area_and_gap_rows_open_popups_and_the_area_stays_outlined(browser, live_url, engine, backend, tmp_path,
                                                                    size):
    load_district(engine, tmp_path)
    page = signed_in_page(browser, live_url)
    problems = watch(page, live_url)
    page.set_viewport_size(SIZES[size])
    page.goto(live_url + "/coverage/?basemap=none")
    wait_until(page, "window.__mapReady === true && window.__planner.features instanceof Map")
    first, second = ids(page, "area-table")[:2]
    plain = page.evaluate(f"({_WEIGHT})({first!r})")
    _choose(page, "area-table", first)
    name = page.inner_text(f"#area-table tbody tr[data-feature-id='{first}'] td")
    popup = page.locator(".leaflet-popup-content", has_text=name).inner_text()
    assert name in popup and "%" in popup
    assert page.evaluate(f"({_WEIGHT})({first!r})") > plain  # outlined boldly
    page.evaluate("window.__planner.map.closePopup()")
    assert page.evaluate(f"({_WEIGHT})({first!r})") > plain  # still, until another row is chosen
    _choose(page, "area-table", second)
    assert page.evaluate(f"({_WEIGHT})({first!r})") == plain
    assert page.evaluate(f"({_WEIGHT})({second!r})") > plain
    gap = ids(page, "gap-table")[0]
    _choose(page, "gap-table", gap)
    area = page.inner_text(f"#gap-table tbody tr[data-feature-id='{gap}'] td:nth-child(2)")
    assert area in page.locator(".leaflet-popup-content", has_text="#" + gap.split(":")[1]).inner_text()
    assert page.evaluate(f"({_WEIGHT})({second!r})") == plain  # a row of the other table ends the outline
    # A click on a polygon on the map opens its popup too, and outlines it.
    page.evaluate(f"window.__planner.features.get({first!r}).fire('click') && null")
    assert page.evaluate(f"({_WEIGHT})({first!r})") > plain
    assert page.get_attribute("#area-table tbody tr.selected", "data-feature-id") == first
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"coverage-popups-{backend}-{size}.png"))
    page.close()
    assert problems == []
