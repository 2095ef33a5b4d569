"""`planner report monthly` as users and scripts run it: the file, its line on stdout, the production recorded."""

import re

from openpyxl import load_workbook

from planner.registry.engine import make_engine
from planner.registry.reports import read_events
from tests.cli_support import run
from tests.conftest import prepared_database
from tests.monthly_support import load_monthly_registry


def test_monthly_report_written_and_recorded(database_url, tmp_path):
    url = prepared_database(database_url, lambda engine: load_monthly_registry(engine, tmp_path))
    out = tmp_path / "out" / "september.xlsx"
    result = run("report", "monthly", "--month", "2026-09", "-o", str(out), "--db", url, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"{out}：2026-09，服务站 5 个（1 个无数据，2 个低于 20 笔），报送截止 2026-10-08" in result.stdout
    assert "首次生成于 2026-10-08 23:30（已按时生成）" in result.stdout  # 15:30 UTC is 23:30 in China
    assert len(load_workbook(out)["图表"]._charts) == 3
    html = run("report", "monthly", "--month", "2026-09", "-o", "sept.html", "--lang", "en", "--db", url,
               cwd=tmp_path)
    assert html.returncode == 0 and "Monthly statistics report 2026-09" in (tmp_path / "sept.html").read_text()
    engine = make_engine(url)
    try:
        produced = read_events(engine, ("reports",), codes=["monthly-2026-09"])
    finally:
        engine.dispose()
    assert [(e["actor"], e["source"], e["changes"]["format"]) for e in produced][1:] == \
        [("cli-test", "cli", ".xlsx"), ("cli-test", "cli", ".html")]


def test_default_month_and_bad_arguments(database_url, tmp_path):
    url = prepared_database(database_url, lambda engine: load_monthly_registry(engine, tmp_path))
    result = run("report", "monthly", "--db", url, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    written = re.match(r"(monthly-(\d{4}-\d{2})\.xlsx)：\2，", result.stdout)
    assert written and (tmp_path / written.group(1)).exists()  # the last complete month
    for args, fragment in ((["--month", "2026-13"], "2026-13"), (["-o", "x.pdf"], "x.pdf")):
        bad = run("report", "monthly", *args, "--db", url, cwd=tmp_path)
        assert bad.returncode == 2 and fragment in bad.stderr and len(bad.stderr.strip().splitlines()) == 1, args
