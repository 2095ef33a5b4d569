"""Each coverage export opened back with the library that reads it."""

import re
import subprocess

import pandas as pd
import pyogrio
import pytest
from openpyxl import load_workbook

from planner.coverage.compute import CoverageOptions, compute_coverage
from planner.coverage.reports import write_coverage
from planner.rules.profiles import load_profile
from tests.cli_support import PLANNER
from tests.conftest import prepared_database
from tests.coverage_support import load_district


@pytest.fixture
def report(engine, tmp_path):
    load_district(engine, tmp_path)
    return compute_coverage(engine, CoverageOptions(load_profile("yiwu")))


def test_excel_report(report, tmp_path):
    path = write_coverage(report, tmp_path / "coverage.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == ["汇总", "村社区", "街道乡镇", "空白区", "图表"]
    summary = [[c.value for c in row] for row in book["汇总"].iter_rows()]
    flat = {row[0]: row[1] for row in summary if row and row[0]}
    assert flat["人口"] == 44930 and flat["数据日期"]
    share = next(r[1] for r in book["汇总"].iter_rows() if r[0].value == "覆盖率")
    assert isinstance(share.value, float) and 0 < share.value < 1 and share.number_format == "0.0%"
    assert len(book["图表"]._charts) == 2
    assert any(row[0] == "无服务的村/社区（按人口）" for row in summary)
    areas = book["村社区"]
    assert areas.freeze_panes == "A2"
    headers = [c.value for c in areas[1]]
    assert headers[:3] == ["代码", "名称", "级别"] and "覆盖率" in headers and "已覆盖人口" in headers
    row = {h: c.value for h, c in zip(headers, next(r for r in areas.iter_rows(min_row=2) if r[0].value == "V1"))}
    assert row["级别"] == "村" and row["已覆盖人口"] == 900 and row["覆盖率"] == 1
    assert row["覆盖状态"] == "已覆盖" and row["所属"] == "甲镇"


def test_english_excel_headers(report, tmp_path):
    book = load_workbook(write_coverage(report, tmp_path / "coverage.xlsx", lang="en"))
    assert book.sheetnames[0] == "Summary"
    assert [c.value for c in book["Areas"][1]][:3] == ["Code", "Name", "Level"]


def test_geopackage_layers(report, tmp_path):
    path = write_coverage(report, tmp_path / "coverage.gpkg")
    assert {name for name, _ in pyogrio.list_layers(path)} == {"areas", "cells", "gaps", "sites"}
    areas = pyogrio.read_dataframe(path, layer="areas")
    assert areas.crs.to_epsg() == 4326 and set(areas["code"]) == {"V1", "V2", "V3", "V4", "V5", "V6"}
    cells = pyogrio.read_dataframe(path, layer="cells")
    assert abs(cells["population"].sum() - 44930) < 1e-6 and (cells["served_by"] >= 0).all()
    gaps = pyogrio.read_dataframe(path, layer="gaps")
    assert gaps["population"].iloc[0] == report.gaps["population"].iloc[0]


def test_csv_and_html(report, tmp_path):
    table = pd.read_csv(write_coverage(report, tmp_path / "coverage.csv"))
    assert list(table.columns[:5]) == ["code", "name", "level", "parent_code", "parent_name"]
    page = write_coverage(report, tmp_path / "coverage.html").read_text(encoding="utf-8")
    assert re.findall(r'<(?:script|link)[^>]+(?:src|href)="https?://', page) == []
    assert "L.map(" in page and "大社区" in page


def test_unknown_report_format(report, tmp_path):
    from planner.errors import UsageError

    with pytest.raises(UsageError, match="output must end in"):
        write_coverage(report, tmp_path / "coverage.pdf")


def test_cli_coverage(database_url, tmp_path):
    prepared_database(database_url, lambda engine: load_district(engine, tmp_path))
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PLANNER_LANG": "en"}
    result = subprocess.run([PLANNER, "coverage", "--db", database_url, "-o", str(tmp_path / "c.xlsx")],
                            capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "6 areas" in result.stdout and "1 areas without service" in result.stdout
    empty = subprocess.run([PLANNER, "coverage", "--db", str(tmp_path / "empty.sqlite")], capture_output=True,
                           text=True, env=env, cwd=tmp_path, timeout=300)
    assert empty.returncode == 2 and "no areas" in empty.stderr
