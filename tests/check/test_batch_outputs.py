"""What the batch check writes beside each row, read back exactly: positions, notes, names of areas, errors."""

from __future__ import annotations

import geopandas as gpd
import shapely

from planner.check.batch import check_file
from planner.rules.profiles import load_profile
from tests.check_support import CHECK_DATA, SITES, load_small_registry, row, write_list
from tests.file_support import load_file

SHUNYI = load_profile("shunyi")
YIWU = load_profile("yiwu")


def test_positions_are_written_to_seven_decimals_and_error_rows_keep_their_reason(engine, tmp_path):
    load_small_registry(engine)
    rows = [row("fine", (116.62123456789, 40.10987654321)), row("swapped", (40.11, 116.62))]
    result = check_file(write_list(tmp_path / "list.csv", rows), engine, YIWU, lang="en")
    added = result.added
    assert (added["lon_wgs84"][0], added["lat_wgs84"][0]) == (116.6212346, 40.1098765)
    assert added["verdict"].tolist() == ["pass", "error"]
    assert added["reasons"][0] == "" and "swapped" in added["reasons"][1]
    assert result.notes == [] and result.profile is YIWU  # the result says which profile judged it


def test_a_registry_without_areas_says_populations_are_not_computed(engine, tmp_path):
    load_file(engine, CHECK_DATA / "outlets.csv", "branches")
    result = check_file(write_list(tmp_path / "list.csv", [row("A", (116.62, 40.13))]), engine, YIWU, lang="en")
    assert result.notes == ["the registry has no areas: populations are not computed"]
    assert result.added["service_population"].isna().all() and result.added["verdict"].tolist() == ["pass"]


def test_an_area_without_a_name_is_named_by_its_code(engine, tmp_path):
    areas = gpd.GeoDataFrame({"代码": ["X1"], "名称": [None], "级别": ["社区"], "人口": [100]},
                             geometry=[shapely.box(116.60, 40.10, 116.62, 40.12)], crs=4326)
    areas.to_file(tmp_path / "unnamed.gpkg", layer="areas")
    load_file(engine, tmp_path / "unnamed.gpkg", "areas")
    load_file(engine, CHECK_DATA / "stations.csv", "stations")  # S1 stands in X1
    result = check_file(write_list(tmp_path / "list.csv", [row("A", (116.601, 40.119))]), engine, SHUNYI)
    assert SITES["S1"][0] < 116.62 and result.added["reasons"].tolist() == ["X1已有便民服务站 S1"]


def test_the_service_population_rule_lets_the_larger_service_win(engine, tmp_path):
    """tests/strip_support.py: P serves 1000 people (600 new), Q 800 (all new), 400 m apart: by service P wins,
    though Q comes first in the list and adds more people."""
    from tests.strip_support import P, Q, load_strips

    load_strips(engine, tmp_path, candidates=False)
    custom = tmp_path / "service.toml"
    custom.write_text('name = "service"\nmin_spacing_m = 500\nconflict_winner = "service_population"\n',
                      encoding="utf-8")
    result = check_file(write_list(tmp_path / "list.csv", [row("Q", Q), row("P", P)]), engine,
                        load_profile(str(custom)), lang="en")
    added = result.added
    assert added["verdict"].tolist() == ["fail", "pass"]
    assert added["reasons"][0] == ("400.00 m from applicant P in the same list, below the spacing 500 m; "
                                   "P wins with more people served (1,000 vs 800)")
    assert added["rank"].tolist()[1] == 1


def test_input_order_decides_even_against_more_people(engine, tmp_path):
    from tests.strip_support import P, Q, load_strips

    load_strips(engine, tmp_path, candidates=False)
    custom = tmp_path / "order.toml"
    custom.write_text('name = "order"\nmin_spacing_m = 500\nconflict_winner = "input_order"\n', encoding="utf-8")
    result = check_file(write_list(tmp_path / "list.csv", [row("Q", Q), row("P", P)]), engine,
                        load_profile(str(custom)), lang="en")
    assert result.added["verdict"].tolist() == ["pass", "fail"]  # P serves more people, Q comes first
    assert result.added["reasons"][1].endswith("Q comes first")


def _shunyi_like(tmp_path, extra=""):
    custom = tmp_path / "strict.toml"
    custom.write_text('name = "strict"\noutlet_kinds = ["branch", "agency"]\nmax_stations_per_area = 1\n'
                      'area_levels = ["community", "village"]\nconflict_winner = "input_order"\n' + extra,
                      encoding="utf-8")
    return load_profile(str(custom))


def test_a_row_that_fails_another_rule_or_is_an_error_takes_no_place_in_its_area(engine, tmp_path):
    """前进社区 (A2) is free. Rows that fail a distance rule, or are errors, come first in the list: the one
    row that keeps every rule still gets the community."""
    load_small_registry(engine)
    profile = _shunyi_like(tmp_path, "min_outlet_distance_m = 500\n")
    near_o2 = (116.6352, 40.1135)  # inside A2, ~170 m from the agency O2
    rows = [row("near", near_o2), row("dup", (116.625, 40.118)), row("dup", (116.626, 40.119)),
            row("good", (116.623, 40.102))]
    added = check_file(write_list(tmp_path / "list.csv", rows), engine, profile, lang="zh").added
    assert added["verdict"].tolist() == ["fail", "error", "error", "pass"]
    assert added["reasons"][0].startswith("距邮政网点 O2 ")


def test_conflict_reasons_are_written_in_the_lists_language(engine, tmp_path):
    load_small_registry(engine)
    a = (116.628, 40.1035)
    rows = [row("B", offset_point(a, 300)), row("A", a)]
    profile = _shunyi_like(tmp_path, "min_spacing_m = 500\n")
    added = check_file(write_list(tmp_path / "list.csv", rows), engine, profile, lang="zh").added
    assert added["reasons"].tolist()[1] == "与本批申请户 B 相距 300.00 米，不足 500 米；B 排序在前，优先通过"


def offset_point(point, metres):
    """The point `metres` north of `point` (south when negative)."""
    from tests.check_support import offset

    return offset(point, abs(metres), 0 if metres >= 0 else 180)


def test_equal_new_people_go_to_the_larger_service_then_the_earlier_row(engine, tmp_path):
    """strip_support: P serves 1000 (600 new); Y, 600 m east at x = −1775, serves 600, all new. With a spacing
    of 700 m they conflict; marginal populations tie at 600, so the larger service wins: P, though listed last."""
    from tests.coverage_support import to_lonlat
    from tests.strip_support import P, load_strips

    load_strips(engine, tmp_path, candidates=False)
    custom = tmp_path / "wide.toml"
    custom.write_text('name = "wide"\nmin_spacing_m = 700\n', encoding="utf-8")
    rows = [row("Y", to_lonlat(-1775, 50)), row("P", P)]
    added = check_file(write_list(tmp_path / "list.csv", rows), engine, load_profile(str(custom)), lang="en").added
    assert added["service_population"].tolist() == [600, 1000] and added["marginal_population"].tolist() == [600, 600]
    assert added["verdict"].tolist() == ["fail", "pass"]
    assert added["reasons"][0] == ("599.99 m from applicant P in the same list, below the spacing 700 m; "
                                   "P wins with more uncovered people (600 vs 600)")  # 600 m on the plane


def test_each_loser_quotes_the_metres_to_its_own_winner(engine, tmp_path):
    load_small_registry(engine)
    a = (116.628, 40.1035)
    rows = [row("far", (116.612, 40.118)), row("A", a), row("B", offset_point(a, 300)),
            row("C", offset_point(a, -200))]
    profile = _shunyi_like(tmp_path, "min_spacing_m = 500\n")
    profile = profile.__class__(**{**profile.__dict__, "max_stations_per_area": 0})
    added = check_file(write_list(tmp_path / "list.csv", rows), engine, profile, lang="en").added
    assert added["verdict"].tolist() == ["pass", "pass", "fail", "fail"]
    assert added["reasons"][2].startswith("300.00 m from applicant A") and added["reasons"][3].startswith(
        "200.00 m from applicant A")
