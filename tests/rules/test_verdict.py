"""The rule verdict on its own (planner.rules.verdict): each rule switched on alone, hand-made numbers.

Written to kill the mutants `bench/mutation.py` found surviving in planner/rules/verdict.py."""

from __future__ import annotations

import math

import numpy as np
import pytest

from planner.errors import UsageError
from planner.rules.profiles import Profile, SurveyRules, load_profile
from planner.rules.verdict import RowNotes, area_rule, distance_rules, require_road_network, survey_rules, too_close


def test_a_station_minimum_of_one_metre_is_a_rule():
    profile = Profile("one-metre", min_station_distance_m=1.0)
    outlet, station = too_close(profile, [math.nan, math.nan], [0.5, 1.0])
    assert outlet.tolist() == [False, False] and station.tolist() == [True, False]
    notes = RowNotes(2)
    distance_rules(profile, np.array([None, None], object), [math.nan, math.nan], np.array(["S1", "S2"], object),
                   [0.5, 1.0], notes, "en")
    assert notes.of(0) == ["0.50 m from existing station S1, below the required 1 m"] and notes.of(1) == []


def test_a_limit_of_zero_stations_per_area_is_no_rule():
    assert area_rule(Profile("none"), None, "zh") is None
    limited = Profile("one", max_stations_per_area=1)
    assert area_rule(limited, None, "zh") == "不在任何村或社区范围内"
    assert area_rule(limited, ("东庄村", ()), "zh") is None
    assert area_rule(limited, ("东庄村", ("S1", "R1")), "zh") == "东庄村已有便民服务站 S1"


@pytest.mark.parametrize(("survey", "broken"), [
    (SurveyRules(min_display_m2=2.0), "display area (m²) 1 is below the required 2"),  # the first minimum is off
    (SurveyRules(min_months_in_business=6.0), "months in business 3 is below the required 6"),
    (SurveyRules(require_line=True), "communication line is not available"),  # the first flag is off
])
def test_a_later_survey_rule_counts_when_the_earlier_ones_are_off(survey, broken):
    facts = {"area_m2": np.array([5.0]), "display_m2": np.array([1.0]), "months_in_business": np.array([3.0]),
             "signage": np.array([False], object), "line": np.array([False], object)}
    notes = RowNotes(1)
    survey_rules(Profile("later", survey=survey), facts, notes, "en")
    assert notes.of(0) == [broken]


def test_a_walking_profile_without_a_road_network_is_refused_in_both_languages_naming_it():
    with pytest.raises(UsageError) as refused:
        require_road_network(load_profile("heilongjiang"), None)
    assert refused.value.en == ("profile 'heilongjiang' measures walking distance, but no road network is loaded: "
                                "import one with `planner import network FILE` (an OpenStreetMap .pbf or a line layer)")
    assert refused.value.zh == ("规则配置“heilongjiang”按步行距离计算，但尚未导入路网："
                                "请先运行 `planner import network 文件`（OpenStreetMap .pbf 或线图层）")
    require_road_network(load_profile("yiwu"), None)  # a straight-line profile needs no network
    require_road_network(load_profile("heilongjiang"), object())  # a walking one with a network passes
