"""Users' files are read within limits: refused early, in one line naming file, row and column, in bounded memory."""

import json
import subprocess
import time
import tracemalloc
import zipfile

import pytest

from planner.errors import UsageError
from planner.files.columns import KIND_FIELDS
from planner.files.tables import read_user_table
from tests.cli_support import PLANNER
from tests.hostile_files import (
    declared_bomb,
    long_line_csv,
    ratio_bomb,
    small_workbook,
    wide_csv,
    with_sheet,
)

BRANCHES = KIND_FIELDS["branches"]
MB = 1024 * 1024


def refused(path, fields=BRANCHES) -> tuple[str, float, float]:
    """(English message, peak MB traced while refusing, seconds) for a file read_user_table must refuse."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(UsageError) as info:
            read_user_table(path, fields)
        peak = tracemalloc.get_traced_memory()[1] / MB
    finally:
        tracemalloc.stop()
    message = info.value.en
    assert str(path.parent) not in message and str(path.parent) not in info.value.zh  # no server folder
    assert message.startswith(path.name) and "\n" not in message
    return message, peak, time.perf_counter() - started


def test_zip_bomb_by_declared_size(tmp_path):
    path = declared_bomb(tmp_path / "bomb.xlsx")
    assert path.stat().st_size < 10_000
    message, peak, seconds = refused(path)
    assert "unpacks to 1,049 MB" in message and "zip bomb" in message
    assert peak < 100 and seconds < 2


def test_zip_bomb_by_ratio(tmp_path):
    path = ratio_bomb(tmp_path / "bomb.xlsx")
    message, peak, _ = refused(path)
    assert "part xl/worksheets/sheet1.xml unpacks" in message and "more than 100×" in message
    assert peak < 100


def test_zipped_shapefile_bomb(tmp_path):
    path = tmp_path / "layer.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("layer.dbf", b"\0" * (8 * MB))
    assert "zip bomb" in refused(path)[0]


def test_million_column_csv(tmp_path):
    message, peak, seconds = refused(wide_csv(tmp_path / "wide.csv"))
    assert message.startswith("wide.csv, row 1: at least 349,526 columns, more than the 500 allowed")
    assert peak < 100 and seconds < 2


def test_too_many_columns_names_the_row(tmp_path):
    path = tmp_path / "w.csv"
    path.write_text("title\ncode,lon,lat," + ",".join(f"c{i}" for i in range(600)) + "\nA,1,2\n", encoding="utf-8")
    assert refused(path)[0] == "w.csv, row 2: 603 columns, more than the 500 allowed (PLANNER_MAX_COLUMNS)"
    book = small_workbook(tmp_path / "w.xlsx", [("code", "lon", "lat", *[f"c{i}" for i in range(600)])])
    assert refused(book)[0].startswith("w.xlsx, row 1: 603 columns")


def test_200_mb_line(tmp_path):
    path = long_line_csv(tmp_path / "long.csv")
    message, peak, seconds = refused(path)
    assert message == "long.csv, row 3: the line is longer than 1,024 KB (PLANNER_MAX_LINE_KB)"
    assert peak < 100 and seconds < 5


def test_a_sheet_row_too_long_for_memory(tmp_path):
    base = small_workbook(tmp_path / "base.xlsx")
    path = with_sheet(base, tmp_path / "row.xlsx", lambda s: s.write(b"<row>" + b"<c><v>1</v></c>" * 200_000
                                                                     + b"</row>"))
    message = refused(path)[0]
    assert "holds a row or text longer than 1,024 KB" in message or "zip bomb" in message


def test_entity_declarations_are_refused(tmp_path):
    base = small_workbook(tmp_path / "base.xlsx")
    path = with_sheet(base, tmp_path / "lol.xlsx", lambda s: None)
    data = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").replace(
        b"<worksheet", b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">]><worksheet', 1)
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            target.writestr(info.filename, data if info.filename == "xl/worksheets/sheet1.xml" else source.read(info))
    assert "declares XML entities" in refused(path)[0]


def test_a_far_row_costs_nothing_and_keeps_its_number(tmp_path):
    def row(number, code, lon="116.6"):
        return (f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t>{code}</t></is></c>'
                f'<c r="B{number}"><v>{lon}</v></c><c r="C{number}"><v>40.1</v></c></row>')

    header = ('<row r="1"><c r="A1" t="inlineStr"><is><t>code</t></is></c><c r="B1" t="inlineStr"><is><t>lon'
              '</t></is></c><c r="C1" t="inlineStr"><is><t>lat</t></is></c></row>')
    rows = (header + row(2, "A1") + row(1048576, "A2")).encode()
    path = with_sheet(small_workbook(tmp_path / "base.xlsx"), tmp_path / "far.xlsx", lambda s: s.write(rows))
    started = time.perf_counter()
    table = read_user_table(path, BRANCHES)
    assert time.perf_counter() - started < 2
    assert table.row_numbers.tolist() == [2, 1048576] and table.column(0).tolist() == ["A1", "A2"]


@pytest.mark.parametrize(("variable", "value", "content", "fragment"), [
    ("PLANNER_MAX_ROWS", "3", "code,lon,lat\n" + "A,1,2\n" * 5, "more than 3 rows"),
    ("PLANNER_MAX_CELLS", "10", "code,lon,lat\n" + "A,1,2\n" * 5, "more than 10 cells"),
    ("PLANNER_MAX_CELL_CHARS", "5", "code,lon,lat\nA,1,2\nABCDEFG,1,2\n", "row 3, column 'code': a cell longer than 5"),
    ("PLANNER_MAX_FILE_MB", "1", "code,lon,lat\n" + "A,1,2\n" * 300_000, "more than the 1.0 MB allowed"),
])
def test_each_limit_is_a_setting(tmp_path, monkeypatch, variable, value, content, fragment):
    path = tmp_path / "f.csv"
    path.write_text(content, encoding="utf-8")
    read_user_table(path, BRANCHES)  # within the defaults
    monkeypatch.setenv(variable, value)
    assert fragment in refused(path)[0]


def test_a_bad_setting_is_named(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANNER_MAX_ROWS", "lots")
    path = tmp_path / "f.csv"
    path.write_text("code,lon,lat\nA,1,2\n", encoding="utf-8")
    with pytest.raises(UsageError, match="PLANNER_MAX_ROWS must be a whole number"):
        read_user_table(path, BRANCHES)


def test_gis_layers_within_limits(tmp_path, monkeypatch):
    path = tmp_path / "points.geojson"
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [116.6, 40.1]},
                 "properties": {"code": f"A{i}", "a": 1, "b": 2, "c": 3}} for i in range(5)]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    assert len(read_user_table(path, BRANCHES)) == 5
    monkeypatch.setenv("PLANNER_MAX_COLUMNS", "3")
    assert "4 fields, more than the 3 allowed" in refused(path)[0]
    monkeypatch.setenv("PLANNER_MAX_COLUMNS", "30")
    monkeypatch.setenv("PLANNER_MAX_ROWS", "4")
    assert "more than 4 features" in refused(path)[0]


def test_a_geojson_larger_than_gdal_should_hold_is_refused_before_reading(tmp_path, monkeypatch):
    path = tmp_path / "areas.geojson"
    feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [116.6, 40.1]},
               "properties": {"code": "A", "name": "x" * 4000}}
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature] * 300}), encoding="utf-8")
    assert len(read_user_table(path, BRANCHES)) == 300  # 1.2 MB: within the default
    monkeypatch.setenv("PLANNER_MAX_GEOJSON_MB", "1")
    message = refused(path)[0]
    assert message.startswith("areas.geojson: a GeoJSON file over 1 MB") and ".gpkg" in message


JAPANESE = "code,name,lon,lat\nA1,東京ラーメンさくら,116.6,40.1\nA2,すし処,116.7,40.2\n"


def test_shift_jis_with_kana_is_read_as_shift_jis(tmp_path):
    path = tmp_path / "jp.csv"
    path.write_bytes(JAPANESE.encode("shift_jis"))
    table = read_user_table(path, BRANCHES)
    assert table.column(1).tolist() == ["東京ラーメンさくら", "すし処"]
    assert "read as Shift-JIS (Japanese) text" in table.notes


@pytest.mark.parametrize(("encoding", "text", "row"), [
    ("shift_jis", "code,name,lon,lat\nA1,ok,116.6,40.1\nA2,東京都港区,116.7,40.2\nA3,大阪府,116.7,40.2\n", 3),
    ("big5", "code,name,lon,lat\nA1,臺北市郵局便利店,116.6,40.1\nA2,高雄縣,116.7,40.2\n", 2),
])
def test_garbage_readings_are_refused_naming_the_row(tmp_path, encoding, text, row):
    path = tmp_path / "odd.csv"
    path.write_bytes(text.encode(encoding))
    assert refused(path)[0].startswith(f"odd.csv, row {row}: the text is not UTF-8 or GB18030")


def test_chinese_encodings_still_read(tmp_path):
    text = "机构号,名称,经度,纬度\nA1,北京顺义邮政支局（𠀀）,116.6,40.1\n"
    for encoding in ("utf-8", "utf-8-sig", "gb18030"):
        path = tmp_path / f"{encoding}.csv"
        path.write_bytes(text.encode(encoding))
        assert read_user_table(path, BRANCHES).column(1).tolist() == ["北京顺义邮政支局（𠀀）"]
    path = tmp_path / "u16.csv"
    path.write_bytes(text.encode("utf-16"))
    assert "UTF-16" in refused(path)[0]


@pytest.mark.parametrize("make", [declared_bomb, wide_csv, long_line_csv])
def test_cli_refuses_with_one_line_and_exit_2(tmp_path, make):
    path = make(tmp_path / ("in.xlsx" if make is declared_bomb else "in.csv"))
    env = {"PATH": "/usr/bin:/bin", "PLANNER_LANG": "en", "HOME": str(tmp_path)}
    for args in (["import", "candidates", str(path)], ["check", str(path), "--db", str(tmp_path / "r.sqlite")]):
        result = subprocess.run([PLANNER, *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
        assert result.returncode == 2, result.stderr
        assert result.stderr.startswith("planner: in.") and result.stderr.count("\n") == 1
        assert str(tmp_path) not in result.stderr and "Traceback" not in result.stderr


def test_lines_wider_than_the_header_never_shift_cells(tmp_path):
    path = tmp_path / "wide-rows.csv"
    path.write_text("code,lon,lat\nA,116.6,40.1,x,y\nB,116.7,40.2,x,y\n", encoding="utf-8")
    table = read_user_table(path, BRANCHES)  # pandas once took the extra cells for an index and shifted the rest
    assert table.frame.values.tolist() == [["A", "116.6", "40.1"], ["B", "116.7", "40.2"]]
    assert table.row_numbers.tolist() == [2, 3]
