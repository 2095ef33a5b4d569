"""Monthly transaction counts kept clean: every bad row said with file, row and column, nothing loaded then;
a re-imported month replaces the old count and the change is in the station's history."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.errors import InputError
from planner.files.imports import prepare_import
from planner.registry.tables import count_rows, history, load_records, read_table
from planner.rules.china_time import china_today, month_of
from tests.file_support import load_file, write_xlsx

TODAY = dt.date(2026, 11, 30)


def _stations(engine, tmp_path):
    path = write_xlsx(tmp_path / "stations.xlsx", ["机构号", "名称", "经度", "纬度"],
                      [["S1", "一号站", 116.60, 40.10], ["S2", "二号站", 116.62, 40.11]])
    load_file(engine, path, "stations")


def _csv(tmp_path, body: str, name: str = "tx.csv"):
    path = tmp_path / name
    path.write_text("网点编号,月份,笔数\n" + body, encoding="utf-8")
    return path


def _load(engine, path, *, today=TODAY, replace=False, actor="tester"):
    return load_records(engine, prepare_import(path, "transactions", today=today), actor=actor, replace=replace)


def _problems(info) -> list[str]:
    return [p.text("en") for p in info.value.problems]


def _counts(engine) -> dict:
    frame = read_table(engine, "transactions")
    return {(s, m): c for s, m, c in zip(frame["station_code"], frame["month"], frame["count"])}


@pytest.mark.parametrize(("body", "row", "column", "words"), [
    ("S1,2026-10,5\nS9,2026-10,7\n", 3, "网点编号", "'S9' is not in the registry"),
    ("S1,2026-11,5\nS1,2026-12,7\n", 3, "月份", "month 2026-12 is in the future (this month in China is 2026-11)"),
    ("S1,2026-10,5\nS2,2026-10,-1\n", 3, "笔数", "'-1' is not a whole count"),
    ("S1,2026-10,5\nS2,2026-10,2.5\n", 3, "笔数", "'2.5' is not a whole count"),
    ("S1,2026-10,5\nS2,2026-10,许多\n", 3, "笔数", "is not a number"),
    ("S1,2026-10,5\nS2,2026-10,3000000000\n", 3, "笔数", "'3000000000' is more than 2147483647"),
    ("S1,2026-10,5\nS2,2026-10,99999999999999999999\n", 3, "笔数", "is more than 2147483647"),
    ("S1,2026-10,5\nS2,2026-10,3\nS1,2026年10月,6\n", 4, "月份", "station S1 month 2026-10 repeats row 2"),
])
def test_a_bad_row_is_said_where_and_nothing_is_loaded(engine, tmp_path, body, row, column, words):
    _stations(engine, tmp_path)
    with pytest.raises(InputError) as info:
        _load(engine, _csv(tmp_path, body))
    assert any(f"tx.csv, row {row}, column '{column}'" in t and words in t for t in _problems(info)), _problems(info)
    assert count_rows(engine)["transactions"] == 0


def test_every_bad_row_of_a_file_is_listed_at_once(engine, tmp_path):
    _stations(engine, tmp_path)
    with pytest.raises(InputError) as info:
        _load(engine, _csv(tmp_path, "S1,2027-01,5\nS2,2026-10,-4\nS2,2026-10,4\nS1,2026-11,0\n"))
    rows = sorted((p.row, p.column) for p in info.value.problems)
    assert rows == [(2, "月份"), (3, "笔数"), (4, "月份")]
    assert count_rows(engine)["transactions"] == 0


def test_the_current_month_in_china_is_not_the_future(engine, tmp_path):
    """The boundary month itself loads; the default clock is China's (UTC+8), not the server's."""
    _stations(engine, tmp_path)
    this_month = month_of(china_today())
    _load(engine, _csv(tmp_path, f"S1,{this_month},0\n"), today=None)
    assert _counts(engine) == {("S1", this_month): 0}
    following = month_of(china_today().replace(day=28) + dt.timedelta(days=5))
    with pytest.raises(InputError, match="in the future"):
        _load(engine, _csv(tmp_path, f"S1,{following},1\n", "next.csv"), today=None)


def test_reimporting_a_month_replaces_its_count_and_says_so_in_the_history(engine, tmp_path):
    _stations(engine, tmp_path)
    first = _load(engine, _csv(tmp_path, "S1,2026-09,12\nS1,2026-10,20\nS2,2026-10,3\n", "september.csv"))
    assert (first.created, first.updated) == (3, 0)
    assert not [e for e in history(engine, "stations", "S1") if e["table_name"] == "transactions"]
    again = _load(engine, _csv(tmp_path, "S1,2026-09,15\nS1,2026-10,20\nS2,2026-10,0\n", "corrected.csv"),
                  actor="wang")
    assert (again.created, again.updated, again.unchanged) == (0, 2, 1)
    assert _counts(engine) == {("S1", "2026-09"): 15, ("S1", "2026-10"): 20, ("S2", "2026-10"): 0}
    changes = [(e["table_name"], e["actor"], e["action"], e["changes"], e["source"])
               for e in history(engine, "stations", "S1") if e["table_name"] == "transactions"]
    assert changes == [("transactions", "wang", "update", {"month": "2026-09", "count": [12, 15]}, "corrected.csv")]
    s2 = [e["changes"] for e in history(engine, "stations", "S2") if e["table_name"] == "transactions"]
    assert s2 == [{"month": "2026-10", "count": [3, 0]}]


def test_replace_retires_missing_months_and_a_later_file_brings_them_back(engine, tmp_path):
    _stations(engine, tmp_path)
    _load(engine, _csv(tmp_path, "S1,2026-09,12\nS1,2026-10,20\n"))
    summary = _load(engine, _csv(tmp_path, "S1,2026-10,20\n", "october.csv"), replace=True)
    assert (summary.deleted, summary.unchanged) == (1, 1)
    assert _counts(engine) == {("S1", "2026-10"): 20}
    back = _load(engine, _csv(tmp_path, "S1,2026-09,13\n", "september.csv"))
    assert back.restored == 1 and _counts(engine)[("S1", "2026-09")] == 13
    months = [(e["action"], e["changes"]) for e in history(engine, "stations", "S1")
              if e["table_name"] == "transactions"]
    assert months == [("delete", {"month": "2026-09", "count": [12, None]}),
                      ("restore", {"month": "2026-09", "count": [None, 13]})]
