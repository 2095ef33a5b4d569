"""Input the real world sends: every row comes back, problems explained."""

import subprocess

import geopandas as gpd
import pandas as pd
import pytest

from planner.check.batch import check_file
from planner.check.output import write_checked
from planner.rules.profiles import load_profile
from planner.spatial.chinacoords import wgs84_to_bd09, wgs84_to_gcj02
from tests.check_support import HEADERS, load_small_registry, row, write_list
from tests.cli_support import PLANNER
from tests.conftest import prepared_database
from tests.file_support import write_xlsx

GOOD = (116.628, 40.1035)


@pytest.fixture
def registry(engine):
    return load_small_registry(engine)


def _run(registry, path, profile="yiwu", **kw):
    result = check_file(path, registry, load_profile(profile), **kw)
    return result, result.added.assign(id=result.applicants.ids).set_index("id")


def test_problem_rows_are_errors_and_the_rest_is_still_checked(registry, tmp_path):
    rows = [
        row("empty", ("", "")),
        row("text", ("东边", 40.11)),
        row("fullwidth", ("１１６．６２２", "４０．１１８")),
        row("dms", ("116°37'48\"E", "40°06'54\"N")),
        row("swapped", (GOOD[1], GOOD[0])),
        row("shanghai", (121.47, 31.23)),
        row("paris", (2.35, 48.85)),
        row("dup", (116.621, 40.119)),
        row("dup", (116.639, 40.101)),
        row("good", GOOD),
    ]
    result, out = _run(registry, write_list(tmp_path / "in.csv", rows))
    assert len(result.added) == 10  # nothing dropped
    verdict = dict(zip(result.applicants.ids, result.added["verdict"]))
    reasons = result.added["reasons"].tolist()
    assert verdict["empty"] == "error" and "坐标为空" in reasons[0]
    assert verdict["text"] == "error" and "经度" in reasons[1] and "东边" in reasons[1]
    assert verdict["fullwidth"] == "pass" and abs(out.loc["fullwidth", "lon_wgs84"] - 116.622) < 1e-9
    assert verdict["dms"] == "pass" and abs(out.loc["dms", "lat_wgs84"] - 40.115) < 1e-9
    assert verdict["swapped"] == "error" and "填反" in reasons[4]
    assert verdict["shanghai"] == "error" and "超出登记库所辖区域" in reasons[5]
    assert verdict["paris"] == "error" and "不在中国境内" in reasons[6]
    assert result.added["verdict"].iloc[7] == "error" and result.added["verdict"].iloc[8] == "error"
    assert reasons[7] == reasons[8] == "编号 dup 在第 9, 10 行重复出现"
    assert verdict["good"] == "pass"


@pytest.mark.parametrize(("label", "convert"), [("gcj02", wgs84_to_gcj02), ("bd09", wgs84_to_bd09)])
def test_coordinates_copied_from_amap_or_baidu(registry, tmp_path, label, convert):
    lon, lat = convert(*GOOD)
    path = write_list(tmp_path / "in.csv", [row("p", (float(lon), float(lat)))])
    _, out = _run(registry, path, crs=label)
    assert abs(out.loc["p", "lon_wgs84"] - GOOD[0]) < 1e-7 and abs(out.loc["p", "lat_wgs84"] - GOOD[1]) < 1e-7


def test_per_row_crs_and_unknown_crs_names(registry, tmp_path):
    glon, glat = wgs84_to_gcj02(*GOOD)
    headers = HEADERS + ["坐标系"]
    rows = [row("amap", (float(glon), float(glat))) + ["高德"], row("mars", GOOD) + ["火星2"]]
    path = write_list(tmp_path / "in.csv", rows, headers=headers)
    _, out = _run(registry, path)
    assert out.loc["amap", "verdict"] == "pass" and abs(out.loc["amap", "lat_wgs84"] - GOOD[1]) < 1e-7
    assert out.loc["mars", "verdict"] == "error" and "未知坐标系" in out.loc["mars", "reasons"]


def test_excel_with_title_rows_and_several_sheets(registry, tmp_path):
    path = write_xlsx(tmp_path / "list.xlsx", HEADERS, [row("p", GOOD)], title="2026年第四季度加盟申请表",
                      sheets_before=[("封面", [["顺义区邮政分公司"], [], ["制表：市场部"]])])
    result, out = _run(registry, path)
    assert out.loc["p", "verdict"] == "pass"
    assert result.notes == ["sheet '数据' used"]


def test_english_reasons(registry, tmp_path):
    path = write_list(tmp_path / "in.csv", [row("p", (121.47, 31.23))])
    _, out = _run(registry, path, lang="en")
    assert "outside the registry's district" in out.loc["p", "reasons"]


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg"])
def test_gis_files_in_and_out(registry, tmp_path, suffix):
    frame = gpd.GeoDataFrame({"编号": ["g1", "g2"], "店名": ["甲", "乙"], "备注": ["x", "y"]},
                             geometry=gpd.points_from_xy([GOOD[0], 2.35], [GOOD[1], 48.85]), crs=4326)
    path = tmp_path / f"in{suffix}"
    frame.to_file(path)
    result, out = _run(registry, path)
    assert out["verdict"].tolist() == ["pass", "error"]
    written = write_checked(result, tmp_path / f"out{suffix}")
    back = gpd.read_file(written)
    assert back["编号"].tolist() == ["g1", "g2"] and back["verdict"].tolist() == ["pass", "error"]
    assert back["备注"].tolist() == ["x", "y"] and back.geometry.iloc[0].equals_exact(frame.geometry.iloc[0], 1e-9)


def _cli(tmp_path, *args):
    return subprocess.run([PLANNER, *args], cwd=tmp_path, capture_output=True, text=True, timeout=300,
                          env={"PATH": "/usr/bin:/bin", "PLANNER_LANG": "en", "HOME": str(tmp_path)})


def test_cli_check_writes_the_default_output(database_url, tmp_path):
    prepared_database(database_url, load_small_registry)
    path = write_list(tmp_path / "申请.xlsx", [row("p", GOOD), row("q", ("x", 1))])
    result = _cli(tmp_path, "check", str(path), "--db", database_url)
    assert result.returncode == 0, result.stderr
    out = pd.read_excel(tmp_path / "申请.checked.xlsx", dtype=str)
    assert out["结论"].tolist() == ["通过", "数据有误"]
    assert "1 pass, 0 fail, 1 error" in result.stdout


@pytest.mark.parametrize(("args", "fragment"), [
    (["--profile", "nowhere"], "unknown profile 'nowhere'"),
    (["--crs", "mars"], "unknown coordinate system 'mars'"),
    (["--profile", "heilongjiang"], "walking"),
])
def test_cli_unusable_arguments_exit_2(tmp_path, args, fragment):
    path = write_list(tmp_path / "in.csv", [row("p", GOOD)])
    result = _cli(tmp_path, "check", str(path), *args)
    assert result.returncode == 2 and fragment in result.stderr and "Traceback" not in result.stderr


def test_cli_file_without_coordinates_exits_2(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("序号,店名,地址\n1,甲,某街\n", encoding="utf-8")
    result = _cli(tmp_path, "check", str(path))
    assert result.returncode == 2 and "no coordinate columns" in result.stderr
