"""The users page and the monthly report page through the one table component: sort (a header on a desk, the sort
choice on a phone), filter, cards on phones, nothing sideways; the report's .html file keeps its plain tables and
no script. In Chromium at 390x844 and 1440x900, on both backends."""

from __future__ import annotations

import pytest

from tests.monthly_support import load_monthly_registry
from tests.web.conftest import ARTIFACTS, signed_in_page, wait_until, watch
from tests.web.map_table_support import sort_by, sort_values

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1440, "height": 900}}


def _shown(page, table: str, attr: str) -> list[str]:
    return page.evaluate(f"Array.from(document.querySelectorAll('#{table} tbody tr'), (tr) => tr.dataset.{attr})")


def _cards(page, table: str, phone: bool) -> None:
    """On a phone the header row is hidden and each cell names its column; on a desk the header shows."""
    visible = page.evaluate(f"getComputedStyle(document.querySelector('#{table} thead')).display !== 'none'")
    assert visible is (not phone)
    if phone:
        label = page.evaluate(f"""getComputedStyle(document.querySelector('#{table} tbody td'), '::before')
            .content""")
        assert label not in ("none", "normal", '""')


@pytest.mark.parametrize("size", SIZES)
def test_the_users_table_sorts_and_filters(browser, live_url, backend, size):
    page = signed_in_page(browser, live_url, "ada")
    problems = watch(page, live_url)
    page.set_viewport_size(SIZES[size])
    page.goto(live_url + "/admin/users")
    wait_until(page, "document.querySelector('#users-box') && document.querySelector('#users-box').dataset.shown")
    assert sorted(_shown(page, "users", "user")) == ["ada", "alice", "paula"]
    desktop = size == "desktop"
    sort_by(page, "users", "name", desktop)
    first = _shown(page, "users", "user")
    sort_by(page, "users", "name", desktop)
    names = ("ada", "alice", "paula")
    assert {tuple(first), tuple(_shown(page, "users", "user"))} == {names, names[::-1]}
    sort_by(page, "users", "role", desktop)
    roles = sort_values(page, "users", "role")
    assert set(roles) == {"市场部人员", "规划人员", "管理员"}
    # The filter matches a role by its word (not every word the role choice offers), or a name.
    page.fill("#users-filter", "规划人员")
    assert _shown(page, "users", "user") == ["paula"]
    page.fill("#users-filter", "ali")
    assert _shown(page, "users", "user") == ["alice"]
    page.fill("#users-filter", "")
    _cards(page, "users", not desktop)
    # The forms in the cells still work: disable alice from her card.
    page.click('tr[data-user="alice"] button[value="disable"]')
    page.wait_for_selector('tr[data-user="alice"] button[value="enable"]')
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"users-table-{backend}-{size}.png"), full_page=True)
    page.close()
    assert problems == []


@pytest.mark.parametrize("size", SIZES)
def test_the_monthly_tables_sort_filter_and_fold_into_cards(browser, live_url, engine, backend, tmp_path, size):
    load_monthly_registry(engine, tmp_path)
    page = signed_in_page(browser, live_url)
    problems = watch(page, live_url)
    page.set_viewport_size(SIZES[size])
    page.goto(live_url + "/reports/monthly?month=2026-09")
    wait_until(page, "document.querySelector('#station-table-box').dataset.shown")
    for table in ("station-table", "area-table", "parent-table", "change-table", "received-table", "decided-table"):
        assert page.locator(f"#{table}-box").count() == 1, table
    desktop = size == "desktop"
    sort_by(page, "station-table", "m0", desktop)
    counts = sort_values(page, "station-table", "m0")
    figures = [float(v) for v in counts if v != ""]
    assert figures == sorted(figures) and counts[len(figures):] == [""] * (len(counts) - len(figures))  # no data last
    sort_by(page, "station-table", "m0", desktop)
    again = [float(v) for v in sort_values(page, "station-table", "m0") if v != ""]
    assert again == sorted(figures, reverse=True)
    # The chip of stations below the exit threshold, and the filter by code.
    page.click("#station-table-box .chip[data-chip=below]")
    below = _shown(page, "station-table", "code")
    assert below and "S1" in below
    assert page.evaluate("Array.from(document.querySelectorAll('#station-table tbody tr')).every((tr) => "
                         "tr.classList.contains('below'))")
    page.click("#station-table-box .chip[data-chip='']")
    page.fill("#station-table-filter", "S6")
    assert _shown(page, "station-table", "code") == ["S6"]
    assert page.inner_text("#station-table tbody tr").count("无数据") >= 2
    _cards(page, "station-table", not desktop)
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"monthly-tables-{backend}-{size}.png"), full_page=True)
    page.close()
    assert problems == []


def test_the_report_file_keeps_plain_tables(client, engine, tmp_path):
    load_monthly_registry(engine, tmp_path)
    html = client.get("/reports/monthly.html?month=2026-09").get_data(as_text=True)
    assert '<table class="report" id="station-table">' in html and "data-table=" not in html
    assert "<script" not in html and "dt-pager" not in html
    assert '<tr data-code="S6">' in html and 'class="deadline missed"' in html
