"""The siting rule is defined once: the batch check, the single-site check (sites in memory and in the
database) and the map layer's verdict agree on every applicant, under every built-in profile.

Hypothesis draws a small registry near 116.6E 40.1N (branches and agencies; open, listed-for-exit
and closed stations; approved, rejected and opened applicants) and applicants stored in it as open,
some placed exactly at a profile's minimum distance from a registry site or 1 cm inside or outside
it, some sharing a station's code (a site never counts itself). Each applicant is checked alone in
its own list, so same-list spacing never applies, with survey facts that pass every profile: the
only other rule that can add reasons is the per-area limit of a profile that has one (the registry
has no areas, so it says "not inside any village or community"), and only the distance part is
compared. The layer's verdict judges an applicant alone, as the single-site check does (not yet
compared under a per-area limit: see the xfails). pyproj's
geodesic is the oracle: every copy must name a site it finds nearest (any of them when sites tie
within 1 cm) at its metres to the centimetre.

Disagreements found here are kept visible as strict xfails at the end of the module.
"""

from __future__ import annotations

import csv
import itertools
import json
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.check.batch import check_file
from planner.check.site import check_site
from planner.errors import UsageError
from planner.files.imports import prepare_import
from planner.registry.tables import load_records, read_point_columns
from planner.rules.profiles import BUILT_IN, load_profile
from planner.rules.reasons import reason
from planner.rules.vocabulary import (
    EXISTING_APPLICANT_STATUSES,
    EXISTING_STATION_STATUSES,
)
from planner.sites.cache import cached_sites
from planner.sites.layers import layer_geojson
from planner.spatial.compared import compared_metres
from planner.spatial.geodesic import GEOD
from tests.check_support import load_small_registry, offset, row, write_list

PROFILES = tuple(load_profile(name) for name in BUILT_IN)
STRAIGHT = tuple(p for p in PROFILES if p.metric == "straight")
WALKING = tuple(p for p in PROFILES if p.metric == "walking")
THRESHOLDS = sorted({m for p in STRAIGHT for m in (p.min_outlet_distance_m, p.min_station_distance_m) if m > 0})
WEST, SOUTH, EAST, NORTH = 116.60, 40.10, 116.64, 40.12  # about 3.4 km by 2.2 km
LANG = "en"
AREA_MISSING = reason("area_missing", LANG)
KINDS = ("outlet", "station")

# Survey facts that pass every built-in profile, as the single-site check reads them.
FACTS = {"area_m2": max(p.survey.min_area_m2 for p in PROFILES) + 1,
         "display_m2": max(p.survey.min_display_m2 for p in PROFILES) + 1,
         "months_in_business": max(p.survey.min_months_in_business for p in PROFILES) + 1,
         "signage": True, "line": True}
OUTLET_WORDS = {"branch": "支局", "agency": "代办点"}
STATION_WORDS = {"open": "营业", "listed_for_exit": "待退出", "closed": "已关闭"}
OTHER_APPLICANT_WORDS = {"approved": "已批准", "rejected": "已拒绝", "opened": "已开业"}
OPEN_WORDS = {"submitted": "待勘察", "surveyed": "已勘察"}
_examples = itertools.count()

positions = st.tuples(st.floats(WEST, EAST), st.floats(SOUTH, NORTH))


def _sites(prefix, words, *, min_size):
    return st.lists(st.tuples(st.sampled_from(sorted(words)), positions), min_size=min_size, max_size=3).map(
        lambda drawn: [(f"{prefix}{i}", word, p) for i, (word, p) in enumerate(drawn)])


@st.composite
def scenarios(draw):
    """(outlets, stations, others, applicants): each a list of (code, kind or status, (lon, lat))."""
    outlets = draw(_sites("O", OUTLET_WORDS, min_size=1))
    stations = draw(_sites("S", STATION_WORDS, min_size=1))
    others = draw(_sites("C", OTHER_APPLICANT_WORDS, min_size=0))
    every = [p for _, _, p in outlets + stations + others]
    counted = [p for _, word, p in outlets + stations + others if word in ("branch", "open", "approved")]
    azimuths = st.floats(-180.0, 180.0)
    at_minimum = st.builds(  # a rule's minimum from a site that counts: exactly, or 1 cm inside or outside it
        lambda site, minimum, step, azimuth: offset(site, max(minimum + step, 0.0), azimuth),
        st.sampled_from(counted) if counted else st.nothing(), st.sampled_from([0.0] + THRESHOLDS),
        st.sampled_from([0.0, -0.01, 0.01]), azimuths)
    near_any = st.builds(offset, st.sampled_from(every), st.sampled_from(THRESHOLDS), azimuths)  # closed, agency…
    drawn = draw(st.lists(st.tuples(st.sampled_from(sorted(OPEN_WORDS)),
                                    st.one_of(at_minimum, at_minimum, near_any, positions),
                                    st.none() | st.sampled_from([code for code, _, _ in stations])),
                          min_size=1, max_size=4))
    applicants, used = [], set()
    for i, (status, p, borrowed) in enumerate(drawn):
        code = borrowed if borrowed is not None and borrowed not in used else f"A{i}"
        used.add(code)
        applicants.append((code, status, p))
    return outlets, stations, others, applicants


def _load(engine, folder, outlets, stations, others, applicants):
    """Replace the registry's sites with these (earlier examples' rows are deleted)."""
    folder.mkdir()
    files = (("branches", ["机构号", "网点名称", "类型", "经度", "纬度"], outlets, OUTLET_WORDS),
             ("stations", ["机构号", "名称", "状态", "经度", "纬度"], stations, STATION_WORDS),
             ("candidates", ["序号", "店名", "状态", "经度", "纬度"], others + applicants,
              {**OTHER_APPLICANT_WORDS, **OPEN_WORDS}))
    for kind, headers, rows, words in files:
        path = folder / f"{kind}.csv"
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(headers)
            writer.writerows([code, f"{kind} {code}", words[word], lon, lat] for code, word, (lon, lat) in rows)
        load_records(engine, prepare_import(path, kind), actor="test", replace=True)


def _stored(engine, table):
    """The table's active rows as stored: (code, kind or status, (lon, lat))."""
    key = "kind" if table == "outlets" else "status"
    values, lon, lat = read_point_columns(engine, table, ("code", key))
    return [(code, word, (float(x), float(y))) for code, word, x, y in zip(values["code"], values[key], lon, lat)]


def _layer(engine, profile):
    text = layer_geojson(engine, "candidates", limit=1000, profile=profile)
    return {f["properties"]["code"]: f["properties"] for f in json.loads(text)["features"]}


def _oracle(point, sites):
    """pyproj's nearest: (metres to the centimetre, codes within 1 cm of the nearest) or None."""
    found = sorted((GEOD.inv(point[0], point[1], *p)[2], code) for code, p in sites)
    if not found:
        return None
    best = found[0][0]
    return compared_metres(best), {code for metres, code in found if metres - best <= 0.01}


def _metres(value):
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def _named(found):
    return (None, None) if found is None else (found[0], _metres(found[1]))


def _agree(copy, found, expected):
    """One copy's nearest (code or None, metres or None) against the oracle's."""
    if expected is None:
        assert found == (None, None), copy
    else:
        code, metres = found
        assert code in expected[1] and metres is not None and abs(metres - expected[0]) <= 0.01 + 1e-9, (
            copy, found, expected)


def _expected(profile, sites, code, point):
    """The oracle's nearest counted outlet and existing station (never the applicant's own code)."""
    outlets = [(c, p) for c, kind, p in sites["outlets"] if kind in profile.outlet_kinds]
    existing = [(c, p) for c, status, p in sites["stations"] if status in EXISTING_STATION_STATUSES]
    existing += [(c, p) for c, status, p in sites["candidates"] if status in EXISTING_APPLICANT_STATUSES]
    return {"outlet": _oracle(point, outlets), "station": _oracle(point, [s for s in existing if s[0] != code])}


def _judge(engine, folder, profile, sites, applicant, layer):
    """The four copies' answers for one applicant under one profile, against each other and the oracle."""
    code, _, point = applicant
    expected = _expected(profile, sites, code, point)
    listed = row(code, point, area=FACTS["area_m2"], display=FACTS["display_m2"], months=FACTS["months_in_business"])
    result = check_file(write_list(folder / f"{profile.name}-{code}.csv", [listed]), engine, profile, lang=LANG)
    assert result.applicants.ids.tolist() == [code]
    batch = result.added.iloc[0]
    in_db = check_site(engine, profile, *point, code=code, facts=FACTS, lang=LANG)
    in_memory = check_site(engine, profile, *point, code=code, facts=FACTS, lang=LANG,  # distances: `sites`
                           sites=cached_sites(engine, profile))
    answers = {"batch": {k: (batch[f"nearest_{k}_id"], _metres(batch[f"nearest_{k}_m"])) for k in KINDS},
               "database": {k: _named(getattr(in_db, f"nearest_{k}")) for k in KINDS},
               "memory": {k: _named(getattr(in_memory, f"nearest_{k}")) for k in KINDS}}
    if layer is not None:
        answers["layer"] = {k: (layer[code][f"nearest_{k}"], _metres(layer[code][f"nearest_{k}_m"])) for k in KINDS}
        assert layer[code]["verdict"] == in_db.verdict, ("layer", profile.name, code, point)
    for copy, nearest in answers.items():
        for kind in KINDS:
            _agree((copy, kind, profile.name, code, point), nearest[kind], expected[kind])

    broken = [(key, minimum, kind) for key, minimum, kind in (
        ("outlet_too_close", profile.min_outlet_distance_m, "outlet"),
        ("station_too_close", profile.min_station_distance_m, "station"))
        if minimum > 0 and expected[kind] is not None and expected[kind][0] < minimum]
    verdict = "fail" if broken else "pass"

    def reasons(copy):  # the reasons a copy must give, naming the sites it named
        return [reason(key, LANG, m=expected[kind][0], id=answers[copy][kind][0], min=minimum)
                for key, minimum, kind in broken]

    batch_reasons = batch["reasons"].split("; ") if batch["reasons"] else []
    assert batch["verdict"] == ("fail" if batch_reasons else "pass")
    assert _distance_part(profile, batch_reasons) == reasons("batch"), (profile.name, code, point)
    for copy, site in (("database", in_db), ("memory", in_memory)):
        assert site.verdict == ("fail" if site.reasons else "pass")
        assert _distance_part(profile, site.reasons) == reasons(copy), (copy, profile.name, code, point)
    assert in_memory.verdict == in_db.verdict, (profile.name, code, point)
    if profile.max_stations_per_area == 0:  # nothing but the distance rules can speak
        assert batch["verdict"] == in_db.verdict == verdict, (profile.name, code, point)


def _distance_part(profile, reasons):
    """A copy's reasons without the per-area limit's (the registry has no areas: 'not inside any area')."""
    kept = [r for r in reasons if r != AREA_MISSING]
    assert kept == reasons or profile.max_stations_per_area > 0, reasons  # the one other rule that can speak
    return kept


def _tagged(scenario, tag):
    """The scenario with every code made unique to this example (no row of an earlier one is reused)."""
    return tuple([(f"{code}-{tag}", word, p) for code, word, p in sites] for sites in scenario)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(scenario=scenarios())
def test_the_four_copies_of_the_distance_rules_agree(engine, tmp_path, scenario):
    tag = next(_examples)
    scenario = _tagged(scenario, tag)
    folder = tmp_path / f"example-{tag}"
    _load(engine, folder, *scenario)
    sites = {table: _stored(engine, table) for table in ("outlets", "stations", "candidates")}
    stored = {code: (code, status, p) for code, status, p in sites["candidates"]}
    for profile in STRAIGHT:
        layer = _layer(engine, profile)
        for code, _, _ in scenario[3]:
            assert stored[code][1] in OPEN_WORDS
            _judge(engine, folder, profile, sites, stored[code], layer)


@pytest.mark.parametrize("profile", WALKING, ids=lambda p: p.name)
def test_a_walking_profile_without_a_road_network_is_refused_by_both_checks(engine, tmp_path, profile):
    load_small_registry(engine)
    point = offset("O1", 250.0)
    path = write_list(tmp_path / "list.csv", [row("A", point)])
    with pytest.raises(UsageError, match="walking"):
        check_file(path, engine, profile, lang=LANG)
    with pytest.raises(UsageError, match="walking"):
        check_site(engine, profile, *point, lang=LANG)
    with pytest.raises(UsageError, match="walking"):
        check_site(None, profile, *point, lang=LANG, sites=cached_sites(engine, profile))


# Disagreements found by the property above, kept visible until the product settles them.

def _copies(engine, tmp_path, profile, code, point):
    """What each copy says of one stored open applicant: (nearest outlet, nearest station, verdict)."""
    result = check_file(write_list(tmp_path / f"{profile.name}-{code}.csv", [row(code, point)]), engine, profile,
                        lang=LANG)
    batch = result.added.iloc[0]
    db = check_site(engine, profile, *point, code=code, lang=LANG)
    memory = check_site(engine, profile, *point, code=code, lang=LANG, sites=cached_sites(engine, profile))
    shown = _layer(engine, profile)[code]
    return {"batch": (batch["nearest_outlet_id"], batch["nearest_station_id"], batch["verdict"]),
            "database": (_named(db.nearest_outlet)[0], _named(db.nearest_station)[0], db.verdict),
            "memory": (_named(memory.nearest_outlet)[0], _named(memory.nearest_station)[0], memory.verdict),
            "layer": (shown["nearest_outlet"], shown["nearest_station"], shown["verdict"])}


HERE = (116.62, 40.11)


def _known(reason: str, raises=AssertionError):
    """A disagreement found here: fails today; strict, so the day it is settled the xfail is removed."""
    return pytest.mark.xfail(strict=True, raises=raises, reason=reason)


def test_an_outlet_sharing_the_applicants_code_counts_everywhere(engine, tmp_path):
    point = offset(HERE, 100.0, 0.0)
    _load(engine, tmp_path / "registry", [("X1", "branch", HERE), ("X2", "branch", offset(HERE, 900.0, 180.0))],
          [("S1", "open", offset(HERE, 1000.0, 90.0))], [], [("X1", "submitted", point)])
    answers = _copies(engine, tmp_path, load_profile("yiwu"), "X1", point)
    assert answers["batch"] == ("X1", "S1", "fail")  # 100 m from branch X1
    assert set(answers.values()) == {answers["batch"]}, answers  # the layer: X2 at 1000 m, pass


@_known("sites at the same place: the batch check and the database name the first, the sites in memory "
        "and the layer the second")
def test_tied_sites_are_named_alike(engine, tmp_path):
    point = offset(HERE, 300.0, 45.0)
    _load(engine, tmp_path / "registry", [("OA", "branch", HERE), ("OB", "branch", HERE)],
          [("SA", "open", HERE), ("SB", "listed_for_exit", HERE)], [], [("A", "submitted", point)])
    answers = _copies(engine, tmp_path, load_profile("yiwu"), "A", point)
    assert answers["batch"] == ("OA", "SA", "fail")
    assert set(answers.values()) == {answers["batch"]}, answers  # memory and layer: OB, SB


@_known("at exactly half a centimetre short of a minimum, the database's metres and the KD-tree's differ "
        "by about 1e-9 m and round to different centimetres")
def test_half_a_centimetre_short_rounds_alike(engine, tmp_path):
    points = [(f"A{i}", "submitted", offset(HERE, 499.995, i * 36.0)) for i in range(10)]
    _load(engine, tmp_path / "registry", [("O1", "branch", HERE)], [("S1", "closed", offset(HERE, 1000.0, 90.0))],
          [], points)
    verdicts = {code: {copy: answer[2] for copy, answer in _copies(engine, tmp_path, load_profile("yiwu"), code,
                                                                   point).items()}
                for code, _, point in points}
    assert all(len(set(v.values())) == 1 for v in verdicts.values()), verdicts


@pytest.mark.parametrize("profile", WALKING, ids=lambda p: p.name)
def test_the_layer_gives_no_straight_line_verdict_for_a_walking_profile(engine, tmp_path, profile):
    _load(engine, tmp_path / "registry", [("O1", "branch", HERE)], [("S1", "open", offset(HERE, 1000.0, 90.0))],
          [], [("A", "submitted", offset(HERE, 100.0, 0.0))])
    try:
        shown = _layer(engine, profile)["A"]
    except UsageError:
        return
    assert shown["verdict"] is None, shown


@pytest.mark.parametrize("profile", [p for p in STRAIGHT if p.max_stations_per_area > 0], ids=lambda p: p.name)
def test_the_layer_judges_a_per_area_limit_without_areas(engine, tmp_path, profile):
    point = offset(HERE, 100.0, 0.0)
    _load(engine, tmp_path / "registry", [("O1", "branch", HERE)], [("S1", "open", offset(HERE, 1000.0, 90.0))],
          [], [("A", "submitted", point)])
    batch = check_file(write_list(tmp_path / "list.csv", [row("A", point)]), engine, profile, lang=LANG).added
    assert (batch["verdict"].iat[0], batch["reasons"].iat[0]) == ("fail", AREA_MISSING)
    assert _layer(engine, profile)["A"]["verdict"] == "fail"
