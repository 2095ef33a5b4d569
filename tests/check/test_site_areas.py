"""The per-area limit (shunyi: one station per community or village) in the single-site check, which the
API, the pages and decisions use: the same verdicts and reasons as the batch check, from memory and database."""

from __future__ import annotations

import pytest

from planner.check.batch import check_file
from planner.check.site import check_site
from planner.rules.profiles import load_profile
from planner.sites.cache import cached_sites
from planner.workflow.decisions import decide
from tests.check_support import SITES, load_small_registry, row, write_list
from tests.decision_support import load_waiting_at

SHUNYI = load_profile("shunyi")
# The small registry: 东庄村 (A1) holds the open station S1; 前进社区 (A2) only the closed S2; R1 (approved)
# stands east of both.
IN_A1 = (116.6015, 40.1185)
IN_A2 = (116.638, 40.101)
OUTSIDE = (116.63, 40.097)
CASES = {
    "in_a1": (IN_A1, None, "fail", "东庄村已有便民服务站 S1"),
    "in_a2": (IN_A2, None, "pass", None),
    "outside": (OUTSIDE, None, "fail", "不在任何村或社区范围内"),
    "s1_itself": (SITES["S1"], "S1", "pass", None),  # a station is never its own area's occupant
}


@pytest.mark.parametrize("where", ["memory", "database"])
def test_one_station_per_area_in_the_single_site_check(engine, where):
    load_small_registry(engine)
    sites = cached_sites(engine, SHUNYI) if where == "memory" else None
    for name, (point, code, verdict, reason) in CASES.items():
        with engine.connect() as conn:
            answer = check_site(conn, SHUNYI, *point, code=code, sites=sites)
        assert (answer.verdict, answer.reasons) == (verdict, [reason] if reason else []), name


def test_the_batch_check_gives_each_of_them_alone_the_same_verdict_and_reason(engine, tmp_path):
    load_small_registry(engine)
    for name, (point, code, verdict, reason) in CASES.items():
        result = check_file(write_list(tmp_path / f"{name}.csv", [row(code or name, point)]), engine, SHUNYI)
        assert (result.added["verdict"][0], result.added["reasons"][0]) == (verdict, reason or ""), name


def test_an_approved_applicant_rechecked_in_a_list_is_not_its_own_areas_occupant(engine, tmp_path):
    load_small_registry(engine)
    # R1 (approved in the registry) lies outside every area of the small registry: approve W in 前进社区.
    load_waiting_at(engine, tmp_path, {"W": IN_A2})
    assert decide(engine, "W", "approve", "勘察合格", actor="alice", profile=SHUNYI).status == "approved"
    result = check_file(write_list(tmp_path / "again.csv", [row("W", IN_A2)]), engine, SHUNYI)
    assert (result.added["verdict"][0], result.added["reasons"][0]) == ("pass", "")
    with engine.connect() as conn:  # the single-site check: W at its own place passes, V beside it fails
        assert check_site(conn, SHUNYI, *IN_A2, code="W").reasons == []
        assert check_site(conn, SHUNYI, 116.639, 40.102).reasons == ["前进社区已有便民服务站 W"]


def test_the_map_layer_colours_open_applicants_by_the_same_area_rule(engine, tmp_path):
    import json

    from planner.sites.layers import layer_geojson

    load_small_registry(engine)
    load_waiting_at(engine, tmp_path, {name: point for name, (point, code, _, _) in CASES.items() if code is None})
    layer = json.loads(layer_geojson(engine, "candidates", limit=100, profile=SHUNYI))
    verdicts = {f["properties"]["code"]: f["properties"]["verdict"] for f in layer["features"]}
    # R2 stands in 前进社区
    assert verdicts == {"in_a1": "fail", "in_a2": "pass", "outside": "fail", "R1": None, "R2": "pass"}


def test_the_area_rule_speaks_only_once_the_other_rules_pass(engine):
    """As in the batch check: a site that already breaks a distance rule gets no per-area reason on top."""
    load_small_registry(engine)
    strict = SHUNYI.__class__(**{**SHUNYI.__dict__, "name": "strict-shunyi", "min_outlet_distance_m": 500.0})
    near_o1_outside = (116.605, 40.0985)  # 722 m south of O1's area, 722 m from O1: outside every area
    near_o1_inside = (116.6055, 40.1055)  # inside 东庄村, 68 m from O1
    with engine.connect() as conn:
        assert check_site(conn, strict, *near_o1_outside).reasons == ["不在任何村或社区范围内"]
        [too_close] = check_site(conn, strict, *near_o1_inside).reasons
    assert too_close.startswith("距邮政网点 O1 ") and too_close.endswith("米，不足 500 米")
