"""The batch check: each rule, each profile, every row explained, on both backends."""

import numpy as np
import pandas as pd
import pytest

from planner.check.batch import check_file
from planner.check.output import write_checked
from planner.files.imports import prepare_import
from planner.registry.tables import load_records
from planner.rules.profiles import load_profile
from planner.spatial.geodesic import GEOD
from tests.check_support import (
    CHECK_DATA,
    SITES,
    load_small_registry,
    offset,
    row,
    write_list,
)
from tests.coverage_support import to_lonlat
from tests.strip_support import P, Q, R, load_strips


@pytest.fixture
def registry(engine):
    return load_small_registry(engine)


def _check(registry, tmp_path, rows, profile="yiwu", name="list.csv", **kw):
    path = write_list(tmp_path / name, rows)
    result = check_file(path, registry, load_profile(profile), **kw)
    return result.added.assign(id=result.applicants.ids).set_index("id")


def test_distance_rules_of_yiwu(registry, tmp_path):
    rows = [
        row("near-branch", offset("O1", 300, 0)),
        row("at-500", offset("O1", 500, 270)),
        row("just-under", offset("O1", 499.9, 180)),
        row("near-agency", offset("O2", 300, 0)),  # agencies do not count in yiwu
        row("near-station", offset("S1", 300, 0)),
        row("near-closed", offset("S2", 300, 180)),  # closed stations do not count
        row("near-approved", offset("R1", 300, 0)),  # approved applicants count as existing
    ]
    out = _check(registry, tmp_path, rows)
    assert out["verdict"].tolist() == ["fail", "pass", "fail", "pass", "fail", "pass", "fail"]
    assert out.loc["near-branch", "reasons"] == "距邮政网点 O1 300.00 米，不足 500 米"
    assert out.loc["at-500", "nearest_outlet_m"] == 500.0
    assert out.loc["just-under", "reasons"] == "距邮政网点 O1 499.90 米，不足 500 米"
    assert out.loc["near-agency", "nearest_outlet_id"] == "O1"
    assert out.loc["near-station", "reasons"] == "距已有便民服务站 S1 300.00 米，不足 500 米"
    assert out.loc["near-closed", "nearest_station_id"] == "S1"  # S2, 300 m away, is closed
    assert out.loc["near-approved", "verdict"] == "fail" and out.loc["near-approved", "nearest_station_id"] == "R1"


def test_reported_metres_agree_with_pyproj_geod(registry, tmp_path):
    rng = np.random.default_rng(3)
    points = [(116.60 + 0.04 * rng.random(), 40.10 + 0.02 * rng.random()) for _ in range(40)]
    out = _check(registry, tmp_path, [row(f"P{i}", p) for i, p in enumerate(points)])
    for i, (lon, lat) in enumerate(points):
        got = out.loc[f"P{i}"]
        for kind in ("outlet", "station"):
            site = SITES[got[f"nearest_{kind}_id"]]
            assert abs(got[f"nearest_{kind}_m"] - GEOD.inv(lon, lat, *site)[2]) <= 0.005 + 1e-6  # to the cm


def test_conflicts_in_the_same_list_go_to_the_larger_marginal_population(engine, tmp_path):
    # tests/strip_support.py: P serves 1000 people of whom S5 already serves 400, Q (400 m east)
    # serves 800 nobody serves yet. By service P would win; by marginal population Q does.
    load_strips(engine, tmp_path, candidates=False)
    out = _check(engine, tmp_path, [row("P", P), row("Q", Q), row("R", R)], lang="en")
    assert out["service_population"].tolist() == [1000, 800, 300]
    assert out["marginal_population"].tolist() == [600, 800, 300]
    assert out["conflicts_with"].tolist() == ["Q", "P", ""]
    assert out["verdict"].tolist() == ["fail", "pass", "pass"]
    assert out.loc["P", "reasons"] == ("400.00 m from applicant Q in the same list, below the spacing 500 m; "
                                       "Q wins with more uncovered people (800 vs 600)")
    assert out["rank"].tolist() == [pd.NA, 1, 2]


def test_input_order_profile_lets_the_first_row_win(registry, tmp_path):
    custom = tmp_path / "order.toml"
    custom.write_text('name = "order"\nmin_spacing_m = 500\nconflict_winner = "input_order"\n', encoding="utf-8")
    a = (116.628, 40.1035)
    b = offset(a, 300, 0)
    out = _check(registry, tmp_path, [row("B", b), row("A", a)], profile=str(custom), lang="en")
    assert out["verdict"].tolist() == ["pass", "fail"]
    assert out.loc["A", "reasons"] == ("300.00 m from applicant B in the same list, below the spacing 500 m; "
                                       "B comes first")


def test_service_and_marginal_population(registry, tmp_path):
    centre = (116.630, 40.110)  # middle of the community: 8,000 people on about 3.8 km²
    out = _check(registry, tmp_path, [row("mid", centre)])
    area_m2 = GEOD.geometry_area_perimeter(__import__("shapely").box(116.62, 40.10, 116.64, 40.12))[0]
    expected = 8000 * np.pi * 500**2 / abs(area_m2)
    assert abs(out.loc["mid", "service_population"] - expected) / expected < 0.05
    # The nearest counted sites (S1, R1; O2 is an agency, which yiwu does not count) stand more than
    # 1 km away: nobody within 500 m of the centre is served yet.
    assert out.loc["mid", "marginal_population"] == out.loc["mid", "service_population"]


def test_marginal_excludes_people_already_served(engine, tmp_path):
    load_strips(engine, tmp_path, candidates=False)
    near = to_lonlat(-2075, 50)  # 900 m from S5, whose reach ends at cell −2550: reaches −2550 … −1750
    out = _check(engine, tmp_path, [row("near", near)])
    assert out.loc["near", "service_population"] == 900  # 9 cells of 100 people
    assert out.loc["near", "marginal_population"] == 800  # S5 serves cell −2550


def test_survey_conditions_of_mianyang(registry, tmp_path):
    custom = tmp_path / "survey.toml"
    custom.write_text('name = "survey"\n[survey]\nmin_area_m2 = 10\nmin_display_m2 = 1\nrequire_signage = true\n'
                      'require_line = true\nmin_months_in_business = 6\n', encoding="utf-8")
    base = (116.628, 40.1035)
    rows = [row("ok", base, area=10, display=1, months=6),
            row("small", offset(base, 900, 0), area=9.9),
            row("no-sign", offset(base, 900, 180), signage="无"),
            row("missing", offset(base, 900, 270), line="", months="")]
    out = _check(registry, tmp_path, rows, profile=str(custom))
    assert out["verdict"].tolist() == ["pass", "fail", "fail", "fail"]
    assert out["reasons"].tolist() == ["", "营业面积（平方米） 9.9，低于要求的 10", "不具备户外标识位",
                                       "未填写经营月数; 未填写通信线路"]


def test_mianyang_two_kilometres(registry, tmp_path):
    out = _check(registry, tmp_path, [row("x", (116.628, 40.1035))], profile="mianyang", lang="en")
    assert out.loc["x", "verdict"] == "fail"
    assert out.loc["x", "reasons"] == ("1968.13 m from post outlet O1, below the required 2000 m; "
                                       "1690.85 m from existing station S1, below the required 2000 m")


def test_shunyi_one_station_per_community(registry, tmp_path):
    rows = [row("in-A1", (116.605, 40.118)),  # the village already has S1
            row("A2-first", (116.622, 40.119)), row("A2-second", (116.638, 40.101))]
    out = _check(registry, tmp_path, rows, profile="shunyi")
    assert out["verdict"].tolist() == ["fail", "fail", "pass"]
    # A2-first stands between S1 and the agency O2 (agencies count in shunyi), whose 1 km reach
    # already serves everyone within its own: A2-second, at the far corner, adds more people.
    assert out["marginal_population"].tolist()[1] == 0
    assert out["reasons"].tolist() == ["东庄村已有便民服务站 S1", "前进社区已由本批申请户 A2-second 占用", ""]


def test_heilongjiang_walking_without_a_road_network_is_an_error(registry, tmp_path):
    from planner.errors import UsageError

    with pytest.raises(UsageError, match="walking"):
        _check(registry, tmp_path, [row("x", (116.628, 40.1035))], profile="heilongjiang", lang="en")


def test_custom_profile_counting_agencies(registry, tmp_path):
    custom = tmp_path / "agencies.toml"
    custom.write_text('name = "agencies"\noutlet_kinds = ["branch", "agency"]\nmin_outlet_distance_m = 500\n',
                      encoding="utf-8")
    out = _check(registry, tmp_path, [row("near-agency", offset("O2", 300, 0))], profile=str(custom))
    assert out.loc["near-agency", "verdict"] == "fail" and out.loc["near-agency", "nearest_outlet_id"] == "O2"


def test_round_trip_keeps_every_row_and_column(registry, tmp_path):
    rows = [row("P1", (116.628, 40.1035)), row("P2", ("abc", 40.11)), row("P3", offset("O1", 100, 0))]
    for suffix in (".csv", ".xlsx"):
        path = write_list(tmp_path / f"in{suffix}", rows)
        result = check_file(path, registry, load_profile("yiwu"))
        out_path = write_checked(result, tmp_path / f"out{suffix}")
        back = pd.read_csv(out_path, dtype=str) if suffix == ".csv" else pd.read_excel(out_path, dtype=str)
        assert len(back) == 3 and back.iloc[:, 0].tolist() == ["P1", "P2", "P3"]
        assert back.columns[:11].tolist() == ["序号", "店名", "经度", "纬度", "营业面积", "展示面积", "经营月数",
                                             "户外标识位", "通信线路", "联系电话", "身份证号"]
        assert back["联系电话"].tolist() == ["13800000000"] * 3
        assert back["身份证号"].tolist() == ["110113********1234"] * 3
        if suffix == ".csv":  # for scripts: the tokens of interfaces.md
            assert back["verdict"].tolist() == ["pass", "error", "fail"]
        else:  # for people: the words
            assert back["结论"].tolist() == ["通过", "数据有误", "不通过"]


def test_an_approved_applicant_is_not_its_own_neighbour(registry, tmp_path):
    out = _check(registry, tmp_path, [row("R1", SITES["R1"]), row("other", offset("R1", 100, 180))])
    assert out.loc["R1", "nearest_station_id"] == "S1"
    assert out.loc["R1", "nearest_station_m"] == 2557.51  # pyproj.Geod: 2557.513 m
    assert out.loc["other", "nearest_station_id"] == "R1"


def test_the_only_station_being_the_rows_own_entry_is_no_neighbour(engine, tmp_path):
    # The registry's one station is R1's own approved entry: R1 has no other station to keep away from.
    for kind, name in (("areas", "areas.geojson"), ("branches", "outlets.csv")):
        load_records(engine, prepare_import(CHECK_DATA / name, kind), actor="test")
    only_r1 = write_list(tmp_path / "approved.csv", [["R1", "已批准商店", "已批准", *SITES["R1"]]],
                         headers=["序号", "店名", "状态", "经度", "纬度"])
    load_records(engine, prepare_import(only_r1, "candidates"), actor="test")
    out = _check(engine, tmp_path, [row("R1", SITES["R1"]), row("other", offset("R1", 100, 180))])
    assert out.loc["R1", "verdict"] == "pass"
    assert pd.isna(out.loc["R1", "nearest_station_id"])
    assert np.isnan(out.loc["R1", "nearest_station_m"])
    assert out.loc["other", "nearest_station_id"] == "R1"
    assert out.loc["other", "nearest_station_m"] == 100.0
