"""Same-list conflicts at their edges: blank positions, spacings under a metre and over 50 km, pair
order with shared partners, every item's leader, and priority kept inside large groups.

Written to kill the mutants `bench/mutation.py` found surviving in planner/spatial/conflicts.py."""

import numpy as np

from planner.spatial.conflicts import close_pairs, limit_per_group
from planner.spatial.geodesic import GEOD


def _placed(start, legs):
    """Points from `start`, each placed by pyproj.Geod.fwd from the previous: legs of (azimuth, metres)."""
    lon, lat = [start[0]], [start[1]]
    for azimuth, metres in legs:
        x, y = GEOD.fwd(lon[-1], lat[-1], azimuth, metres)[:2]
        lon.append(float(x))
        lat.append(float(y))
    return lon, lat


def test_blank_positions_are_skipped_and_the_empty_answer_is_typed():
    lon, lat = _placed((116.5, 40.0), [(90, 100)])
    i, j, metres = close_pairs([lon[0], None, lon[1]], [lat[0], None, lat[1]], 500.0)
    assert (i.tolist(), j.tolist(), metres.tolist()) == ([0], [2], [100.0])
    for empty in (close_pairs([116.5], [40.0], 500.0), close_pairs(lon, lat, 0.0)):
        assert [(a.dtype, a.size) for a in empty] == [(np.int64, 0), (np.int64, 0), (np.float64, 0)]


def test_a_spacing_under_a_metre_still_finds_the_pair():
    lon, lat = _placed((116.5, 40.0), [(90, 0.5)])
    i, j, metres = close_pairs(lon, lat, 1.0)
    assert (i.tolist(), j.tolist(), metres.tolist()) == ([0], [1], [0.5])


def test_spacings_beyond_50_km_measure_on_the_ellipsoid():
    lon, lat = _placed((100.0, 30.0), [(0, 55_000.0), (90, 60_000.0)])
    i, j, metres = close_pairs(lon, lat, 60_000.0)
    assert (i.tolist(), j.tolist(), metres.tolist()) == ([0], [1], [55_000.0])


def test_pairs_come_sorted_by_first_then_second_row():
    # Four applicants 100 m apart in a row: every pair but the ends (300 m) is closer than 250 m.
    lon, lat = _placed((116.5, 40.0), [(90, 100), (90, 100), (90, 100)])
    order = [3, 1, 0, 2]  # input rows in another order than along the row
    i, j, metres = close_pairs([lon[k] for k in order], [lat[k] for k in order], 250.0)
    # Rows sit at 300, 100, 0 and 200 m along the row.
    assert list(zip(i.tolist(), j.tolist(), metres.tolist())) == [
        (0, 1, 200.0), (0, 3, 100.0), (1, 2, 100.0), (1, 3, 100.0), (2, 3, 200.0)]


def test_every_item_gets_its_leader_or_minus_one():
    group = np.array([0, 0, 0, 1, -1, 1, 2])
    order = np.array([2, 0, 1, 5, 3, 4, 6])
    eligible = np.array([True, True, True, True, True, True, False])
    accepted, leader = limit_per_group(group, eligible, order, capacity=np.array([2, 0, 1]))
    assert accepted.tolist() == [True, False, True, False, True, False, False]
    assert leader.tolist() == [-1, 2, -1, -1, -1, -1, -1]


def test_priority_holds_inside_large_groups():
    # 3,000 items in 7 groups, one place each: the winner of a group is its first item in `order`.
    rng = np.random.default_rng(3)
    group = rng.integers(0, 7, 3000)
    order = rng.permutation(3000)
    accepted, leader = limit_per_group(group, np.ones(3000, bool), order, capacity=np.ones(7, np.int64))
    first = {}
    for item in order:
        first.setdefault(int(group[item]), int(item))
    assert sorted(np.flatnonzero(accepted).tolist()) == sorted(first.values())
    refused = ~accepted
    assert (leader[refused] == np.array([first[int(g)] for g in group[refused]])).all()
