"""The batch check's region rule follows the registry, on both backends.

A registry in Helsinki checks a WGS84 (or EPSG) list by the distance rules as
anywhere else, refuses places outside its district, and refuses GCJ-02 and
BD-09 positions outside China (those systems are defined only there); a
registry in China still refuses a place in Helsinki.
"""

from __future__ import annotations

import pytest
from pyproj import Transformer

from planner.check.batch import check_file
from planner.rules.profiles import load_profile
from planner.rules.reasons import reason
from planner.sites.district import cached_region
from planner.sites.postal import load_network
from planner.spatial.chinacoords import bd09_to_wgs84, gcj02_to_wgs84
from planner.spatial.compared import compared_metres
from planner.spatial.geodesic import GEOD
from tests.abroad_support import ESPOO, HELSINKI, SITES, load_helsinki
from tests.check_support import HEADERS, load_small_registry, offset, row, write_list
from tests.geometry_files import GOOD

YIWU = load_profile("yiwu")  # 500 m from branches and stations
BEIJING = GOOD  # inside the small (China) registry's district
URUMQI = (87.6, 43.8)  # swapped, still a longitude and a latitude


def _check(engine, tmp_path, rows, *, headers=HEADERS, crs=None):
    result = check_file(write_list(tmp_path / "list.csv", rows, headers=headers), engine, YIWU, crs=crs, lang="en")
    return result.added.assign(id=result.applicants.ids).set_index("id")


def _metres(a, b) -> float:
    return compared_metres(GEOD.inv(*a, *b)[2])


@pytest.fixture
def helsinki(engine, tmp_path):
    return load_helsinki(engine, tmp_path)


def test_a_registry_abroad_checks_a_wgs84_list_by_distance(helsinki, tmp_path):
    near_outlet = offset(SITES["HO1"], 300, 180)
    near_station = offset(SITES["HS1"], 450, 0)
    out = _check(helsinki, tmp_path, [row("far", HELSINKI), row("near-outlet", near_outlet),
                                      row("near-station", near_station), row("espoo", ESPOO),
                                      row("beijing", BEIJING)])
    assert out["verdict"].to_dict() == {"far": "pass", "near-outlet": "fail", "near-station": "fail",
                                        "espoo": "error", "beijing": "error"}
    assert out.loc["far", "reasons"] == ""
    assert out.loc["near-outlet", "reasons"] == reason("outlet_too_close", "en", m=300.0, id="HO1", min=500)
    assert out.loc["near-station", "reasons"] == reason("station_too_close", "en", m=450.0, id="HS1", min=500)
    assert out.loc["far", "nearest_outlet_id"] == "HO1"
    assert out.loc["far", "nearest_outlet_m"] == _metres(HELSINKI, SITES["HO1"])
    outside = reason("outside_region", "en", km=1)
    assert out.loc["espoo", "reasons"] == out.loc["beijing", "reasons"] == outside  # not "outside China"


def test_a_registry_abroad_takes_epsg_positions(helsinki, tmp_path):
    x, y = Transformer.from_crs(4326, 3067, always_xy=True).transform(*HELSINKI)  # ETRS-TM35FIN metres
    out = _check(helsinki, tmp_path, [row("tm35", (x, y)) + ["EPSG:3067"], row("wgs", offset(HELSINKI, 700)) + [""]],
                 headers=HEADERS + ["坐标系"])
    assert out["verdict"].tolist() == ["pass", "pass"]
    assert out.loc["tm35", "lon_wgs84"] == pytest.approx(HELSINKI[0], abs=1e-7)


@pytest.mark.parametrize(("crs", "name", "to_wgs84"), [("gcj02", "GCJ-02", gcj02_to_wgs84),
                                                     ("bd09", "BD-09", bd09_to_wgs84)])
def test_a_registry_abroad_refuses_gcj02_and_bd09_outside_china(helsinki, tmp_path, crs, name, to_wgs84):
    near_outlet = offset(SITES["HO1"], 300, 180)
    out = _check(helsinki, tmp_path, [row("far", HELSINKI), row("near-outlet", near_outlet)], crs=crs)
    assert out["verdict"].tolist() == ["error", "error"]  # neither is judged by distance
    for code, point in (("far", HELSINKI), ("near-outlet", near_outlet)):
        lon, lat = (float(v) for v in to_wgs84(*point))  # what the conversion gave, as every position reason shows
        assert out.loc[code, "reasons"] == reason("offset_outside_china", "en", lon=lon, lat=lat, crs=name)
        assert out.loc[code, "reasons"] == (f"position ({lon:.6f}, {lat:.6f}) in {name} is outside China, where "
                                            f"{name} is not defined: give it in WGS84")
    lon, lat = (float(v) for v in to_wgs84(*HELSINKI))
    assert reason("offset_outside_china", "zh", lon=lon, lat=lat, crs=name) == (
        f"{name} 坐标只在中国境内有定义，位置（{lon:.6f}，{lat:.6f}）不在中国境内：请改用 WGS84 坐标")


def test_per_row_systems_in_a_registry_abroad(helsinki, tmp_path):
    rows = [row("wgs", HELSINKI) + ["wgs84"], row("amap", HELSINKI) + ["高德"], row("baidu", HELSINKI) + ["百度"],
            row("amap-swapped", URUMQI[::-1]) + ["高德"], row("amap-beijing", BEIJING) + ["高德"]]
    out = _check(helsinki, tmp_path, rows, headers=HEADERS + ["坐标系"])
    assert out["verdict"].tolist() == ["pass", "error", "error", "error", "error"]
    assert "in GCJ-02 is outside China" in out.loc["amap", "reasons"]
    assert "in BD-09 is outside China" in out.loc["baidu", "reasons"]
    assert out.loc["amap-swapped", "reasons"] == reason("swapped", "en", lon=URUMQI[1], lat=URUMQI[0])
    # GCJ-02 is defined in Beijing: the position converts, and lies outside this registry's district.
    assert out.loc["amap-beijing", "reasons"] == reason("outside_region", "en", km=1)


def test_a_registry_in_china_still_refuses_helsinki(engine, tmp_path):
    load_small_registry(engine)
    out = _check(engine, tmp_path, [row("helsinki", HELSINKI), row("beijing", BEIJING)])
    assert out["verdict"].tolist() == ["error", "pass"]
    assert out.loc["helsinki", "reasons"] == reason("outside_china", "en", lon=HELSINKI[0], lat=HELSINKI[1])
    amap = _check(engine, tmp_path, [row("helsinki", HELSINKI)], crs="gcj02")
    assert amap.loc["helsinki", "reasons"] == "position (24.940000, 60.170000) is outside China"


def test_the_single_site_region_is_the_batch_checks(helsinki):
    batch = load_network(helsinki, YIWU).region
    single = cached_region(helsinki, YIWU)
    assert batch.in_china is single.in_china is False
    assert (batch.reach.blocks == single.reach.blocks).all() and batch.reach.block_m == single.reach.block_m == 1000


def test_an_empty_registry_counts_as_in_china(engine):
    region = cached_region(engine, YIWU)
    assert region.in_china and region.reach is None and region.sites is None
