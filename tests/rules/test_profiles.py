import pytest

from planner.errors import UsageError
from planner.rules.profiles import BUILT_IN, load_profile


def test_built_in_profiles_carry_the_rules_of_the_seeds():
    assert set(BUILT_IN) == {"yiwu", "mianyang", "heilongjiang", "shunyi"}
    yiwu, mianyang = load_profile("yiwu"), load_profile("mianyang")
    heilongjiang, shunyi = load_profile("heilongjiang"), load_profile("shunyi")
    assert (yiwu.min_outlet_distance_m, yiwu.min_station_distance_m) == (500, 500)
    assert (mianyang.min_outlet_distance_m, mianyang.min_spacing_m) == (2000, 2000)
    assert mianyang.survey.min_area_m2 == 10 and mianyang.survey.min_months_in_business == 6
    assert heilongjiang.metric == "walking" and set(heilongjiang.outlet_kinds) == {"branch", "agency"}
    assert (heilongjiang.min_outlet_distance_m, heilongjiang.min_station_distance_m) == (300, 200)
    assert shunyi.max_stations_per_area == 1 and shunyi.min_station_distance_m == 0
    for profile in (yiwu, mianyang, heilongjiang, shunyi):
        assert profile.source.startswith("seeds/") and profile.title("zh") and profile.title("en")


def test_default_profile_is_yiwu():
    assert load_profile(None).name == "yiwu"


def test_custom_profile_from_toml(tmp_path):
    path = tmp_path / "county.toml"
    path.write_text('name = "county"\nmin_outlet_distance_m = 800\n[survey]\nmin_area_m2 = 15\n', encoding="utf-8")
    profile = load_profile(str(path))
    assert profile.min_outlet_distance_m == 800 and profile.survey.min_area_m2 == 15


@pytest.mark.parametrize(("text", "message"), [
    ('name = "x"\nmin_outlet_distance = 500\n', "unknown key"),
    ('name = "x"\n[survey]\nmin_area = 10\n', "unknown key"),
    ('name = "x"\nmin_spacing_m = "far"\n', "wrong type"),
    ('name = "x"\nmin_spacing_m = -5\n', "negative"),
    ('name = "x"\nmetric = "flying"\n', "metric must be one of"),
    ('name = "x"\noutlet_kinds = ["kiosk"]\n', "outlet_kinds"),
    ('name = "x"\nsurvey = 3\n', "must be a table"),
    ('name = "x\n', "not valid TOML"),
])
def test_bad_profiles_are_errors_naming_the_key(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UsageError, match=message):
        load_profile(str(path))


def test_unknown_profile_name():
    with pytest.raises(UsageError, match="unknown profile 'beijing'"):
        load_profile("beijing")
