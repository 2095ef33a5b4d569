"""Every import format with Chinese headers, loaded into each backend."""

import shutil

import numpy as np
import pytest
import shapely

from planner.files.imports import prepare_import
from planner.registry.tables import read_table
from planner.spatial.chinacoords import wgs84_to_bd09, wgs84_to_gcj02
from planner.spatial.geodesic import GEOD
from tests.conftest import DATA
from tests.file_support import load_file, write_points, write_xlsx

EXPECTED = {"B001": (116.654, 40.130), "B002": (116.670, 40.120), "B003": (116.590, 40.080)}
HEADERS = ["机构号", "网点名称", "类型", "地址", "经度", "纬度", "负责人"]
ROWS = [
    ["B001", "顺义邮政支局", "支局", "府前街1号", 116.654, 40.130, "王经理"],
    ["B002", "石园代办点", "代办点", "石园街2号", 116.670, 40.120, None],
    ["B003", "空港邮政支局", "营业网点", "空港街3号", 116.590, 40.080, "李经理"],
]


_load = load_file


def _positions(engine, table="outlets"):
    frame = read_table(engine, table)
    return {code: (g.x, g.y) for code, g in zip(frame["code"], frame.geometry)}


def _assert_positions(engine, expected=EXPECTED, table="outlets", tol_m=0.01):
    got = _positions(engine, table)
    assert set(got) == set(expected)
    for code, (lon, lat) in expected.items():
        assert GEOD.inv(lon, lat, *got[code])[2] < tol_m, code


def _csv_gbk(tmp_path):
    path = tmp_path / "branches_gbk.csv"
    path.write_bytes((DATA / "branches_zh.csv").read_text(encoding="utf-8").encode("gb18030"))
    return path


def _xlsx(tmp_path):
    return write_xlsx(tmp_path / "branches.xlsx", HEADERS, ROWS, title="顺义区邮政网点清单",
                      sheets_before=[("说明", [["本表为示例"], ["数据截至 2026 年"]])])


def _gis(suffix):
    def make(tmp_path):
        columns = {"编号": [r[0] for r in ROWS], "名称": [r[1] for r in ROWS], "类型": [r[2] for r in ROWS],
                   "负责人": [r[6] or "" for r in ROWS]}
        return write_points(tmp_path / f"branches{suffix}", columns, [r[4] for r in ROWS], [r[5] for r in ROWS])
    return make


FORMATS = {
    "csv-utf8": lambda tmp_path: shutil.copy(DATA / "branches_zh.csv", tmp_path / "b.csv"),
    "csv-gb18030": _csv_gbk,
    "xlsx-title-row-second-sheet": _xlsx,
    "geojson": _gis(".geojson"),
    "gpkg": _gis(".gpkg"),
    "shapefile": _gis(".shp"),
}


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_loads_with_chinese_headers(engine, tmp_path, fmt):
    summary = _load(engine, FORMATS[fmt](tmp_path))
    assert summary.created == 3
    _assert_positions(engine)
    frame = read_table(engine, "outlets").set_index("code")
    assert frame.loc["B002", "kind"] == "agency" and frame.loc["B003", "kind"] == "branch"
    assert frame.loc["B001", "attrs"]["负责人"] == "王经理"  # unknown columns pass through


def test_xlsx_notes_which_sheet_was_used(tmp_path):
    batch = prepare_import(_xlsx(tmp_path), "branches")
    assert batch.notes == ["sheet '数据' used"]


@pytest.mark.parametrize(("crs", "convert"), [("gcj02", wgs84_to_gcj02), ("bd09", wgs84_to_bd09)])
def test_crs_option_converts_to_wgs84(engine, tmp_path, crs, convert):
    lon, lat = convert(np.array([v[0] for v in EXPECTED.values()]), np.array([v[1] for v in EXPECTED.values()]))
    rows = [r[:4] + [float(x), float(y)] for r, x, y in zip(ROWS, lon, lat)]
    path = write_xlsx(tmp_path / "amap.xlsx", HEADERS[:6], rows)
    _load(engine, path, crs=crs)
    _assert_positions(engine)


def test_per_row_crs_column_overrides_the_file_crs(engine, tmp_path):
    glon, glat = wgs84_to_gcj02(116.670, 40.120)
    rows = [ROWS[0][:6] + ["wgs84"], ROWS[1][:4] + [float(glon), float(glat), "高德"], ROWS[2][:6] + [""]]
    path = write_xlsx(tmp_path / "mixed.xlsx", HEADERS[:6] + ["坐标系"], rows)
    _load(engine, path, crs="wgs84")
    _assert_positions(engine)


def test_projected_gis_file_is_converted(engine, tmp_path):
    path = write_points(tmp_path / "gk.gpkg", {"编号": ["B001"]}, [116.654], [40.130], crs=4548)
    _load(engine, path)
    _assert_positions(engine, {"B001": (116.654, 40.130)})


def test_areas_geojson_with_census_figures(engine):
    _load(engine, DATA / "areas.geojson", kind="areas")
    frame = read_table(engine, "areas").set_index("code")
    assert frame.loc["A1", "level"] == "village" and frame.loc["A2", "level"] == "community"
    assert frame.loc["A2", "population"] == 8000 and frame.loc["A1", "parent_code"] == "T1"
    assert (frame.geometry.geom_type == "MultiPolygon").all()
    expected = shapely.MultiPolygon([shapely.box(116.60, 40.10, 116.62, 40.12)])
    assert frame.loc["A1"].geometry.normalize().equals_exact(expected.normalize(), 1e-9)


def test_area_census_update_from_a_spreadsheet(engine, tmp_path):
    _load(engine, DATA / "areas.geojson", kind="areas")
    path = write_xlsx(tmp_path / "census.xlsx", ["代码", "名称", "级别", "人口", "户数"],
                      [["A1", "东庄村", "村", 1300, 470]])
    summary = _load(engine, path, kind="areas")
    assert summary.updated == 1
    frame = read_table(engine, "areas").set_index("code")
    assert frame.loc["A1", "population"] == 1300 and frame.loc["A2", "population"] == 8000
    assert not frame.loc["A1"].geometry.is_empty


def test_stations_candidates_and_transactions(engine, tmp_path):
    stations = write_xlsx(tmp_path / "stations.xlsx", ["机构号", "名称", "状态", "经营者", "开业日期", "经度", "纬度"],
                          [["S1", "便民站一", "营业", "张先生", "2024-05-01", 116.66, 40.13],
                           ["S2", "便民站二", "待退出", "李女士", "2023/1/2", 116.68, 40.14]])
    _load(engine, stations, kind="stations")
    candidates = write_xlsx(tmp_path / "cand.xlsx",
                            ["序号", "店名", "经度", "纬度", "营业面积", "展示面积", "经营月数", "户外标识位",
                             "通信线路", "报送日期", "身份证号"],
                            [["C1", "鑫源超市", "116°39'36\"", "40°07'48\"", "25", 1.5, 8, "有", "无", "2026-11-20",
                              "110113199001011234"]])
    _load(engine, candidates, kind="candidates")
    cand = read_table(engine, "candidates").iloc[0]
    assert cand["status"] == "submitted" and cand["area_m2"] == 25 and cand["signage"] and not cand["line"]
    assert abs(cand.geometry.x - 116.66) < 1e-9 and abs(cand.geometry.y - 40.13) < 1e-9
    tx = tmp_path / "tx.csv"
    tx.write_text("网点编号,月份,笔数\nS1,2026-09,120\nS1,2026年10月,95\nS2,2026/10,3\n", encoding="utf-8")
    summary = _load(engine, tx, kind="transactions")
    assert summary.created == 3
    table = read_table(engine, "transactions")
    assert sorted(table["month"]) == ["2026-09", "2026-10", "2026-10"]
    st = read_table(engine, "stations").set_index("code")
    assert st.loc["S2", "status"] == "listed_for_exit" and str(st.loc["S1", "opened_on"]) == "2024-05-01"
