"""Every export meant for people, read back: in Chinese no English status word or raw key in any cell,
percentages are numbers with a percent format, positions keep six decimals. Files meant for scripts keep the
tokens and column names of interfaces.md, with a BOM so a Chinese Excel opens them."""

import html
import re

import pandas as pd
import pytest
from openpyxl import load_workbook

from planner.check.batch import check_file
from planner.check.output import write_checked
from planner.coverage.compute import CoverageOptions, compute_coverage
from planner.coverage.reports import write_coverage
from planner.rules.profiles import load_profile
from planner.selection.ranking import rank_candidates, write_ranking
from planner.workflow.monthly_files import produce_monthly_report
from tests.check_support import offset, row, write_list
from tests.geometry_files import GOOD
from tests.monthly_support import load_monthly_registry

YIWU = load_profile("yiwu")
# Tokens that must never reach a person reading a Chinese export, as a whole cell.
TOKENS = {"pass", "fail", "error", "none", "partly", "covered", "village", "community", "township", "subdistrict",
          "submitted", "surveyed", "needs_info", "approved", "rejected", "opened", "open", "closed",
          "listed_for_exit", "branch", "agency", "exit", "keep", "too_new", "missing", "True", "False", "true",
          "false", "yes", "no", "in_time", "late", "not_yet", "overdue", "yiwu", "mianyang", "heilongjiang",
          "shunyi", "nan", "NaN", "None"}
# Raw keys and machine text that must not show inside any cell.
RAW = re.compile(r"geom|POINT|_population|covered_share|nearest_|_m\b|\bUTC\b|lon_wgs84|lat_wgs84|parent_code")


@pytest.fixture
def registry(engine, tmp_path):
    return load_monthly_registry(engine, tmp_path)


def _cells(book):
    for sheet in book:
        for line in sheet.iter_rows():
            for cell in line:
                if cell.value is not None:
                    yield sheet.title, cell


def _assert_chinese_book(path):
    book = load_workbook(path)
    bad = [(title, cell.coordinate, cell.value) for title, cell in _cells(book)
           if isinstance(cell.value, str) and (cell.value.strip() in TOKENS or RAW.search(cell.value))]
    assert not bad, bad
    bad = [(title, cell.coordinate) for title, cell in _cells(book) if isinstance(cell.value, bool)]
    assert not bad, f"booleans shown as TRUE/FALSE: {bad}"
    return book


def _html_cells(page: str) -> list[str]:
    """The text of every table cell of an HTML export."""
    body = re.sub(r"<script\b.*?</script>", "", page.split("<body", 1)[-1], flags=re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(r"<t[dh](?:\s[^>]*)?>(.*?)</t[dh]>", body, re.S)]


def _column(sheet, header: str, header_row: int = 1):
    headers = [c.value for c in sheet[header_row]]
    i = headers.index(header)
    return [r[i] for r in sheet.iter_rows(min_row=header_row + 1) if r[i].value is not None]


def _assert_coordinates(cells):
    assert cells
    for cell in cells:
        assert isinstance(cell.value, float) and cell.number_format == "0.000000", (cell.coordinate, cell.value)


def _assert_percent(cells):
    assert cells
    for cell in cells:
        assert isinstance(cell.value, (int, float)) and "%" in cell.number_format, (cell.coordinate, cell.value)
        assert 0 <= cell.value <= 1


def test_check_result_xlsx_in_chinese_csv_for_scripts(registry, tmp_path):
    rows = [row("P1", GOOD), row("P2", ("abc", 40.11)), row("P3", offset("O1", 100, 0))]
    result = check_file(write_list(tmp_path / "in.xlsx", rows), registry, YIWU, lang="zh")
    book = _assert_chinese_book(write_checked(result, tmp_path / "out.xlsx", lang="zh"))
    sheet = book.active
    assert [c.value for c in _column(sheet, "结论")] == ["通过", "数据有误", "不通过"]
    _assert_coordinates(_column(sheet, "经度（WGS84）") + _column(sheet, "纬度（WGS84）"))
    csv_path = write_checked(result, tmp_path / "out.csv", lang="zh")
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel shows the Chinese
    back = pd.read_csv(csv_path, encoding="utf-8-sig", dtype=str)
    assert back["verdict"].tolist() == ["pass", "error", "fail"]  # interfaces.md
    assert {"reasons", "nearest_outlet_id", "lon_wgs84", "lat_wgs84"} <= set(back.columns)
    assert re.search(r"[\u4e00-\u9fff]", back["reasons"].iloc[1])  # reasons in the chosen language


def test_coverage_xlsx_and_html_in_chinese(registry, tmp_path):
    report = compute_coverage(registry, CoverageOptions(YIWU))
    book = _assert_chinese_book(write_coverage(report, tmp_path / "coverage.xlsx", lang="zh"))
    summary = book["汇总"]
    share = next(r[1] for r in summary.iter_rows() if r[0].value == "覆盖率")
    _assert_percent([share])
    _assert_percent(_column(book["村社区"], "覆盖率") + _column(book["街道乡镇"], "覆盖率"))
    if report.gaps.shape[0]:
        _assert_coordinates(_column(book["空白区"], "经度") + _column(book["空白区"], "纬度"))
    charts = book["图表"]._charts
    assert len(charts) == 2 and all(type(c).__name__ == "BarChart" for c in charts)
    page = write_coverage(report, tmp_path / "coverage.html", lang="zh").read_text(encoding="utf-8")
    cells = _html_cells(page)
    assert len(cells) > 20 and "覆盖率" in cells
    assert not [c for c in cells if c in TOKENS or RAW.search(c)]
    assert 'id="chart-parent-shares"' in page and 'id="chart-share-spread"' in page
    gaps = re.search(r'<table id="gap-table">(.*?)</table>', page, re.S).group(1)
    for lon, lat in zip(report.gaps["lon"], report.gaps["lat"]):
        assert f"{lon:.6f}" in gaps and f"{lat:.6f}" in gaps  # never rounded to whole degrees


def test_coverage_csv_keeps_tokens_with_words_beside(registry, tmp_path):
    report = compute_coverage(registry, CoverageOptions(YIWU))
    path = write_coverage(report, tmp_path / "coverage.csv", lang="zh")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(path, encoding="utf-8-sig", dtype=str)
    assert set(back["status"]) <= {"none", "partly", "covered"} and set(back["level"]) <= {"village", "community"}
    assert set(back["status_text"]) <= {"无服务", "部分覆盖", "已覆盖"} and set(back["level_text"]) <= {"村", "社区"}
    assert not back["population"].str.endswith(".0").any()  # whole people, not 1178.0


def test_ranking_xlsx_in_chinese(registry, tmp_path):
    table = rank_candidates(registry, YIWU)
    book = _assert_chinese_book(write_ranking(table, tmp_path / "rank.xlsx", lang="zh"))
    sheet = book.active
    statuses = {c.value for c in _column(sheet, "状态")}
    assert statuses and statuses <= {"待勘察", "待决定", "待补充材料"}
    assert {c.value for c in _column(sheet, "符合距离规则")} <= {"是", "否"}
    _assert_coordinates(_column(sheet, "经度") + _column(sheet, "纬度"))
    english = load_workbook(write_ranking(table, tmp_path / "rank-en.xlsx", lang="en")).active
    assert {c.value for c in _column(english, "Status")} <= {"awaiting survey", "awaiting decision",
                                                              "needs information"}
    csv_back = pd.read_csv(write_ranking(table, tmp_path / "rank.csv", lang="zh"), encoding="utf-8-sig")
    assert set(csv_back["status"]) <= {"submitted", "surveyed", "needs_info"}  # scripts keep the tokens


def test_monthly_xlsx_and_html_in_chinese(registry, tmp_path):
    path, _ = produce_monthly_report(registry, YIWU, "2026-09", tmp_path / "m.xlsx", actor="tester", source="cli",
                                     lang="zh")
    _assert_chinese_book(path)
    page, _ = produce_monthly_report(registry, YIWU, "2026-09", tmp_path / "m.html", actor="tester", source="cli",
                                     lang="zh")
    text = page.read_text(encoding="utf-8")
    cells = _html_cells(text)
    assert len(cells) > 20
    assert not [c for c in cells if c in TOKENS or RAW.search(c)]
