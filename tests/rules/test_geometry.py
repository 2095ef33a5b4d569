"""The one rule set itself: edges of the ranges, which fault wins, what a repair keeps."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely

from planner.errors import UsageError
from planner.rules.geometry import (
    area_repairs,
    conversion_faults,
    coordinate_faults,
    position_faults,
    require_position,
    shape_faults,
    usable_geometries,
    usable_positions,
)


def test_the_ranges_include_their_edges_and_nothing_beyond():
    lon = np.array([180.0, -180.0, 0.0, 180.0000001, 0.0, math.nan, math.inf, 1e308])
    lat = np.array([90.0, -90.0, 0.0, 0.0, -90.0000001, 0.0, 0.0, 1e308])
    assert usable_positions(lon, lat).tolist() == [True, True, True, False, False, False, False, False]
    assert sorted(position_faults(lon, lat)) == [3, 4, 5, 6, 7]


def test_each_position_gets_the_fault_that_explains_it():
    faults = position_faults([math.nan, 40.1, 200.0, 116.6], [40.1, 116.6, 40.1, -95.0])
    assert faults[0].en == "(nan, 40.1) is not a finite longitude/latitude"
    assert faults[1].en == "longitude 40.1 and latitude 116.6 look swapped"
    assert faults[2].en.startswith("(200.0, 40.1) is not a longitude/latitude in degrees")
    assert faults[3].en.startswith("(116.6, -95.0) is not a longitude/latitude in degrees")
    converted = position_faults([40.1], [116.6], converted_from="EPSG:4547")[0]  # nobody typed these: no swap
    assert "not a longitude/latitude" in converted.en and converted.en.endswith("after conversion from EPSG:4547")
    assert converted.zh.endswith("（由 EPSG:4547 转换后）")


def test_require_position_names_the_field_in_both_languages():
    assert require_position(116, 40) == (116.0, 40.0)
    with pytest.raises(UsageError) as info:
        require_position(math.inf, 40, where="lon/lat")
    assert info.value.message("en").startswith("lon/lat: (inf, 40.0)") and "有限" in info.value.message("zh")


def test_shapes_and_vertices():
    line = shapely.LineString([(116, 40), (116.1, 40.1)])
    assert shape_faults([shapely.Point(1, 2), line, None, shapely.Point()], "point") == {
        1: shape_faults([line], "point")[0], 2: shape_faults([None], "point")[0], 3: shape_faults([None], "point")[0]}
    assert shape_faults([line], "area")[0].en == "LineString where Polygon or MultiPolygon is expected"
    box = shapely.box(116, 40, 116.1, 40.1)
    with np.errstate(invalid="ignore"):  # shapely warns when it builds what we test
        bad = shapely.from_wkt("POLYGON ((116 40, 116.1 40, 116.1 NaN, 116 40))")
    faults = coordinate_faults([box, bad])
    assert list(faults) == [1] and faults[1].en == "vertex (116.1, nan) is not a finite longitude/latitude"
    assert coordinate_faults([shapely.Point(500_000, 4_400_000)], degrees=False) == {}
    assert usable_geometries([box, bad, None, shapely.Polygon()]).tolist() == [True, False, False, False]


def test_a_repair_keeps_only_the_polygonal_parts_and_a_flat_polygon_is_refused():
    spike = shapely.Polygon([(116.60, 40.10), (116.62, 40.10), (116.62, 40.12), (116.61, 40.12), (116.61, 40.13),
                             (116.61, 40.12), (116.60, 40.12), (116.60, 40.10)])
    assert shapely.make_valid(spike).geom_type == "GeometryCollection"  # a polygon and a line
    flat = shapely.Polygon([(116.60, 40.10), (116.61, 40.11), (116.62, 40.12), (116.60, 40.10)])
    box = shapely.box(116, 40, 116.1, 40.1)
    geoms, faults, repairs = area_repairs([box, spike, flat])
    assert list(repairs) == [1] and "1 polygon part(s) kept" in repairs[1].en
    assert geoms[1].geom_type == "MultiPolygon" and geoms[1].equals(shapely.box(116.60, 40.10, 116.62, 40.12))
    assert list(faults) == [2] and "no area" in faults[2].en
    assert geoms[0].geom_type == "MultiPolygon" and geoms[0].equals(box)


def test_a_conversion_must_come_back():
    def identity(lon, lat):
        return lon, lat

    def wrapped(lon, lat):  # what a projection outside its domain does
        return np.asarray(lon) + 360.0, lat

    assert conversion_faults([116.0], [40.0], [116.0], [40.0], identity, "EPSG:4490") == {}
    faults = conversion_faults([116.0], [40.0], [116.0], [40.0], wrapped, "EPSG:3857")
    assert faults[0].en == "(116.0, 40.0) is outside the area where EPSG:3857 converts to longitude/latitude"
