import numpy as np

from planner.spatial.geodesic import GEOD, geodesic_distance


def test_agrees_with_pyproj_geod_from_a_metre_to_two_thousand_kilometres():
    rng = np.random.default_rng(3)
    n = 20_000
    lon1 = rng.uniform(74, 134, n)
    lat1 = rng.uniform(18, 53, n)
    azimuth = rng.uniform(0, 360, n)
    length = 10 ** rng.uniform(0, 6.3, n)  # 1 m .. 2000 km
    lon2, lat2, _ = GEOD.fwd(lon1, lat1, azimuth, length)
    ours = geodesic_distance(lon1, lat1, lon2, lat2)
    reference = GEOD.inv(lon1, lat1, lon2, lat2)[2]
    assert np.max(np.abs(ours - reference)) < 0.1
    # and in the range of station spacing it is far better than that
    near = length < 50_000
    assert np.max(np.abs(ours[near] - reference[near])) < 0.005


def test_zero_distance_and_broadcasting():
    d = geodesic_distance(116.6, 40.1, np.array([116.6, 116.61]), 40.1)
    assert d.shape == (2,) and d[0] == 0.0 and abs(d[1] - GEOD.inv(116.6, 40.1, 116.61, 40.1)[2]) < 1e-3
