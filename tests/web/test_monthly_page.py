"""The monthly report page for planners and its downloads: figures, due date, production recorded; in Chromium
the SVG charts drawn at a phone's width, with no console error and nothing wider than the screen."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook

from planner.registry.reports import read_events
from tests.monthly_support import load_monthly_registry
from tests.web.conftest import ARTIFACTS, sign_in, signed_in_page, wait_until, watch

PHONE = {"width": 390, "height": 844}
_DRAWN = """(selector) => [...document.querySelectorAll(selector)].filter(e => {
    const box = e.getBoundingClientRect(); return box.width > 0 && box.height > 0; }).length"""
_SIDEWAYS = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def test_the_page_shows_the_month_due_date_and_production(client, engine, tmp_path):
    load_monthly_registry(engine, tmp_path)
    html = client.get("/reports/monthly?month=2026-09").get_data(as_text=True)
    assert 'id="nav-monthly"' in html and "2026-09 月度统计报告" in html
    assert re.search(r'id="due-date" data-due="2026-10-08">2026年10月8日<', html)  # after the National Day holidays
    assert 'data-state="in_time"' in html and "2026年10月8日 23:30" in html  # first produced, China time
    row = re.search(r'<tr data-code="S6">(.*?)</tr>', html, re.S).group(1)
    assert row.count("无数据") >= 2 and ">0<" not in row  # September and July missing, never 0
    assert '<tr data-kind="listed_for_exit" data-code="S5">' in html
    assert 'data-code="C1" data-deadline="missed"' in html
    english = client.get("/reports/monthly?month=2026-09&lang=en").get_data(as_text=True)
    assert "8 Oct 2026" in english and "produced in time" in english
    walking = client.get("/reports/monthly?month=2026-09&profile=heilongjiang&lang=zh").get_data(as_text=True)
    assert re.search(r'id="coverage-note">无法计算覆盖：.*planner import network', walking)


def test_downloads_record_the_production(client, engine, tmp_path):
    load_monthly_registry(engine, tmp_path)
    assert 'data-state="overdue"' in client.get("/reports/monthly?month=2026-10").get_data(as_text=True)
    book = load_workbook(io.BytesIO(client.get("/reports/monthly.xlsx?month=2026-10").data))
    assert book.sheetnames[:3] == ["汇总", "图表", "服务站"] and len(book["图表"]._charts) == 3
    page = client.get("/reports/monthly.html?month=2026-10&lang=en")
    assert page.headers["Content-Disposition"].startswith("attachment") and b"<svg" in page.data
    produced = read_events(engine, ("reports",), codes=["monthly-2026-10"])
    assert [(e["actor"], e["source"], e["changes"]["format"]) for e in produced] == \
        [("paula", "web", ".xlsx"), ("paula", "web", ".html")]
    # Produced now, after its due date (5 Nov): late — and the first production stays the one that counts.
    assert 'data-state="late"' in client.get("/reports/monthly?month=2026-10").get_data(as_text=True)


def test_bad_months_formats_and_roles_are_refused(app, client, engine, tmp_path):
    load_monthly_registry(engine, tmp_path)
    for url in ("/reports/monthly?month=2026-13", "/reports/monthly?month=26-09", "/reports/monthly?month=2999-01",
                "/reports/monthly.pdf?month=2026-09"):
        response = client.get(url)
        assert response.status_code == 400, url
    assert "2026-13" in client.get("/reports/monthly?month=2026-13").get_data(as_text=True)
    staff = sign_in(app.test_client(), "alice")
    assert staff.get("/reports/monthly").status_code == 403
    assert staff.get("/reports/monthly.xlsx").status_code == 403
    assert read_events(engine, ("reports",), codes=["monthly-2026-13"]) == []


def test_charts_drawn_on_a_phone(browser, live_url, client, engine, backend, tmp_path):
    load_monthly_registry(engine, tmp_path)
    page = signed_in_page(browser, live_url)
    errors = watch(page, live_url)
    page.set_viewport_size(PHONE)
    page.goto(live_url + "/reports/monthly?month=2026-09")
    wait_until(page, "document.querySelector('#station-chart') !== null")
    assert page.evaluate(_DRAWN, "#station-chart rect.chart-bar") == 4  # the four stations with a figure
    assert page.evaluate(_DRAWN, "#area-chart rect.chart-bar") == 4  # A2 and A1, this month and last
    assert page.evaluate(_DRAWN, "#history-chart circle.chart-point") == 4  # June to September
    assert page.evaluate(_DRAWN, "#history-chart text.chart-missing") == 8  # October to May: no data
    assert page.evaluate(_DRAWN, "#station-chart .chart-threshold") == 1
    assert page.evaluate(_SIDEWAYS) <= 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"monthly-{backend}.png"), full_page=True)
    assert errors == []
    # The station page: the last 24 months as bars, the exit line drawn, missing months marked.
    page.goto(live_url + "/stations/S1")
    wait_until(page, "document.querySelector('#station-business-chart') !== null")
    assert page.evaluate(_DRAWN, "#station-business-chart rect.chart-bar") >= 5
    assert page.evaluate(_DRAWN, "#station-business-chart .chart-threshold") == 1
    assert page.evaluate(_DRAWN, "#station-business-chart text.chart-missing") > 0
    page.close()
    assert errors == []


def test_the_html_file_opens_offline_on_a_phone(browser, client, engine, tmp_path):
    load_monthly_registry(engine, tmp_path)
    report = tmp_path / "monthly-2026-09.html"
    report.write_bytes(client.get("/reports/monthly.html?month=2026-09").data)
    page = browser.new_page(viewport=PHONE)
    errors = watch(page, "file:")
    requests: list[str] = []
    page.on("request", lambda r: r.url.startswith("file:") or requests.append(r.url))
    page.goto(report.as_uri())
    assert page.evaluate(_DRAWN, "svg.chart rect.chart-bar") == 8
    assert page.evaluate(_DRAWN, "#history-chart circle.chart-point") == 4
    assert page.evaluate(_SIDEWAYS) <= 0
    assert page.evaluate("document.scripts.length") == 0
    page.close()
    assert errors == [] and requests == []
