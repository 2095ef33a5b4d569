"""Walking metres on hand-made networks whose answers are known by hand (from pyproj.Geod)."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from planner.roads.pairs import close_pairs_on_foot
from planner.roads.snap import snap_points
from planner.roads.walking import nearest_on_foot, sites_on_foot, walking_route
from tests.roads.road_support import at, metres, network, path_metres


def _walk(graph, start, sites, exclude=None):
    """Nearest site on foot from one position: (site index, metres)."""
    on_foot = sites_on_foot(graph, [s[0] for s in sites], [s[1] for s in sites])
    site, walked = nearest_on_foot(graph, on_foot, snap_points(graph, [start[0]], [start[1]]),
                                   None if exclude is None else np.atleast_1d(exclude)[None, :])
    return int(site[0]), float(walked[0])


@pytest.fixture(scope="module")
def river():
    """Two roads along the banks of a river, 120 m apart, and one bridge 500 m north."""
    nodes = [(0, -600), (0, 0), (0, 500), (0, 600), (120, -600), (120, 0), (120, 500), (120, 600)]
    segments = [(0, 1), (1, 2), (2, 3), (4, 5), (5, 6), (6, 7), (2, 6)]
    return network(nodes, segments)


def test_across_a_river_the_walk_goes_over_the_bridge(river):
    graph, p = river
    applicant, station = at(5, 0), at(115, 0)
    site, walked = _walk(graph, applicant, [station])
    expected = metres(applicant, p[1]) + path_metres(p[1], p[2], p[6], p[5]) + metres(p[5], station)
    assert site == 0
    assert metres(applicant, station) == pytest.approx(110, abs=0.5)
    assert walked == pytest.approx(expected, abs=0.01)
    assert walked == pytest.approx(1130, abs=1)


def test_a_position_on_a_node_and_one_mid_segment(river):
    graph, p = river
    # On node 1 exactly; the station exactly half-way along the bridge.
    middle = at(60, 500)
    _site, walked = _walk(graph, p[1], [middle])
    assert walked == pytest.approx(metres(p[1], p[2]) + metres(p[2], middle), abs=0.01)
    snap = snap_points(graph, [middle[0]], [middle[1]])
    assert snap.off_m[0] == pytest.approx(0, abs=0.01)
    assert snap.along_u[0] == pytest.approx(60, abs=0.05)
    assert snap.along_v[0] == pytest.approx(60, abs=0.05)


def test_two_positions_on_one_segment_walk_straight_along_it(river):
    graph, _ = river
    applicant, station = at(3, 100), at(-4, 180)
    _site, walked = _walk(graph, applicant, [station])
    expected = 3 + metres(at(0, 100), at(0, 180)) + 4
    assert walked == pytest.approx(expected, abs=0.05)


def test_a_dead_end_is_walked_back(river):
    graph, p = river
    # From the dead end of the west road's south tip to a station at the east road's south tip.
    _site, walked = _walk(graph, p[0], [p[4]])
    assert walked == pytest.approx(path_metres(p[0], p[1], p[2], p[6], p[5], p[4]), abs=0.01)


def test_two_disconnected_parts_are_unreachable():
    graph, _p = network([(0, 0), (100, 0), (0, 50), (100, 50)], [(0, 1), (2, 3)])
    site, walked = _walk(graph, at(10, 1), [at(10, 49)])
    assert site == -1
    assert walked == np.inf
    assert graph.component[0] != graph.component[2]


def test_duplicate_and_zero_length_segments():
    # Node 1 and 2 share one position (a zero-length segment joins them); 0-1 is given twice.
    graph, p = network([(0, 0), (100, 0), (100, 0), (200, 0)], [(0, 1), (0, 1), (1, 2), (2, 3)])
    _site, walked = _walk(graph, p[0], [p[3]])
    assert walked == pytest.approx(path_metres(p[0], p[1], p[3]), abs=0.01)  # not 300: duplicates never add up


def test_the_nearest_of_several_sites_and_the_own_entry_left_out(river):
    graph, _p = river
    near, far = at(2, 50), at(-3, -300)
    assert _walk(graph, at(0, 0), [far, near]) == (1, pytest.approx(50 + 2, abs=0.05))
    # Site 1 is the position's own registry entry: the next one counts.
    site, walked = _walk(graph, at(0, 0), [far, near], exclude=1)
    assert site == 0
    assert walked == pytest.approx(300 + 3, abs=0.05)
    # Its code names two entries (a station and an approved applicant, here at one place): neither counts.
    assert _walk(graph, at(0, 0), [far, near, near], exclude=[1, 2]) == (0, pytest.approx(303, abs=0.05))


def _pairs(graph, points, limit, usable=None):
    snap = snap_points(graph, [q[0] for q in points], [q[1] for q in points])
    i, j, walked = close_pairs_on_foot(graph, snap, np.ones(len(points), bool) if usable is None else usable, limit)
    return {(int(a), int(b)): float(m) for a, b, m in zip(i, j, walked)}


def test_pairs_are_measured_on_foot_and_bounded(river):
    graph, _ = river
    points = [at(5, 0), at(115, 0), at(0, 150)]
    walked = _pairs(graph, points, 2000)
    assert set(walked) == {(0, 1), (0, 2), (1, 2)}
    assert walked[0, 1] == pytest.approx(1130, abs=1)
    assert walked[0, 2] == pytest.approx(5 + 150, abs=0.05)
    assert walked[1, 2] == pytest.approx(5 + 500 + 120 + 350, abs=1)
    bounded = _pairs(graph, points, 300)
    assert set(bounded) == {(0, 2)}  # 110 m apart in a straight line, 1,130 m on foot: not a pair
    assert bounded[0, 2] == pytest.approx(155, abs=0.05)
    assert _pairs(graph, points, 300, usable=np.array([True, True, False])) == {}


def test_pairs_on_one_segment_walk_straight_along_it(river):
    graph, _ = river
    walked = _pairs(graph, [at(3, 100), at(-4, 180), at(2, 260)], 200)
    assert walked[0, 1] == pytest.approx(3 + metres(at(0, 100), at(0, 180)) + 4, abs=0.05)
    assert walked[1, 2] == pytest.approx(4 + 80 + 2, abs=0.05)
    assert walked[0, 2] == pytest.approx(3 + 160 + 2, abs=0.05)


def test_the_route_follows_the_bridge(river):
    graph, p = river
    walked, route = walking_route(graph, at(5, 0), at(115, 0))
    assert walked == pytest.approx(1130, abs=1)
    assert route[0] == at(5, 0)
    assert route[-1] == at(115, 0)
    assert p[2] in route and p[6] in route
    assert path_metres(*route) == pytest.approx(walked, abs=0.05)


def test_walking_is_never_shorter_than_a_straight_line():
    rng = np.random.default_rng(7)
    # A jittered 8 × 8 street grid with a third of its blocks' streets missing.
    nodes = [(x * 150 + rng.uniform(-20, 20), y * 150 + rng.uniform(-20, 20)) for x in range(8) for y in range(8)]
    segments = [(a, b) for a in range(64) for b in (a + 1, a + 8)
                if b < 64 and (b != a + 1 or a % 8 != 7) and rng.uniform() > 0.33]
    graph, _ = network(nodes, segments)
    points = [at(rng.uniform(0, 1050), rng.uniform(0, 1050)) for _ in range(60)]
    walked = _pairs(graph, points, 5000)
    assert len(walked) > 1000
    assert all(m >= metres(points[a], points[b]) - 1e-6 for (a, b), m in walked.items())
    # The bounded pair search agrees with a full route for every pair: found exactly when the walk is shorter.
    for a, b in zip(*np.triu_indices(60, 1)):
        route = walking_route(graph, points[a], points[b])[0]
        if route < 5000:
            assert walked[int(a), int(b)] == pytest.approx(route, abs=1e-6)
        else:
            assert (a, b) not in walked
    # A tighter limit keeps exactly the pairs whose walk is under it.
    tight = _pairs(graph, points, 400)
    assert tight == {pair: m for pair, m in walked.items() if m < 400}


def test_the_nearest_segment_is_the_true_nearest_near_junctions_and_far_from_roads():
    rng = np.random.default_rng(3)
    # A dense jittered grid with short segments (junctions crowd the sample points), and positions from
    # on the roads to 400 m away from them.
    nodes = [(x * 60 + rng.uniform(-15, 15), y * 60 + rng.uniform(-15, 15)) for x in range(15) for y in range(15)]
    segments = [(a, b) for a in range(225) for b in (a + 1, a + 15)
                if b < 225 and (b != a + 1 or a % 15 != 14) and rng.uniform() > 0.2]
    graph, _ = network(nodes, segments)
    points = [at(rng.uniform(-400, 1240), rng.uniform(-400, 1240)) for _ in range(3000)]
    lon, lat = np.array([p[0] for p in points]), np.array([p[1] for p in points])
    snap = snap_points(graph, lon, lat)
    x, y = graph.to_planar.transform(lon, lat)
    lines = shapely.linestrings(np.stack([np.column_stack([graph.x[graph.u], graph.y[graph.u]]),
                                          np.column_stack([graph.x[graph.v], graph.y[graph.v]])], axis=1))
    brute = shapely.distance(shapely.points(np.asarray(x), np.asarray(y))[:, None], lines[None, :]).min(axis=1)
    found = shapely.distance(shapely.points(np.asarray(x), np.asarray(y)), lines[snap.segment])
    assert np.abs(found - brute).max() < 1e-6
    assert (brute > 100).sum() > 500  # the far positions took the second round


def test_a_position_on_a_loop_walks_the_shorter_way_round():
    # Junction 0 with a dead end west (node 1) and a loop 0 → 2 → 3 → 4 → 0 of shape points (a square, 400 m).
    graph, p = network([(0, 0), (-100, 0), (100, 0), (100, 100), (0, 100)], [(0, 1), (0, 2), (2, 3), (3, 4), (4, 0)])
    on_loop = at(0, 80)  # on the last side, 20 m before coming back to junction 0
    assert _walk(graph, p[1], [on_loop])[1] == pytest.approx(100 + metres(p[0], at(0, 80)), abs=0.05)
    walked = _pairs(graph, [p[1], on_loop, at(100, 50)], 1000)
    assert walked[0, 1] == pytest.approx(180, abs=0.1)
    assert walked[1, 2] == pytest.approx(20 + 100 + 50, abs=0.1)  # along the loop, the shorter way round
    assert walking_route(graph, p[1], on_loop)[0] == pytest.approx(walked[0, 1], abs=1e-6)


def test_entries_left_out_for_one_position_still_count_for_another(river):
    graph, _ = river
    sites = [at(0, 0), at(0, 50), at(0, -300)]  # R1, R2 (approved applicants re-checked in one list), S
    on_foot = sites_on_foot(graph, [s[0] for s in sites], [s[1] for s in sites])
    rows = snap_points(graph, [sites[0][0], sites[1][0]], [sites[0][1], sites[1][1]])
    site, walked = nearest_on_foot(graph, on_foot, rows, np.array([[0], [1]]))
    assert site.tolist() == [1, 0]
    assert walked == pytest.approx([50, 50], abs=0.01)


def test_a_site_out_of_reach_is_found_behind_a_nearer_reachable_one():
    from planner.roads.walking import unreachable_near

    # The main road (0,0)-(0,1000) and, 150 m east, a road joined to nothing.
    graph, _ = network([(0, 0), (0, 1000), (150, 400), (150, 600)], [(0, 1), (2, 3)])
    sites = [at(0, 600), at(150, 500)]  # A: 100 m away and reachable; B: 150 m away, on the other road
    on_foot = sites_on_foot(graph, [s[0] for s in sites], [s[1] for s in sites])
    here = at(0, 500)
    snap = snap_points(graph, [here[0]], [here[1]])
    lon, lat = [s[0] for s in sites], [s[1] for s in sites]
    site, straight = unreachable_near(graph, on_foot, lon, lat, snap, [here[0]], [here[1]], 200)
    assert site.tolist() == [1]
    assert straight[0] == pytest.approx(150, abs=0.5)
    assert unreachable_near(graph, on_foot, lon, lat, snap, [here[0]], [here[1]], 120)[0].tolist() == [-1]
    assert unreachable_near(graph, on_foot, lon, lat, snap, [here[0]], [here[1]], 200, [[1]])[0].tolist() == [-1]


def test_a_crowded_list_on_one_road_is_paired_exactly(river):
    # 400 positions geocoded along 300 m of one road (a village's list with rough positions).
    graph, _ = river
    rng = np.random.default_rng(11)
    points = [at(rng.uniform(-30, 30), rng.uniform(-500, -200)) for _ in range(400)]
    walked = _pairs(graph, points, 200)
    i, j = np.triu_indices(400, 1)
    sample = rng.choice(i.size, 300, replace=False)
    for a, b in zip(i[sample], j[sample]):
        route = walking_route(graph, points[a], points[b])[0]
        assert walked.get((int(a), int(b)), np.inf) == (pytest.approx(route, abs=1e-6) if route < 200 else np.inf)
