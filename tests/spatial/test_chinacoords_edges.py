"""GCJ-02 / BD-09 at their edges: the box's own border, blank values, empty input, BD-09 → GCJ-02.

Written to kill the mutants `bench/mutation.py` found surviving in planner/spatial/chinacoords.py."""

import numpy as np
import prcoords

from planner.spatial.chinacoords import (
    bd09_to_gcj02,
    bd09_to_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    in_china_box,
    wgs84_to_gcj02,
)

# The box's corners are (72.004, 0.8293) and (137.8347, 55.8271): its border is inside.
WEST, SOUTH, EAST, NORTH = 72.004, 0.8293, 137.8347, 55.8271


def test_the_box_border_is_inside_and_a_hair_beyond_is_not():
    lon = [WEST, EAST, 100.0, 100.0, WEST - 1e-9, EAST + 1e-9, 100.0, 100.0]
    lat = [30.0, 30.0, SOUTH, NORTH, 30.0, 30.0, SOUTH - 1e-9, NORTH + 1e-9]
    assert in_china_box(lon, lat).tolist() == [True] * 4 + [False] * 4
    shifted_lon, _ = wgs84_to_gcj02(lon, lat)
    assert (np.asarray(shifted_lon) != np.asarray(lon)).tolist() == [True] * 4 + [False] * 4


def test_blank_values_are_nan_everywhere():
    assert in_china_box([116.4, None], [39.9, None]).tolist() == [True, False]
    for convert in (wgs84_to_gcj02, gcj02_to_wgs84, gcj02_to_bd09, bd09_to_gcj02, bd09_to_wgs84):
        lon, lat = convert([116.4, None], [39.9, None])
        assert np.isfinite([lon[0], lat[0]]).all() and np.isnan([lon[1], lat[1]]).all(), convert.__name__


def test_empty_input_gives_empty_arrays():
    for convert in (gcj02_to_wgs84, bd09_to_gcj02, bd09_to_wgs84):
        lon, lat = convert([], [])
        assert (lon.size, lat.size) == (0, 0), convert.__name__


def test_bd09_to_gcj02_inverts_the_forward_shift():
    rng = np.random.default_rng(13)
    lon, lat = rng.uniform(74, 134, 200), rng.uniform(18, 53, 200)
    back_lon, back_lat = bd09_to_gcj02(*gcj02_to_bd09(lon, lat))
    assert np.abs(back_lon - lon).max() < 1e-9 and np.abs(back_lat - lat).max() < 1e-9
    reference = prcoords.bd_gcj_bored((40.0, 116.4))  # prcoords takes (lat, lon)
    ours = bd09_to_gcj02(116.4, 40.0)
    assert abs(ours[0] - reference.lon) < 1e-8 and abs(ours[1] - reference.lat) < 1e-8
