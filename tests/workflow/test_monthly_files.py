"""The monthly report's files: the .xlsx opened back with openpyxl (native charts pointing at the data sheets,
numbers as numbers, formulas neutralised) and the self-contained .html; producing one is recorded. Both backends.
"""

from __future__ import annotations

import datetime as dt
from html import unescape

import pytest
from openpyxl import load_workbook
from openpyxl.chart import BarChart, LineChart

from planner.errors import UsageError
from planner.registry.reports import read_events
from planner.rules.profiles import load_profile
from planner.workflow.monthly_files import produce_monthly_report
from tests.conftest import BACKENDS
from tests.monthly_support import MONTH, TODAY, module_registry

YIWU = load_profile("yiwu")


@pytest.fixture(scope="module", params=BACKENDS)
def registry(request, tmp_path_factory):
    yield from module_registry(request, tmp_path_factory, "monthly-files")


@pytest.fixture(scope="module")
def workbook(registry, tmp_path_factory):
    path = tmp_path_factory.mktemp("xlsx") / "september.xlsx"
    written, report = produce_monthly_report(registry, YIWU, MONTH, path, actor="tester", source="cli", today=TODAY)
    return load_workbook(written), report


def _refs(chart):
    return [(s.tx.strRef.f, s.val.numRef.f, (s.cat.strRef or s.cat.numRef).f) for s in chart.series]


def test_charts_point_at_the_data_sheets(workbook):
    book, _ = workbook
    assert book.sheetnames == ["汇总", "图表", "服务站", "村社区", "街道乡镇", "近12个月", "网点变动", "申请户"]
    history, areas, stations = book["图表"]._charts
    assert isinstance(history, LineChart) and isinstance(areas, BarChart) and isinstance(stations, BarChart)
    assert _refs(history) == [("'近12个月'!B1", "'近12个月'!$B$2:$B$13", "'近12个月'!$A$2:$A$13")]
    assert _refs(areas) == [("'村社区'!D1", "'村社区'!$D$2:$D$3", "'村社区'!$B$2:$B$3"),
                            ("'村社区'!E1", "'村社区'!$E$2:$E$3", "'村社区'!$B$2:$B$3")]
    assert _refs(stations) == [("'服务站'!F1", "'服务站'!$F$2:$F$5", "'服务站'!$A$2:$A$5"),
                               ("'服务站'!G1", "'服务站'!$G$2:$G$5", "'服务站'!$A$2:$A$5")]
    assert history.display_blanks == "gap"
    # What the ranges hold: the month and the month before, the stations charted, the areas by name.
    sheet = book["服务站"]
    assert [sheet[f"F{r}"].value for r in range(1, 6)] == ["2026-09", 100, 20, 19, 0]
    assert [sheet[f"G{r}"].value for r in range(1, 6)] == ["2026-08", 90, 12, 25, None]
    assert [c.value for c in book["村社区"]["B"][1:3]] == ["前进社区", "东庄村"]
    assert [c.value for c in book["近12个月"]["B"][9:13]] == [52, 31, 135, 139]


def test_numbers_shares_missing_and_text(workbook):
    book, _ = workbook
    sheet = book["服务站"]
    header = [c.value for c in sheet[1]]
    assert header[5:10] == ["2026-09", "2026-08", "2026-07", "2026-06", "2025-09 (去年同月)"]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    s1 = rows["S1"]
    assert [c.value for c in s1[5:12]] == [19, 25, 21, 22, 40, -6, -0.24]
    assert all(isinstance(c.value, int) for c in s1[5:11]) and s1[11].number_format == "0.0%"
    assert s1[12].value == "低于退出线"
    s6 = rows["S6"]
    assert s6[5].value is None and s6[5].fill.fgColor.rgb.endswith("EEEEEE") and s6[12].value == "无数据"
    assert rows["S7"][1].value == "'@SUM(1) 区外站" and rows["S7"][1].data_type == "s"  # never a formula
    assert rows["S7"][3].value == "不在任何村/社区"
    summary = {row[0].value: row[1] for row in book["汇总"].iter_rows() if row[0].value}
    assert summary["报送截止日期"].value == dt.datetime(2026, 10, 8) and summary["状态"].value == "已按时生成"
    assert summary["首次生成时间"].value == "2026-10-08 23:30"
    assert summary["覆盖率"].number_format == "0.0%" and 0 < summary["覆盖率"].value < 1
    applicants = {(r[0].value, r[1].value): r for r in book["申请户"].iter_rows(min_row=2)}
    c4 = applicants[("本月作出的审核决定", "C4")]
    assert c4[4].value == "批准" and c4[3].value == dt.datetime(2026, 9, 2) and c4[8].value == "超期"


def test_producing_is_recorded_and_the_first_time_counts(registry, workbook):
    _, report = workbook
    produced = read_events(registry, ("reports",), codes=["monthly-2026-09"])
    assert [(e["actor"], e["source"]) for e in produced] == [("记录员", "test"), ("tester", "cli")]
    assert report.production.first_produced == produced[0]["at"] and report.production.state == "in_time"


def test_the_html_file_in_english(registry, tmp_path):
    path, report = produce_monthly_report(registry, YIWU, "2026-07", tmp_path / "july.html", actor="tester",
                                          source="cli", lang="en", today=TODAY)
    html = path.read_text(encoding="utf-8")
    assert 'http-equiv="Content-Security-Policy"' in html and "script-src 'none'" in unescape(html)
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    assert "Monthly statistics report 2026-07" in html and "@SUM(1) 区外站" in html
    assert html.count('class="chart-bar"') + html.count('class="chart-bar chart-compare"') > 0
    assert report.production.state == "late"  # July's was due 5 Aug; produced now for the first time


def test_a_wrong_format_is_refused_before_anything_is_recorded(registry, tmp_path):
    with pytest.raises(UsageError, match=r"\.xlsx, \.html"):
        produce_monthly_report(registry, YIWU, "2026-06", tmp_path / "june.pdf", actor="tester", source="cli")
    assert read_events(registry, ("reports",), codes=["monthly-2026-06"]) == []
