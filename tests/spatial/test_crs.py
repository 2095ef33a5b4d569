import numpy as np
import pytest
import shapely

from planner.spatial.chinacoords import wgs84_to_gcj02
from planner.spatial.crs import (
    UnknownCRSError,
    geometries_to_wgs84,
    metric_crs_for,
    parse_crs,
    points_to_wgs84,
)


@pytest.mark.parametrize(("name", "label"), [
    (None, "wgs84"), ("", "wgs84"), ("WGS84", "wgs84"), ("EPSG:4326", "wgs84"), ("CGCS2000", "wgs84"),
    ("gcj02", "gcj02"), ("GCJ-02", "gcj02"), ("高德", "gcj02"), ("bd09", "bd09"), ("百度", "bd09"),
    ("EPSG:4547", "EPSG:4547"), ("4547", "EPSG:4547"),
])
def test_parse_crs_names(name, label):
    assert parse_crs(name).label == label


@pytest.mark.parametrize("name", ["mars", "EPSG:999999", "utm"])
def test_unknown_crs_is_an_error_naming_it(name):
    with pytest.raises(UnknownCRSError, match=name):
        parse_crs(name)


def test_epsg_points_convert_to_wgs84():
    # CGCS2000 / 3-degree GK CM 117E: a point 500 km east false easting at the meridian.
    lon, lat = points_to_wgs84([500000.0], [4440000.0], parse_crs("EPSG:4548"))
    assert abs(lon[0] - 117.0) < 1e-9 and 40.0 < lat[0] < 40.2


def test_gcj02_geometries_convert_back():
    wgs = shapely.Polygon([(116.6, 40.1), (116.7, 40.1), (116.7, 40.2), (116.6, 40.1)])
    coords = shapely.get_coordinates(wgs)
    glon, glat = wgs84_to_gcj02(coords[:, 0], coords[:, 1])
    gcj = shapely.Polygon(np.column_stack([glon, glat]))
    back = geometries_to_wgs84(np.array([gcj]), parse_crs("gcj02"))[0]
    assert np.abs(shapely.get_coordinates(back) - coords).max() < 1e-9


def test_metric_crs_is_the_gauss_kruger_zone_of_the_data():
    assert metric_crs_for([116.6], [40.1]).to_epsg() == 4548  # CM 117E
    assert metric_crs_for([104.0], [30.6]).to_epsg() == 4544  # CM 105E
    assert metric_crs_for([2.35], [48.85]).to_epsg() == 32631  # outside China: UTM
