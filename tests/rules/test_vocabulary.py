"""One status vocabulary: an applicant waiting for information is open everywhere an open applicant counts."""

import json

from planner.coverage.compute import CoverageOptions, compute_coverage
from planner.rules.profiles import load_profile
from planner.selection.ranking import rank_candidates
from planner.sites.layers import layer_geojson
from planner.workflow.decisions import decide
from planner.workflow.review import work_queue
from tests.strip_support import load_strips

YIWU = load_profile("yiwu")


def test_an_applicant_waiting_for_information_is_open_in_queue_ranking_what_if_and_layers(engine, tmp_path):
    load_strips(engine, tmp_path)
    assert decide(engine, "Q", "needs_info", "缺营业执照", actor="alice", profile=YIWU).status == "needs_info"

    assert "Q" in [task.code for task in work_queue(engine, kinds=["decision"])]

    ranked = rank_candidates(engine, YIWU).set_index("code")
    assert ranked.loc["Q", "status"] == "needs_info"
    assert (ranked.loc["Q", "marginal_population"], ranked.loc["Q", "rank"]) == (800, 1)  # strip_support's figures

    what_if = compute_coverage(engine, CoverageOptions(YIWU, assume_candidates=True))
    assert set(what_if.sites.loc[what_if.sites["role"] == "candidate", "code"]) == {"P", "Q", "R", "T"}

    layer = json.loads(layer_geojson(engine, "candidates", limit=100, profile=YIWU))
    verdicts = {f["properties"]["code"]: f["properties"]["verdict"] for f in layer["features"]}
    assert verdicts == {"P": "pass", "Q": "pass", "R": "pass", "T": "fail", "X": None}
