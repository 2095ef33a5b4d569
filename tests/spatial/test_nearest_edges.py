"""SiteIndex and its helpers at their edges: exact messages, the degree bounds themselves, one-site
indexes, a site's own entry left out, and geodesic order where the chord order differs.

Written to kill the mutants `bench/mutation.py` found surviving in planner/spatial/nearest.py."""

import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from planner.spatial.compared import compared_metres
from planner.spatial.geodesic import GEOD
from planner.spatial.nearest import (
    SiteIndex,
    check_lonlat,
    nearest_other,
    nearest_other_point,
    nearest_sites,
)

NOT_DEGREES = "is not longitude/latitude in degrees; projected coordinates must be converted to WGS84 first"


def _refused(message, call, *args, **kwargs):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        call(*args, **kwargs)


def test_check_lonlat_messages_name_what_and_count():
    _refused("points: 2 longitudes but 1 latitudes", check_lonlat, [1.0, 2.0], [3.0])
    _refused("points: 1 longitudes but 2 latitudes", check_lonlat, [1.0], [2.0, 3.0])
    # A blank cell (None) is missing like NaN; a row is missing when either coordinate is.
    _refused("points: 3 coordinates are missing or not finite", check_lonlat,
             [116.0, np.nan, None, 116.0], [np.nan, 40.0, 40.0, 40.0])
    _refused(f"points: (200.0, 40.0) {NOT_DEGREES}", check_lonlat, [116.0, 200.0, 300.0], [40.0, 40.0, 40.0])
    _refused(f"points: (180.5, 0.0) {NOT_DEGREES}", check_lonlat, [180.5], [0.0])
    _refused(f"points: (0.0, 90.5) {NOT_DEGREES}", check_lonlat, [0.0], [90.5])
    _refused("sites: 2 longitudes but 1 latitudes", SiteIndex, [1.0, 2.0], [3.0])
    _refused("query points: 1 longitudes but 2 latitudes", SiteIndex([116.0], [40.0]).query, [1.0], [2.0, 3.0])
    _refused("k must be at least 1, got 0", SiteIndex([116.0], [40.0]).query, [1.0], [2.0], k=0)


def test_check_lonlat_keeps_the_bounds_and_gives_floats():
    lon, lat = check_lonlat([180, -180, 0], [90, -90, 0])
    assert (lon.dtype, lat.dtype, lon.tolist(), lat.tolist()) == (np.float64, np.float64, [180, -180, 0],
                                                                   [90, -90, 0])
    lon, lat = check_lonlat([116.0, None], [40.0, None], allow_nan=True)
    assert lon[0] == 116.0 and np.isnan(lon[1]) and np.isnan(lat[1])


def test_query_defaults_to_one_neighbour_and_a_lone_site_leaves_the_second_empty():
    index = SiteIndex([116.6], [40.1])
    assert index.query([116.61], [40.1]).index.shape == (1, 1)
    result = index.query([116.61, None], [40.1, 40.1], k=2)
    assert result.index.tolist() == [[0, -1], [-1, -1]]
    assert result.distance_m[0, 0] == pytest.approx(GEOD.inv(116.61, 40.1, 116.6, 40.1)[2], abs=1e-6)
    assert np.isinf(result.distance_m[0, 1]) and np.isnan(result.distance_m[1]).all()


def _chord_and_geodesic_disagree():
    """From (105°E, 35°N): A due north 2,000 km, B due east 20 m nearer (geodesic); A's chord is shorter."""
    point = (105.0, 35.0)
    a = GEOD.fwd(*point, 0, 2_000_000.0)[:2]
    b = GEOD.fwd(*point, 90, 1_999_980.0)[:2]
    return point, SiteIndex([a[0], b[0]], [a[1], b[1]])


def test_far_neighbours_come_in_geodesic_order_not_chord_order():
    point, index = _chord_and_geodesic_disagree()
    result = index.query([point[0]], [point[1]], k=2)
    assert result.index.tolist() == [[1, 0]]
    assert result.distance_m[0].tolist() == pytest.approx([1_999_980.0, 2_000_000.0], abs=1e-6)
    assert [i for i, _ in index.query_point(*point, k=2)] == [1, 0]


def test_query_point_lists_the_k_nearest_closest_first():
    index = SiteIndex([116.60, 116.62, 116.70], [40.1, 40.1, 40.1])
    found = index.query_point(116.615, 40.1, k=5)
    assert [i for i, _ in found] == [1, 0, 2]
    assert [m for _, m in found] == pytest.approx(
        [GEOD.inv(116.615, 40.1, lon, 40.1)[2] for lon in (116.62, 116.60, 116.70)], abs=1e-4)
    assert [i for i, _ in index.query_point(116.615, 40.1)] == [1]
    assert index.query_point(180.0, 90.0, k=1)[0][0] in (0, 1, 2)  # the bounds themselves are degrees
    assert SiteIndex([], []).query_point(116.6, 40.1) == []


@pytest.mark.parametrize(("lon", "lat", "shown"), [(200.0, 0.0, "(200.0, 0.0)"), (180.5, 0.0, "(180.5, 0.0)"),
                                                   (0.0, 90.5, "(0.0, 90.5)"), (0.0, -91.0, "(0.0, -91.0)")])
def test_query_point_refuses_what_is_not_degrees(lon, lat, shown):
    _refused(f"the point: {shown} {NOT_DEGREES}", SiteIndex([116.0], [40.0]).query_point, lon, lat)


def test_query_point_refuses_missing_coordinates():
    _refused("the point: 1 coordinates are missing or not finite", SiteIndex([116.0], [40.0]).query_point,
             float("nan"), 40.0)
    _refused("the point: 1 coordinates are missing or not finite", SiteIndex([116.0], [40.0]).query_point,
             116.0, float("inf"))


def test_nearest_other_point_leaves_the_site_itself_out():
    codes = np.array(["S1", "S2"], dtype=object)
    index = SiteIndex([116.600, 116.610], [40.1, 40.1])
    to_s2 = compared_metres(GEOD.inv(116.6001, 40.1, 116.610, 40.1)[2])
    to_s1 = compared_metres(GEOD.inv(116.6001, 40.1, 116.600, 40.1)[2])
    assert nearest_other_point(index, codes, "S1", 116.6001, 40.1) == ("S2", to_s2)
    assert nearest_other_point(index, codes, None, 116.6001, 40.1) == ("S1", to_s1)
    assert nearest_other_point(index, codes, "S9", 116.6001, 40.1) == ("S1", to_s1)
    alone = SiteIndex([116.6], [40.1])
    assert nearest_other_point(alone, np.array(["S1"], dtype=object), "S1", 116.6, 40.1) is None


def test_nearest_other_leaves_each_site_itself_out():
    codes = np.array(["S1", "S2"], dtype=object)
    index = SiteIndex([116.600, 116.610], [40.1, 40.1])
    lon, lat = np.array([116.6001, 116.6001, 116.6099]), np.array([40.1, 40.1, 40.1])
    names, metres = nearest_other(index, codes, np.array(["S1", "A1", "S2"], dtype=object), lon, lat)
    expected = [GEOD.inv(x, 40.1, site, 40.1)[2] for x, site in ((116.6001, 116.610), (116.6001, 116.600),
                                                                  (116.6099, 116.600))]
    assert names == ["S2", "S1", "S1"]
    assert metres == compared_metres(np.array(expected)).tolist()
    alone = SiteIndex([116.6], [40.1])
    one = np.array(["S1"], dtype=object)
    assert nearest_other(alone, one, np.array(["S1", "A1"], dtype=object), [116.6, 116.6001], [40.1, 40.1]) == (
        [None, "S1"], [None, compared_metres(GEOD.inv(116.6001, 40.1, 116.6, 40.1)[2])])
    assert nearest_other(SiteIndex([], []), np.array([], dtype=object), ["A1", "A2"], [1.0, 2.0], [1.0, 2.0]) == (
        [None, None], [None, None])
    # A row without a position has no neighbour (the index answers -1 there).
    assert nearest_other(index, codes, np.array(["S1", "A1"], dtype=object), [np.nan, 116.6099], [np.nan, 40.1]) \
        == ([None, "S2"], [None, compared_metres(GEOD.inv(116.6099, 40.1, 116.610, 40.1)[2])])


def _frame(lon, lat, crs, **columns):
    return gpd.GeoDataFrame(columns, geometry=gpd.points_from_xy(lon, lat), crs=crs)


def test_nearest_sites_defaults_and_a_missing_second_site():
    sites = _frame([116.60], [40.1], 4326)
    sites.index = ["S1"]
    points = _frame([116.61], [40.1], 4326)
    assert list(nearest_sites(points, sites).columns) == ["id_1", "m_1"]
    result = nearest_sites(points, sites, k=2)
    assert result.loc[0, "id_1"] == "S1" and pd.isna(result.loc[0, "id_2"])
    assert result.loc[0, "m_1"] == pytest.approx(GEOD.inv(116.61, 40.1, 116.60, 40.1)[2], abs=1e-6)
    assert np.isinf(result.loc[0, "m_2"])


def test_nearest_sites_converts_other_geographic_crs():
    # EPSG:4807 (NTF Paris) counts longitude in grads from Paris: read as WGS84 degrees it would be far off.
    sites = _frame([2.35, 2.45], [48.85, 48.85], 4326, code=["A", "B"])
    points = _frame([2.44], [48.85], 4326).to_crs(4807)
    result = nearest_sites(points, sites, id_column="code")
    assert result.loc[0, "id_1"] == "B"
    assert result.loc[0, "m_1"] == pytest.approx(GEOD.inv(2.44, 48.85, 2.45, 48.85)[2], abs=0.01)


def test_nearest_sites_refuses_other_geometries_with_the_frame_named():
    line = gpd.GeoDataFrame(geometry=gpd.GeoSeries.from_wkt(["LINESTRING (116 40, 116.1 40)"]), crs=4326)
    point = _frame([116.0], [40.0], 4326)
    _refused("points must be points", nearest_sites, line, point)
    _refused("sites must be points", nearest_sites, point, line)
    _refused("sites have no CRS: set one (e.g. EPSG:4326) before measuring", nearest_sites, point,
             gpd.GeoDataFrame(geometry=gpd.points_from_xy([116.0], [40.0])))
