"""The work queue through the table component (overdue as a badge, verdict, area and distance columns, sorting,
chips) and the applicant page's decisions (a confirmation first; a refused approval keeps the typed note), in
Chromium at phone and desktop sizes, on both backends."""

from __future__ import annotations

import re

import pytest

from tests.check_support import load_small_registry, offset
from tests.file_support import load_file, write_xlsx
from tests.web.conftest import ARTIFACTS, csrf, sign_in, signed_in_page, wait_until, watch

SIZES = {"phone": (390, 844), "desktop": (1440, 900)}


def _queue(engine, tmp_path):
    """Three applicants waiting for the survey: one beside outlet O1 (fails), two far from every site."""
    load_small_registry(engine)
    headers = ["序号", "店名", "状态", "报送日期", "经度", "纬度"]
    rows = [["Q1", "近网点店", "待勘察", "2026-10-01", *offset("O1", 120, 0)],
            ["Q2", "北店", "待勘察", "2026-11-20", *offset("O1", 1500, 0)],
            ["Q3", "东店", "待勘察", "2026-11-24", *offset("O1", 900, 90)]]
    load_file(engine, write_xlsx(tmp_path / "q.xlsx", headers, rows), "candidates", actor="alice")


def _sort(page, key, size):
    """A click on the column's header; on phones (cards, no headers) the sort choice."""
    if size == "desktop":
        page.click(f"#review-queue th[data-key={key}] button")
        return
    index = page.evaluate(f"""Array.from(document.querySelectorAll('#review-queue thead th'))
        .findIndex((th) => th.dataset.key === '{key}')""")
    current = page.input_value("#review-queue-sort")
    page.select_option("#review-queue-sort", f"{index}:-1" if current == f"{index}:1" else f"{index}:1")


def _column(page, key):
    index = page.evaluate(f"""Array.from(document.querySelectorAll('#review-queue thead th'))
        .findIndex((th) => th.dataset.key === '{key}') + 1""")
    return page.locator(f"#review-queue tbody tr td:nth-child({index})").all_inner_texts()


def test_overdue_is_a_badge_with_words_and_facts_are_columns(client, engine, tmp_path):
    _queue(engine, tmp_path)
    html = client.get("/review/?today=2026-11-26&kind=survey").get_data(as_text=True)
    assert re.search(r'<span class="badge late">逾期 \d+ 个工作日</span>', html)
    assert "−" not in html and 'class="overdue"' not in html.split('id="review-queue"')[1]
    assert re.search(r'<span class="badge fail">不通过</span>', html)
    assert re.search(r'<td data-label="最近距离（米）"[^>]*>120</td>', html)
    english = client.get("/review/?today=2026-11-26&kind=survey&lang=en").get_data(as_text=True)
    assert re.search(r"working days overdue", english)


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_sorting_and_chips_in_a_browser(browser, live_url, engine, backend, tmp_path, size):
    _queue(engine, tmp_path)
    width, height = SIZES[size]
    page = signed_in_page(browser, live_url, "alice")
    page.set_viewport_size({"width": width, "height": height})
    errors = watch(page, live_url)
    page.goto(live_url + "/review/?today=2026-11-26&kind=survey")
    codes = [c.split()[-1] for c in _column(page, "code")]
    assert [c for c in codes if c.startswith("Q")] == ["Q1", "Q2", "Q3"]  # earliest due first
    _sort(page, "nearest", size)
    nearest = [float(v.replace(",", "").split()[-1]) for v in _column(page, "nearest")]
    assert nearest == sorted(nearest) and nearest[0] == 120
    _sort(page, "nearest", size)
    assert [float(v.replace(",", "").split()[-1]) for v in _column(page, "nearest")] == sorted(nearest, reverse=True)
    _sort(page, "code", size)
    _sort(page, "code", size)
    assert [c.split()[-1] for c in _column(page, "code")] == sorted(codes, reverse=True)
    page.click("#review-queue-box .chip[data-chip=fail]")
    failing = [c.split()[-1] for c in _column(page, "code")]
    assert "Q1" in failing and "Q2" not in failing and "Q3" not in failing
    page.click("#review-queue-box .chip[data-chip='']")
    page.fill("#review-queue-filter", "东店")
    assert [c.split()[-1] for c in _column(page, "code")] == ["Q3"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"review-table-{size}-{backend}.png"), full_page=True)
    page.close()
    assert errors == []


def test_a_decision_is_confirmed_first_and_a_refused_approval_keeps_the_note(app, browser, live_url, engine, backend,
                                                                            tmp_path):
    _queue(engine, tmp_path)
    page = signed_in_page(browser, live_url, "alice")
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(live_url + "/candidates/Q1?profile=yiwu")
    page.fill("#decision-form textarea[name=note]", "现场看过，位置很好")
    asked = []
    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    page.click("#decision-form button[value=approve]")
    page.wait_for_timeout(300)
    assert asked == ["确认批准该申请户？"] and "/candidates/Q1" in page.url
    assert page.inner_text("#status") == "待勘察"  # dismissed: nothing was sent
    page.once("dialog", lambda d: d.accept())
    with page.expect_navigation():
        page.click("#decision-form button[value=approve]")
    # Q1 is 120 m from outlet O1: the approval is refused, and the note typed is still there.
    assert page.locator("[data-flash=problem]").count() == 1
    assert page.input_value("#decision-form textarea[name=note]") == "现场看过，位置很好"
    page.screenshot(path=str(ARTIFACTS / f"decision-refused-{backend}.png"))
    page.close()
    staff = sign_in(app.test_client(), "alice")
    refused = staff.post("/candidates/Q1/decision?profile=yiwu",
                         data={"csrf_token": csrf(staff), "decision": "approve", "note": "a <b>note</b>"})
    assert refused.status_code in (400, 409)
    assert "a &lt;b&gt;note&lt;/b&gt;</textarea>" in refused.get_data(as_text=True)


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_queue_map_and_its_rows_select_each_other(browser, live_url, engine, backend, tmp_path, size):
    _queue(engine, tmp_path)
    width, height = SIZES[size]
    page = signed_in_page(browser, live_url, "alice")
    page.set_viewport_size({"width": width, "height": height})
    page.goto(live_url + "/review/?today=2026-11-26&kind=survey")
    wait_until(page, "window.__mapReady === true")
    page.locator("#review-queue tbody tr[data-code=Q2]").click()
    wait_until(page, "document.querySelector('.leaflet-popup-content') !== null")
    assert "Q2" in page.inner_text(".leaflet-popup-content")
    centre = page.evaluate("(() => { const c = window.__planner.map.getCenter(); return [c.lng, c.lat]; })()")
    assert abs(centre[1] - offset("O1", 1500, 0)[1]) < 0.002
    page.evaluate("window.__planner.features.get('candidates:Q3').fire('click') && null")
    assert page.get_attribute("#review-queue tbody tr.selected", "data-code") == "Q3"
    box = page.locator("#queue-map").bounding_box()
    assert box and (size == "desktop" or box["height"] >= 0.6 * height - 1)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(ARTIFACTS / f"review-map-{size}-{backend}.png"))
    page.close()
