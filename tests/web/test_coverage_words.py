"""The coverage page and its HTML report in Chinese: China time, profile names, the note on what is counted,
charts, and both fit a 390 px phone."""

import datetime as dt
import re

from planner.coverage.compute import CoverageOptions, compute_coverage
from planner.coverage.reports import write_coverage
from planner.rules.profiles import load_profile
from planner.texts.formatting import CHINA_TZ
from tests.coverage_support import load_district
from tests.web.conftest import ARTIFACTS, signed_in_page, wait_until

PHONE = {"width": 390, "height": 844}


def _china_minutes():
    """The minute now and a minute later, as the page writes China time (a test may cross a minute)."""
    now = dt.datetime.now(CHINA_TZ)
    return {f"{t.year}年{t.month}月{t.day}日 {t:%H:%M}" for t in (now, now + dt.timedelta(minutes=1))}


def test_page_in_china_time_with_names_note_and_charts(client, engine, tmp_path):
    load_district(engine, tmp_path)
    expected = _china_minutes()
    page = client.get("/coverage/").get_data(as_text=True)
    generated = re.search(r"<th>生成时间（北京时间）</th><td>([^<]+)</td>", page).group(1)
    assert generated in expected, (generated, expected)  # China time, not the server's UTC
    assert ">义乌市规则</option>" in page and ">yiwu</option>" not in page
    report = compute_coverage(engine, CoverageOptions(load_profile("yiwu")))
    note = re.search(r'<p class="small" id="coverage-scope">(.*?)</p>', page, re.S).group(1)
    counted = int((report.sites["role"] == "outlet").sum())
    assert 0 < counted < report.registry_outlets  # the agencies do not count in yiwu
    assert f"按义乌市规则，本页只计营业网点：登记库 {report.registry_outlets} 个邮政网点中计入 {counted} 个" in note
    assert f"登记库 {report.registry_areas} 个区域中统计 {len(report.areas)} 个" in note
    assert 'id="chart-parent-shares"' in page and 'id="chart-share-spread"' in page
    assert re.search(r"<th>覆盖率</th><td>\d+\.\d%</td>", page)
    english = client.get("/coverage/?lang=en").get_data(as_text=True)
    assert ">Yiwu rules</option>" in english and "Generated (China time)" in english
    assert "counts branches only" in english


def test_page_and_report_file_fit_a_phone(browser, live_url, engine, backend, tmp_path):
    load_district(engine, tmp_path)
    page = signed_in_page(browser, live_url)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.set_viewport_size(PHONE)
    page.goto(live_url + "/coverage/")
    wait_until(page, "window.__mapReady === true")
    assert page.locator("#chart-share-spread").count() == 1
    width = page.evaluate("document.documentElement.scrollWidth")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"coverage-phone-{backend}.png"), full_page=True)
    assert width <= 390, f"coverage page is {width} px wide on a 390 px phone"
    report = compute_coverage(engine, CoverageOptions(load_profile("yiwu")))
    exported = write_coverage(report, tmp_path / "coverage.html", lang="zh")
    page.close()
    page = browser.new_page(viewport=PHONE)  # the file alone: nothing but itself may load (no tiles in tests)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file://") else r.abort())
    page.goto(exported.as_uri())
    wait_until(page, "document.querySelector('#area-table') !== null")
    width = page.evaluate("document.documentElement.scrollWidth")
    page.screenshot(path=str(ARTIFACTS / f"coverage-file-phone-{backend}.png"), full_page=True)
    assert width <= 390, f"coverage report file is {width} px wide on a 390 px phone"
    assert page.locator("#chart-parent-shares").count() == 1
    page.close()
    assert errors == []
