"""The staff workflow in a real browser: overview → applicant → approve with a note → history; relocation."""

from __future__ import annotations

from planner.registry.tables import read_table
from planner.spatial.geodesic import geodesic_distance
from tests.check_support import offset
from tests.decision_support import load_pair
from tests.web.conftest import ARTIFACTS, wait_until


def _click_feature(page, layer, code):
    """Centre the map on one drawn feature and click it like a user."""
    point = page.evaluate("""([layer, code]) => { const m = window.__planner.map;
        const at = window.__planner.layers[layer].latLngOf(code);
        m.setView(at, 16, {animate: false});
        const p = m.latLngToContainerPoint(at); const r = m.getContainer().getBoundingClientRect();
        return {x: r.left + p.x, y: r.top + p.y}; }""", [layer, code])
    page.wait_for_timeout(200)
    page.mouse.click(point["x"], point["y"])


def test_staff_open_an_applicant_from_the_overview_and_approve_it(browser, live_url, engine, backend, tmp_path):
    from tests.web.conftest import signed_in_page

    load_pair(engine, tmp_path)
    ARTIFACTS.mkdir(exist_ok=True)
    page = signed_in_page(browser, live_url, "alice")
    wait_until(page, "window.__overviewDrawn !== undefined")
    _click_feature(page, "candidates", "A")
    page.locator(".leaflet-popup-content a").click()
    page.wait_for_url("**/candidates/A")
    wait_until(page, "window.__mapReady === true")
    page.screenshot(path=str(ARTIFACTS / f"workflow-candidate-{backend}.png"))

    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.accept()))  # the decision is confirmed first
    page.fill("#decision-form textarea[name=note]", "勘察合格，同意加盟")
    page.click("#decision-form button[value=approve]")
    page.wait_for_selector("[data-flash=done]")
    assert page.inner_text("#status") == "已批准" and len(dialogs) == 1 and "批准" in dialogs[0]
    first = page.locator("#history tr").first
    assert "alice" in first.inner_text() and "勘察合格，同意加盟" in first.inner_text()
    assert page.locator("#decision-form").count() == 0
    page.screenshot(path=str(ARTIFACTS / f"workflow-approved-{backend}.png"))

    # B stands 300 m from A: approving it now fails and says why; nothing changes.
    page.goto(live_url + "/candidates/B")
    page.fill("#decision-form textarea[name=note]", "同意")
    page.click("#decision-form button[value=approve]")
    problem = page.inner_text("[data-flash=problem]")
    assert "A" in problem and "300" in problem and page.inner_text("#status") == "待勘察"
    page.close()


def test_staff_relocate_a_station_after_seeing_the_check(browser, live_url, engine, backend, tmp_path):
    from tests.web.conftest import signed_in_page

    load_pair(engine, tmp_path)
    page = signed_in_page(browser, live_url, "alice")
    bad = offset("O1", 200, 45)
    page.goto(f"{live_url}/stations/S1?lon={bad[0]}&lat={bad[1]}")
    assert page.inner_text("#verdict") == "不通过" and page.locator("#relocate-form").count() == 0
    good = offset("S1", 80, 0)
    page.fill("#relocate-check input[name=lon]", str(good[0]))
    page.fill("#relocate-check input[name=lat]", str(good[1]))
    page.click("#relocate-check button")
    wait_until(page, "window.__mapReady === true")
    assert page.inner_text("#verdict") == "通过"
    page.screenshot(path=str(ARTIFACTS / f"workflow-relocation-{backend}.png"))
    page.fill("#relocate-form input[name=note]", "原址拆迁")
    page.click("#relocate-form button")
    page.wait_for_selector("[data-flash=done]")
    moved = read_table(engine, "stations", codes=["S1"]).geometry.iloc[0]
    assert geodesic_distance(moved.x, moved.y, *good) < 0.01
    assert "原址拆迁" in page.locator("#history tr").first.inner_text()
    page.fill("#transfer-form input[name=operator]", "张三")
    page.click("#transfer-form button")
    page.wait_for_selector("[data-flash=done]")
    assert page.inner_text("#operator") == "张三"
    page.close()
