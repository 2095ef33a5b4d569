"""A bad file loads nothing and says file, row and column; a bad row is never dropped silently."""

import pytest

from planner.errors import InputError, UsageError
from planner.files.imports import prepare_import
from planner.registry.tables import count_rows, read_table
from tests.conftest import DATA
from tests.file_support import load_file, write_xlsx

_load = load_file


def _problem_texts(exc_info):
    return [p.text("en") for p in exc_info.value.problems]


def test_bad_rows_are_all_reported_with_row_and_column(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("机构号,网点名称,经度,纬度\n"
                    "B1,甲,116.6,40.1\n"
                    "B2,乙,abc,40.1\n"
                    ",丙,116.7,40.2\n"
                    "B1,丁,116.7,\n"
                    "B5,戊,40.1,116.6\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        prepare_import(path, "branches")
    texts = _problem_texts(info)
    assert f"{path.name}, row 3, column '经度': 'abc' is not a coordinate" in texts[0]
    assert any("row 4, column '机构号': identifier is empty" in t for t in texts)
    assert any("row 5, column '机构号': duplicate id 'B1' (first at row 2)" in t for t in texts)
    assert any("row 5, column '纬度': coordinate is empty" in t for t in texts)
    assert any("row 6" in t and "look swapped" in t for t in texts)
    assert "未导入任何数据" in info.value.message("zh")


def test_failed_import_changes_nothing(engine, tmp_path):
    _load(engine, DATA / "branches_zh.csv")
    before = read_table(engine, "outlets").sort_values("code")
    path = write_xlsx(tmp_path / "update.xlsx", ["机构号", "网点名称", "经度", "纬度"],
                      [["B001", "改名支局", 116.7, 40.2], ["B009", "新支局", "x", 40.2]])
    with pytest.raises(InputError):
        _load(engine, path)
    after = read_table(engine, "outlets").sort_values("code")
    assert after["name"].tolist() == before["name"].tolist()
    assert count_rows(engine)["outlets"] == 3


def test_registry_problems_roll_back_the_whole_file(engine, tmp_path):
    """Transactions for an unknown station: the whole file is refused inside the transaction."""
    stations = write_xlsx(tmp_path / "s.xlsx", ["机构号", "经度", "纬度"], [["S1", 116.6, 40.1]])
    _load(engine, stations, kind="stations")
    tx = tmp_path / "tx.csv"
    tx.write_text("网点编号,月份,笔数\nS1,2026-09,12\nS9,2026-09,5\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        _load(engine, tx, kind="transactions")
    assert "row 3" in _problem_texts(info)[0] and "'S9' is not in the registry" in _problem_texts(info)[0]
    assert count_rows(engine)["transactions"] == 0


def test_new_area_without_polygon_is_refused(engine, tmp_path):
    path = write_xlsx(tmp_path / "census.xlsx", ["代码", "名称", "级别", "人口"], [["Z9", "新村", "村", 10]])
    with pytest.raises(InputError, match="no geometry"):
        _load(engine, path, kind="areas")
    assert count_rows(engine)["areas"] == 0


@pytest.mark.parametrize(("content", "message"), [
    ("名称,地址\n甲,某地\n", "no column for 'code'"),
    ("机构号,名称\nB1,甲\n", "no column for 'lon'"),
])
def test_missing_columns_are_named(tmp_path, content, message):
    path = tmp_path / "f.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        prepare_import(path, "branches")


def test_unknown_crs_names_are_row_errors(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("机构号,经度,纬度,坐标系\nB1,116.6,40.1,mars\n", encoding="utf-8")
    with pytest.raises(InputError, match="row 2, column '坐标系': unknown coordinate system 'mars'"):
        prepare_import(path, "branches")


@pytest.mark.parametrize(("name", "content", "message"), [
    ("missing.csv", None, "file not found"),
    ("list.xls", b"\xd0\xcf\x11\xe0", "old .xls"),
    ("list.pdf", b"%PDF", "unsupported file type"),
    ("broken.xlsx", b"not a zip", "cannot open workbook"),
    ("blank.csv", b"a,b\n1,2\n", "no header row found"),
])
def test_unusable_files_are_usage_errors(tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(UsageError, match=message):
        prepare_import(path, "branches")


def test_a_nul_character_is_a_cell_problem_on_both_backends(engine, tmp_path):
    path = tmp_path / "nul.csv"
    path.write_bytes("机构号,网点名称,经度,纬度,备\x00注\nB1,甲,116.6,40.1,x\nB2,乙\x00丙,116.7,40.2,\n".encode())
    with pytest.raises(InputError) as info:
        _load(engine, path)  # PostgreSQL cannot store it: this used to be a DataError inside the write
    assert _problem_texts(info) == [
        "nul.csv, column '备\u2400注': the header contains a NUL character: remove it",
        "nul.csv, row 3, column '网点名称': contains a NUL character, which cannot be stored: remove it"]
    assert count_rows(engine)["outlets"] == 0
