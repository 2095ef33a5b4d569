import numpy as np

from planner.spatial.conflicts import close_pairs, greedy_by_priority, limit_per_group
from planner.spatial.geodesic import GEOD


def test_close_pairs_match_brute_force():
    rng = np.random.default_rng(1)
    lon, lat = rng.uniform(116.5, 116.6, 300), rng.uniform(40.0, 40.08, 300)
    lon[5] = np.nan
    i, j, metres = close_pairs(lon, lat, 500.0)
    expected = set()
    for a in range(300):
        for b in range(a + 1, 300):
            if np.isfinite(lon[a]) and np.isfinite(lon[b]) and GEOD.inv(lon[a], lat[a], lon[b], lat[b])[2] < 499.995:
                expected.add((a, b))  # below 500 m at the centimetre
    assert set(zip(i.tolist(), j.tolist())) == expected
    assert np.allclose(metres, GEOD.inv(lon[i], lat[i], lon[j], lat[j])[2], rtol=0, atol=0.005 + 1e-6)


def test_a_pair_exactly_the_spacing_apart_is_not_close_and_a_centimetre_less_is():
    # Pairs placed by pyproj.Geod.fwd, 5 km from each other; towards 37° the chord formula gives
    # 499.9999999993 m, which must still count as 500 m (以上 includes the spacing).
    lon, lat = [], []
    for k, (azimuth, metres) in enumerate([(37, 500), (90, 500), (180, 500), (270, 500), (37, 499.99), (90, 499.99)]):
        a = (116.5 + 0.06 * k, 40.0)
        b = GEOD.fwd(*a, azimuth, metres)[:2]
        lon += [a[0], float(b[0])]
        lat += [a[1], float(b[1])]
    i, j, metres = close_pairs(lon, lat, 500.0)
    assert (i.tolist(), j.tolist(), metres.tolist()) == ([8, 10], [9, 11], [499.99, 499.99])


def test_greedy_equals_sequential_greedy():
    rng = np.random.default_rng(2)
    for _ in range(100):
        n = 50
        i, j = rng.integers(0, n, 90), rng.integers(0, n, 90)
        keep = i != j
        i, j = i[keep], j[keep]
        eligible = rng.random(n) < 0.8
        order = rng.permutation(n)
        accepted, blocker = greedy_by_priority(n, i, j, eligible, order)
        neighbours = [set() for _ in range(n)]
        for a, b in zip(i, j):
            neighbours[a].add(b)
            neighbours[b].add(a)
        expected = np.zeros(n, bool)
        for v in order:
            if eligible[v] and not any(expected[u] for u in neighbours[v]):
                expected[v] = True
        assert (accepted == expected).all()
        for v in np.flatnonzero(eligible & ~accepted):
            assert accepted[blocker[v]] and blocker[v] in neighbours[v]
        assert (blocker[~eligible] == -1).all()


def test_limit_per_group_keeps_priority_and_capacity():
    group = np.array([0, 0, 0, 1, -1, 1])
    order = np.array([2, 0, 1, 5, 3, 4])
    accepted, leader = limit_per_group(group, np.ones(6, bool), order, capacity=np.array([2, 0]))
    assert accepted.tolist() == [True, False, True, False, True, False]
    assert leader[1] == 2 and leader[3] == -1 and leader[5] == -1
