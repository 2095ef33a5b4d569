"""Reasons in both languages, word for word, and the positional form the batch check formats a million
times: it must read exactly like the keyword form.

Written to kill the mutants `bench/mutation.py` found surviving in planner/rules/reasons.py."""

import pytest

from planner.rules.reasons import positional, reason

ARGS = {"m": 499.99, "id": "A-7", "min": 500.0, "win": 1234.4, "own": 987.6}


@pytest.mark.parametrize(("key", "names"), [("outlet_too_close", ("m", "id", "min")),
                                            ("station_too_close", ("m", "id", "min")),
                                            ("conflict_lost", ("m", "id", "min", "win", "own")),
                                            ("conflict_lost_order", ("m", "id", "min")),
                                            ("conflict_lost", ("own", "win", "min", "id", "m"))])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_positional_reads_like_the_keyword_form(key, names, lang):
    values = {name: ARGS[name] for name in names}
    assert positional(key, lang, names).format(*values.values()) == reason(key, lang, **values)


def test_positional_numbers_fields_and_keeps_their_formats():
    assert positional("outlet_too_close", "en", ("m", "id", "min")) == \
        "{0:.2f} m from post outlet {1}, below the required {2:g} m"
    assert positional("outlet_too_close", "zh", ("id", "min", "m")) == "距邮政网点 {0} {2:.2f} 米，不足 {1:g} 米"


def test_distance_reasons_word_for_word():
    assert reason("station_too_close", "en", **ARGS) == "499.99 m from existing station A-7, below the required 500 m"
    assert reason("station_too_close", "zh", **ARGS) == "距已有便民服务站 A-7 499.99 米，不足 500 米"
    assert reason("conflict_lost", "en", **ARGS) == (
        "499.99 m from applicant A-7 in the same list, below the spacing 500 m; "
        "A-7 wins with more uncovered people (1,234 vs 988)")
    assert reason("conflict_lost", "zh", **ARGS) == (
        "与本批申请户 A-7 相距 499.99 米，不足 500 米；A-7 的新增服务人口更多（1,234 对 988），优先通过")


@pytest.mark.parametrize(("field", "zh"), [("floor area (m²)", "营业面积（平方米）"),
                                           ("display area (m²)", "展示面积（平方米）"),
                                           ("months in business", "经营月数")])
def test_survey_reasons_name_the_field_in_each_language(field, zh):
    assert reason("survey_below", "en", field=field, value=12.5, min=20) == f"{field} 12.5 is below the required 20"
    assert reason("survey_below", "zh", field=field, value=12.5, min=20) == f"{zh} 12.5，低于要求的 20"
    assert reason("survey_missing", "zh", field=field) == f"未填写{zh}"


def test_survey_flags_and_other_languages_fall_back_to_english():
    assert reason("survey_no", "zh", field="outdoor signage place") == "不具备户外标识位"
    assert reason("survey_no", "zh", field="communication line") == "不具备通信线路"
    assert reason("survey_missing", "en", field="communication line") == "communication line is not given"
    assert reason("area_missing", "fr") == "not inside any village or community"
    assert positional("area_missing", "fr", ()) == "not inside any village or community"
    # A field without a translation is named as given rather than failing.
    assert reason("survey_missing", "zh", field="parking") == "未填写parking"
