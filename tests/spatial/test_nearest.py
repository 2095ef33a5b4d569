import geopandas as gpd
import numpy as np
import pytest

from planner.spatial.geodesic import GEOD
from planner.spatial.nearest import SiteIndex, nearest_sites


def _brute_force(lon, lat, site_lon, site_lat, k):
    order, dist = [], []
    for x, y in zip(lon, lat):
        d = GEOD.inv(np.full(site_lon.size, x), np.full(site_lon.size, y), site_lon, site_lat)[2]
        idx = np.argsort(d, kind="stable")[:k]
        order.append(idx)
        dist.append(d[idx])
    return np.array(order), np.array(dist)


@pytest.mark.parametrize("k", [1, 3])
def test_matches_brute_force_geodesic_oracle(k):
    rng = np.random.default_rng(5)
    site_lon, site_lat = rng.uniform(102, 108, 3000), rng.uniform(28, 33, 3000)
    lon, lat = rng.uniform(101, 109, 400), rng.uniform(27, 34, 400)
    result = SiteIndex(site_lon, site_lat).query(lon, lat, k=k)
    order, dist = _brute_force(lon, lat, site_lon, site_lat, k)
    assert np.max(np.abs(result.distance_m - dist)) < 0.1
    assert (result.index == order).mean() > 0.999  # only exact ties may differ


def test_far_sparse_sites_are_ordered_by_the_ellipsoid():
    index = SiteIndex([100.0, 110.0], [30.0, 40.0])
    result = index.query([105.0], [35.0], k=3)
    reference = GEOD.inv([105.0, 105.0], [35.0, 35.0], [100.0, 110.0], [30.0, 40.0])[2]
    assert result.index.tolist() == [[1, 0, -1]]
    assert np.allclose(result.distance_m[0, :2], [reference[1], reference[0]], atol=0.01)
    assert np.isinf(result.distance_m[0, 2])


def test_missing_query_points_give_no_neighbour():
    result = SiteIndex([116.6], [40.1]).query([np.nan, 116.61], [40.1, 40.1])
    assert result.index[:, 0].tolist() == [-1, 0] and np.isnan(result.distance_m[0, 0])


def test_empty_site_set():
    result = SiteIndex([], []).query([116.6], [40.1], k=2)
    assert result.index.tolist() == [[-1, -1]] and np.isinf(result.distance_m).all()


def test_refuses_projected_coordinates():
    with pytest.raises(ValueError, match="not longitude/latitude"):
        SiteIndex([500000.0], [4440000.0])


def test_geodataframe_adapter_converts_projected_input_and_returns_ids():
    sites = gpd.GeoDataFrame({"code": ["A", "B"]}, geometry=gpd.points_from_xy([116.60, 116.70], [40.1, 40.1]),
                             crs=4326)
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy([116.61, 116.69], [40.1, 40.1]), crs=4326,
                              index=[10, 20]).to_crs(4548)
    result = nearest_sites(points, sites, k=2, id_column="code")
    assert result.loc[10, "id_1"] == "A" and result.loc[20, "id_1"] == "B"
    expected = GEOD.inv(116.61, 40.1, 116.60, 40.1)[2]
    assert abs(result.loc[10, "m_1"] - expected) < 0.01


def test_adapter_refuses_frames_without_crs():
    frame = gpd.GeoDataFrame(geometry=gpd.points_from_xy([116.6], [40.1]))
    with pytest.raises(ValueError, match="no CRS"):
        nearest_sites(frame, frame)
