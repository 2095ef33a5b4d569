"""Reasons for many rows at once (planner.rules.reason_columns) read exactly as the one-row reasons do."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.rules.reason_columns import reason_column
from planner.rules.reasons import reason
from planner.spatial.compared import compared_metres

_metres = st.floats(min_value=-1e6, max_value=1e7, allow_nan=False).map(lambda v: float(compared_metres(v)))
_people = st.one_of(st.floats(min_value=-5e9, max_value=5e12, allow_nan=False),
                    st.integers(-10**6, 10**9).map(lambda v: v + 0.5), st.sampled_from([0.0, -0.0, 999.5, 1000.0,
                                                                                        999_999.5, -0.4]))
_ids = st.text(min_size=1, max_size=12)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_metres, _ids, _people, _people), min_size=1, max_size=30),
       st.sampled_from(["zh", "en"]), st.sampled_from([300.0, 500.0, 1e3, 12.5]))
def test_a_column_reads_as_its_rows_do(rows, lang, spacing):
    metres, ids, win, own = (np.array(c, dtype=object if k == 1 else float) for k, c in enumerate(zip(*rows)))
    for key in ("conflict_lost", "conflict_lost_service_walking", "conflict_lost_order"):
        column = reason_column(key, lang, len(rows), m=metres, id=ids, min=spacing, win=win, own=own).to_pylist()
        assert column == [reason(key, lang, m=m, id=i, min=spacing, win=w, own=o)
                          for m, i, w, o in zip(metres.tolist(), ids.tolist(), win.tolist(), own.tolist())]


def test_the_distance_rules_and_their_special_cells():
    metres = np.array([499.99, 0.0, 12345.6, 0.01, 100.0])
    ids = np.array(["O1", "邮政所", "S 2", "x", "y"], dtype=object)
    for lang in ("zh", "en"):
        got = reason_column("station_too_close", lang, 5, m=metres, id=ids, min=500.0).to_pylist()
        assert got == [reason("station_too_close", lang, m=m, id=i, min=500.0) for m, i in zip(metres, ids)]
    # A format the column does not build itself goes through Python's format, cell by cell.
    lon, lat = np.array([116.123456789, -0.5]), np.array([40.0, 1e-7])
    assert reason_column("outside_china", "en", 2, lon=lon, lat=lat).to_pylist() == [
        reason("outside_china", "en", lon=a, lat=b) for a, b in zip(lon, lat)]
    assert reason_column("area_missing", "zh", 3).to_pylist() == [reason("area_missing", "zh")] * 3
