"""The one-station-per-community rule (shunyi) at its edges: the list's winner in row 0, a single
applicant, an applicant outside every village or community but inside the district.

Written to kill the mutants `bench/mutation.py` found surviving in planner/check/batch.py."""

from planner.check.batch import check_file
from planner.rules.profiles import load_profile
from tests.check_support import load_small_registry, row, write_list

SHUNYI = load_profile("shunyi")
A2_SECOND = row("A2-second", (116.638, 40.101))  # more new people than A2-first: it wins 前进社区
A2_FIRST = row("A2-first", (116.622, 40.119))
OUTSIDE = row("outside", (116.63, 40.097))  # 330 m south of the district's areas


def _verdicts(engine, tmp_path, rows, lang="zh"):
    result = check_file(write_list(tmp_path / "list.csv", rows), engine, SHUNYI, lang=lang)
    return list(zip(result.applicants.ids.tolist(), result.added["verdict"], result.added["reasons"]))


def test_the_winner_in_the_first_row_is_named_and_outside_every_area_fails(engine, tmp_path):
    load_small_registry(engine)
    assert _verdicts(engine, tmp_path, [A2_SECOND, A2_FIRST, OUTSIDE]) == [
        ("A2-second", "pass", ""), ("A2-first", "fail", "前进社区已由本批申请户 A2-second 占用"),
        ("outside", "fail", "不在任何村或社区范围内")]
    assert _verdicts(engine, tmp_path, [OUTSIDE], lang="en") == [
        ("outside", "fail", "not inside any village or community")]
    # A row outside every area before the others: each row keeps its own area.
    assert _verdicts(engine, tmp_path, [OUTSIDE, A2_SECOND, A2_FIRST]) == [
        ("outside", "fail", "不在任何村或社区范围内"), ("A2-second", "pass", ""),
        ("A2-first", "fail", "前进社区已由本批申请户 A2-second 占用")]


def test_a_single_applicant_in_a_free_community_passes(engine, tmp_path):
    load_small_registry(engine)
    assert _verdicts(engine, tmp_path, [A2_SECOND]) == [("A2-second", "pass", "")]
