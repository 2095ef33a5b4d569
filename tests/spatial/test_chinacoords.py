import numpy as np
import prcoords
import pytest

from planner.spatial.chinacoords import (
    bd09_to_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)
from planner.spatial.geodesic import GEOD

# (WGS84 lon, lat) -> (GCJ-02 lon, lat): the test vectors published with eviltransform.
KNOWN_WGS_GCJ = [
    ((121.5272106, 31.1774276), (121.531541859215, 31.17530398364597)),  # Shanghai
    ((113.912316, 22.543847), (113.9171764808363, 22.540796131694766)),  # Shenzhen
    ((116.377817, 39.911954), (116.38404722455657, 39.91334545536069)),  # Beijing
]


def _metres(lon1, lat1, lon2, lat2):
    return GEOD.inv(lon1, lat1, lon2, lat2)[2]


@pytest.mark.parametrize(("wgs", "gcj"), KNOWN_WGS_GCJ)
def test_forward_matches_published_vectors(wgs, gcj):
    lon, lat = wgs84_to_gcj02(*wgs)
    assert _metres(lon, lat, *gcj) < 0.001


@pytest.mark.parametrize(("wgs", "gcj"), KNOWN_WGS_GCJ)
def test_inverse_recovers_published_wgs84(wgs, gcj):
    lon, lat = gcj02_to_wgs84(*gcj)
    assert _metres(lon, lat, *wgs) < 0.01


def _china_points(n=2000, seed=7):
    rng = np.random.default_rng(seed)
    return rng.uniform(74, 134, n), rng.uniform(18, 53, n)


def test_gcj02_round_trip_is_below_one_centimetre():
    lon, lat = _china_points()
    back_lon, back_lat = gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat))
    assert np.max(_metres(lon, lat, back_lon, back_lat)) < 0.01


def test_bd09_round_trip_is_below_one_centimetre():
    lon, lat = _china_points()
    back_lon, back_lat = bd09_to_wgs84(*wgs84_to_bd09(lon, lat))
    assert np.max(_metres(lon, lat, back_lon, back_lat)) < 0.01


def test_shift_is_hundreds_of_metres_inside_china():
    lon, lat = _china_points(500)
    shift = _metres(lon, lat, *wgs84_to_gcj02(lon, lat))
    assert shift.min() > 10 and shift.max() < 1000


def test_agrees_with_independent_implementation():
    lon, lat = _china_points(300, seed=11)
    glon, glat = wgs84_to_gcj02(lon, lat)
    blon, blat = gcj02_to_bd09(glon, glat)
    for i in range(lon.size):
        ref_g = prcoords.wgs_gcj((lat[i], lon[i]))
        ref_b = prcoords.gcj_bd((glat[i], glon[i]))
        ref_inv = prcoords.gcj_wgs_bored((glat[i], glon[i]))
        assert _metres(glon[i], glat[i], ref_g.lon, ref_g.lat) < 0.001
        assert _metres(blon[i], blat[i], ref_b.lon, ref_b.lat) < 0.001
        assert _metres(lon[i], lat[i], ref_inv.lon, ref_inv.lat) < 0.01


def test_points_outside_china_are_not_shifted():
    lon, lat = wgs84_to_gcj02(np.array([2.35, -74.0]), np.array([48.85, 40.7]))
    assert lon.tolist() == [2.35, -74.0] and lat.tolist() == [48.85, 40.7]
