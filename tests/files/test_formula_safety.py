"""Every CSV and XLSX planner writes shows users' formulas as text (OWASP), and keeps numbers numbers."""

import csv

import pandas as pd
import pytest
from openpyxl import load_workbook

from planner.check.batch import check_file
from planner.check.output import write_checked
from planner.coverage.compute import CoverageOptions, compute_coverage
from planner.coverage.reports import write_coverage
from planner.files.writers import formula_safe, formula_safe_frame
from planner.rules.profiles import load_profile
from planner.selection.ranking import rank_candidates, write_ranking
from tests.check_support import HEADERS, load_small_registry, row, write_list
from tests.coverage_support import load_district, to_lonlat
from tests.file_support import load_file

PAYLOADS = ['=HYPERLINK("http://evil.example/","click")', "=cmd|' /C calc'!A0", "@SUM(1)", "+1-1", "-2+3",
            "\tTAB"]
GOOD = (116.628, 40.1035)


@pytest.mark.parametrize(("value", "written"), [
    ("=1+1", "'=1+1"), ("+1-1", "'+1-1"), ("-2+3", "'-2+3"), ("@SUM(1)", "'@SUM(1)"), ("\tx", "'\tx"),
    ("\rx", "'\rx"), ("-", "'-"), ("-12.5", "-12.5"), ("+3", "+3"), ("1e5", "1e5"), ("a=b", "a=b"),
    (-12.5, -12.5), (7, 7), (None, None), ("", ""),
])
def test_the_rule(value, written):
    assert formula_safe(value) == written


def test_frames_keep_number_columns_numeric():
    frame = pd.DataFrame({"name": ["=1+1", "ok", None], "n": [-1.5, 2.0, 3.0], "=h": ["x", "-4", "+x"]})
    safe = formula_safe_frame(frame)
    assert safe["name"].tolist()[:2] == ["'=1+1", "ok"] and pd.isna(safe["name"].iloc[2])
    assert safe["n"].dtype == float and safe["n"].tolist() == [-1.5, 2.0, 3.0]
    assert list(safe.columns) == ["name", "n", "'=h"] and safe["'=h"].tolist() == ["x", "-4", "'+x"]
    assert frame["name"].iloc[0] == "=1+1"  # the caller's frame is left alone


def _hostile_list(path):
    rows = [row(f"A{i}", (GOOD[0] + i * 0.01, GOOD[1]), name=payload, phone="-5") + [payload]
            for i, payload in enumerate(PAYLOADS)]
    return write_list(path, rows, headers=HEADERS + ["=evil"])


def test_checked_csv_and_xlsx(engine, tmp_path):
    load_small_registry(engine)
    result = check_file(_hostile_list(tmp_path / "list.csv"), engine, load_profile("yiwu"))
    out = write_checked(result, tmp_path / "out.csv")
    with open(out, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][-13] == "'=evil"  # the users' header, before the 12 columns planner adds
    assert [r[1] for r in rows[1:]] == ["'" + p for p in PAYLOADS]
    assert [r[9] for r in rows[1:]] == ["-5"] * len(PAYLOADS)  # a number written as text stays as it is
    book = load_workbook(write_checked(result, tmp_path / "out.xlsx"))
    sheet = book.active
    assert sheet.cell(1, len(HEADERS) + 1).value == "'=evil"
    for i, payload in enumerate(PAYLOADS, start=2):
        for cell in (sheet.cell(i, 2), sheet.cell(i, len(HEADERS) + 1)):
            assert cell.data_type == "s" and cell.value == "'" + payload
        distance = sheet.cell(i, len(HEADERS) + 5)  # nearest_outlet_m
        assert distance.data_type == "n" and isinstance(distance.value, float)


def test_checked_xlsx_keeps_negative_numbers(engine, tmp_path):
    load_small_registry(engine)
    path = write_list(tmp_path / "list.xlsx", [row("A1", GOOD, phone=-5)])
    result = check_file(path, engine, load_profile("yiwu"))
    sheet = load_workbook(write_checked(result, tmp_path / "out.xlsx")).active
    assert sheet.cell(2, 10).value == -5 and sheet.cell(2, 10).data_type == "n"


@pytest.fixture
def hostile_district(engine, tmp_path):
    load_district(engine, tmp_path)
    areas = tmp_path / "names.csv"
    areas.write_text('代码,名称,级别\nV2,"=HYPERLINK(""http://evil.example/"",""x"")",village\nT1,@SUM(1),township\n',
                     encoding="utf-8")
    load_file(engine, areas, "areas")
    applicants = tmp_path / "applicants.csv"
    lon, lat = to_lonlat(5000, 600)
    applicants.write_text(f"序号,名称,状态,经度,纬度\n+1-1,-2+3,submitted,{lon},{lat}\n", encoding="utf-8")
    load_file(engine, applicants, "candidates")
    return engine


def test_coverage_xlsx_and_csv(hostile_district, tmp_path):
    report = compute_coverage(hostile_district, CoverageOptions(load_profile("yiwu")))
    book = load_workbook(write_coverage(report, tmp_path / "coverage.xlsx", lang="en"))
    texts = [c for sheet in book for r in sheet.iter_rows() for c in r if isinstance(c.value, str)]
    assert not [c.value for c in texts if c.value.startswith(("=", "+", "-", "@"))]
    assert all(c.data_type == "s" for c in texts)
    values = {c.value for c in texts}
    assert {'\'=HYPERLINK("http://evil.example/","x")', "'@SUM(1)"} <= values
    assert any(v.startswith("'+1-1") for v in values)  # the gap's nearby applicants
    population = next(r for r in book["Areas"].iter_rows(min_row=2) if r[0].value == "V2")[5]
    assert population.data_type == "n" and population.value == 2000
    with open(write_coverage(report, tmp_path / "coverage.csv"), encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_code = {r["code"]: r for r in rows}
    assert by_code["V2"]["name"].startswith("'=HYPERLINK") and by_code["V1"]["parent_name"] == "'@SUM(1)"
    assert float(by_code["V2"]["population"]) == 2000


def test_ranking_csv_and_xlsx(hostile_district, tmp_path):
    table = rank_candidates(hostile_district, load_profile("yiwu"))
    with open(write_ranking(table, tmp_path / "rank.csv"), encoding="utf-8-sig", newline="") as handle:
        rows = {r["code"]: r for r in csv.DictReader(handle)}
    assert rows["'+1-1"]["name"] == "'-2+3"
    sheet = load_workbook(write_ranking(table, tmp_path / "rank.xlsx")).active
    header = [c.value for c in sheet[1]]
    line = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "'+1-1")
    cells = dict(zip(header, line))
    assert cells["名称"].value == "'-2+3" and cells["名称"].data_type == "s"
    assert cells["经度"].data_type == "n"
