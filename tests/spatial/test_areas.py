"""Which polygon holds each point (planner.spatial.areas), on shapes drawn by hand."""

from __future__ import annotations

import numpy as np
import shapely

from planner.spatial.areas import containing_area, stations_per_area

TRIANGLE = shapely.Polygon([(0, 0), (4, 0), (0, 4)])  # its bounding box also holds (3, 3), the triangle does not
SQUARE = shapely.box(0, 0, 2, 2)  # inside the triangle's corner: (1, 1) lies in both


def test_a_point_in_the_box_of_a_shape_but_outside_it_is_in_none():
    assert containing_area(np.array([TRIANGLE], object), [1.0, 3.0], [1.0, 3.0]).tolist() == [0, -1]


def test_a_single_polygon_holds_its_points_and_the_boundary_is_outside():
    assert containing_area(np.array([SQUARE], object), [1.0, 2.0, 5.0], [1.0, 1.0, 5.0]).tolist() == [0, -1, -1]


def test_overlapping_shapes_give_the_first_in_order():
    shapes = np.array([SQUARE, TRIANGLE], object)
    assert containing_area(shapes, [1.0, 2.5], [1.0, 0.5]).tolist() == [0, 1]
    assert containing_area(shapes[::-1], [1.0], [1.0]).tolist() == [0]


def test_points_without_a_position_are_in_none():
    shapes = np.array([SQUARE], object)
    assert containing_area(shapes, [1.0, None, float("nan")], [1.0, 1.0, 1.0]).tolist() == [0, -1, -1]
    assert containing_area(shapes, [None], [None]).tolist() == [-1]
    assert containing_area(np.array([], object), [1.0], [1.0]).tolist() == [-1]


def test_stations_are_counted_per_area():
    assert stations_per_area(np.array([0, 2, 2, -1]), 4).tolist() == [1, 0, 2, 0]
