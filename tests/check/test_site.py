"""The single-site check's whole answer: an empty registry (no nearest site), the thresholds it
applied, and every survey fact rule on one site's facts — blank, below, missing flag, "no".

Written to kill the mutants `bench/mutation.py` found surviving in planner/check/site.py."""

from planner.check.site import check_site
from planner.rules.profiles import load_profile

YIWU = load_profile("yiwu")
MIANYANG = load_profile("mianyang")  # floor area ≥ 10 m², display ≥ 1 m², 6 months, signage, line


def test_an_empty_registry_answers_in_full(engine):
    answer = check_site(engine, YIWU, 116.6, 40.1, lang="en").as_dict()
    assert answer == {"verdict": "pass", "reasons": [], "nearest_outlet": None, "nearest_station": None,
                      "lon": 116.6, "lat": 40.1, "profile": "yiwu",
                      "thresholds": {"min_outlet_distance_m": 500.0, "min_station_distance_m": 500.0,
                                     "service_distance_m": 500.0}, "metric": "straight"}


def test_each_survey_fact_rule_on_one_site(engine):
    facts = {"area_m2": None, "display_m2": 0.5, "months_in_business": 6, "signage": None, "line": False}
    answer = check_site(engine, MIANYANG, 116.6, 40.1, facts=facts, lang="en").as_dict()
    assert (answer["verdict"], answer["reasons"]) == ("fail", [
        "floor area (m²) is not given", "display area (m²) 0.5 is below the required 1",
        "outdoor signage place is not given", "communication line is not available"])
    # Facts left out are not given, like blanks.
    assert check_site(engine, MIANYANG, 116.6, 40.1, facts={"area_m2": 12, "line": True}, lang="en").reasons == [
        "display area (m²) is not given", "months in business is not given", "outdoor signage place is not given"]
    facts = {"area_m2": 10, "display_m2": 1, "months_in_business": 6, "signage": True, "line": True}
    assert check_site(engine, MIANYANG, 116.6, 40.1, facts=facts, lang="en").reasons == []


def test_a_minimum_of_one_metre_is_a_rule_too(engine):
    from dataclasses import replace

    from planner.spatial.compared import compared_metres
    from planner.spatial.geodesic import GEOD
    from tests.check_support import SITES, load_small_registry, offset

    load_small_registry(engine)
    one_metre = replace(YIWU, min_outlet_distance_m=1.0, min_station_distance_m=0.0)
    lon, lat = offset("O1", 0.5, 90)
    metres = compared_metres(GEOD.inv(lon, lat, *SITES["O1"])[2])
    assert check_site(engine, one_metre, lon, lat, lang="en").reasons == [
        f"{metres:.2f} m from post outlet O1, below the required 1 m"]
