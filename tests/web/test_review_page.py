"""The work queue page: every kind of task with its due date, overdue rows marked, a tab per kind with counts,
?today= kept; at desktop and phone width in a real browser."""

import re

import pytest

from tests.file_support import load_file, write_xlsx
from tests.web.conftest import ARTIFACTS, signed_in_page, watch


def _load_queue(engine, tmp_path):
    path = write_xlsx(tmp_path / "cand.xlsx", ["序号", "店名", "状态", "报送日期", "经度", "纬度"], [
        ["C3", "晚报店", "待勘察", "2026-11-20", 116.62, 40.11],
        ["C1", "早报店", "待勘察", "2026-09-30", 116.61, 40.11],
        ["C2", "已勘察店", "已勘察", "2026-11-02", 116.63, 40.11],
        ["C4", "已批准店", "已批准", "2026-11-01", 116.64, 40.11],
        ["C5", "已拒绝店", "已拒绝", "2026-11-01", 116.65, 40.11],
    ])
    load_file(engine, path, "candidates")
    stations = write_xlsx(tmp_path / "st.xlsx", ["机构号", "名称", "状态", "经度", "纬度"], [
        ["S1", "东庄便民站", "营业", 116.60, 40.12], ["S2", "关闭站", "已关闭", 116.61, 40.12]])
    load_file(engine, stations, "stations")


def _rows(html):
    """(class, code, kind) of each task row."""
    rows = []
    for tag in re.findall(r'<tr [^>]*data-code="[^>]*>', html):
        found = re.search(r'class="([\w-]*)"', tag)
        rows.append(("overdue" if found and found.group(1) == "is-overdue" else "",
                     re.search(r'data-code="(\w+)"', tag).group(1), re.search(r'data-kind="(\w+)"', tag).group(1)))
    return rows


def test_queue_lists_every_kind_earliest_due_first_with_overdue_marked(client, engine, tmp_path):
    _load_queue(engine, tmp_path)
    html = client.get("/review/?today=2026-10-12").get_data(as_text=True)
    rows = _rows(html)
    # C1 due 10 Oct (a make-up Saturday), C3 due 25 Nov, S1's inspection 31 Dec; then the undated:
    # C2 waiting for a decision, C4 approved before the registry (installation, no date to count from).
    assert [(code, kind) for _, code, kind in rows] == [
        ("C1", "survey"), ("C3", "survey"), ("S1", "inspect"), ("C2", "decision"), ("C4", "install")]
    assert [cls for cls, _, _ in rows] == ["overdue", "", "", "", ""]
    assert "2026年10月10日" in html and "2026年12月31日" in html and "2026Q4" in html
    assert 'href="/stations/S1"' in html and 'href="/candidates/C1"' in html
    assert re.search(r'id="overdue-count"[^>]*>1 项逾期<', html)


def test_a_tab_per_kind_with_counts_keeps_the_day(client, engine, tmp_path):
    _load_queue(engine, tmp_path)
    html = client.get("/review/?today=2026-11-26&kind=survey&lang=en").get_data(as_text=True)
    assert [code for _, code, _ in _rows(html)] == ["C1", "C3"]
    assert re.search(r'id="overdue-count"[^>]*>2 overdue<', html)  # C3 was due 25 Nov
    tabs = {kind: href for href, kind in re.findall(r'<a href="([^"]*)" data-kind="(\w*)"', html)}
    assert tabs == {"": "/review/?today=2026-11-26", "survey": "/review/?kind=survey&amp;today=2026-11-26",
                    "decision": "/review/?kind=decision&amp;today=2026-11-26",
                    "install": "/review/?kind=install&amp;today=2026-11-26",
                    "follow_up": "/review/?kind=follow_up&amp;today=2026-11-26",
                    "inspect": "/review/?kind=inspect&amp;today=2026-11-26",
                    "exit_decision": "/review/?kind=exit_decision&amp;today=2026-11-26"}
    assert re.search(r'data-kind="survey" aria-current="page">Site survey <span class="n">2</span>', html)
    assert re.search(r'data-kind="">All <span class="n">5</span>', html)
    empty = client.get("/review/?kind=follow_up&lang=en").get_data(as_text=True)
    assert "Nothing to do" in empty and not _rows(empty)


@pytest.mark.parametrize("query", ["today=yesterday", "kind=nap"])
def test_bad_query_is_a_400_saying_what(client, query):
    response = client.get(f"/review/?{query}")
    assert response.status_code == 400 and query.split("=")[1] in response.get_data(as_text=True)


@pytest.mark.parametrize("width", [1440, 390])
def test_the_filter_in_a_browser_without_sideways_overflow(browser, live_url, engine, backend, tmp_path, width):
    _load_queue(engine, tmp_path)
    page = signed_in_page(browser, live_url, "alice")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_url + "/review/?today=2026-11-26")  # (the overview's map tiles are refused offline)
    errors = watch(page, live_url)
    page.reload()
    assert page.locator("#review-queue tbody tr").count() == 5
    page.click("#task-kinds a[data-kind=survey]")
    page.wait_for_url("**/review/?kind=survey&today=2026-11-26")
    assert page.locator("#review-queue tbody tr").count() == 2
    assert page.locator("#review-queue tr.is-overdue").count() == 2
    assert page.get_attribute("#task-kinds a[aria-current=page]", "data-kind") == "survey"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"work-queue-{width}-{backend}.png"), full_page=True)
    page.click("#task-kinds a[data-kind=inspect]")
    page.wait_for_url("**/review/?kind=inspect&today=2026-11-26")
    assert page.inner_text("#review-queue tbody tr[data-code=S1]").count("2026年12月31日") == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert not errors, errors
    page.click("#review-queue a[href='/stations/S1']")  # each task opens the page where it is recorded
    page.wait_for_url("**/stations/S1")
    page.close()
