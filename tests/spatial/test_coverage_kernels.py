"""The coverage kernels on a 3 × 4 grid whose every figure is counted by hand: people served once,
twice and three times, an area smaller than a cell, the status thresholds themselves, gaps split at
area borders and ranked, weighted centres.

Written to kill the mutants `bench/mutation.py` found surviving in planner/spatial/coverage.py."""

import warnings

import numpy as np
import pytest
from pyproj import CRS

from planner.spatial.coverage import (
    area_coverage,
    find_gaps,
    population_centres,
    served_cells,
    status_of,
)
from planner.spatial.grid import PopulationGrid

CELL = 100.0
WEST, NORTH = 450_000.0, 4_430_000.0  # EPSG:4548 metres near 116.4°E, 40°N
PEOPLE = np.array([[1.0, 2.0, 3.0, 4.0],
                   [5.0, 6.0, 7.0, 8.0],
                   [9.0, 10.0, 11.0, 12.0]])
AREAS = np.array([[0, 0, 1, 1],
                  [0, 0, 1, 1],
                  [-1, 2, 2, -1]], dtype=np.int32)
# How many sites reach each cell centre.
SERVED = np.array([[0, 1, 2, 3],
                   [1, 0, 0, 2],
                   [0, 1, 1, 0]])


def _grid(**orphans) -> PopulationGrid:
    return PopulationGrid(CRS.from_epsg(4548), WEST, NORTH, CELL, PEOPLE.copy(), AREAS.copy(), **orphans)


def _centre(row, col):
    return WEST + (col + 0.5) * CELL, NORTH - (row + 0.5) * CELL


def test_one_pass_counts_people_served_once_twice_and_three_times():
    # Area 0: 1 + 2 + 5 + 6 people, 2 + 5 served once. Area 1: 3 + 4 + 7 + 8, 3 (twice), 4 (three
    # times) and 8 (twice) served. Area 2: 10 + 11, each served once. The 9 and 12 are in no area.
    result = area_coverage(_grid(), SERVED, 3)
    assert result.population.tolist() == [14.0, 22.0, 21.0]
    assert result.covered.tolist() == [7.0, 15.0, 21.0]
    assert result.served_twice.tolist() == [0.0, 15.0, 0.0]
    assert result.share.tolist() == [0.5, 15.0 / 22.0, 1.0]


def test_an_area_smaller_than_a_cell_takes_its_share_of_the_host_cell():
    # Area 3 holds 2 of the 4 people of cell (0, 3), which is labelled area 1 and served three times.
    grid = _grid(orphan_area=np.array([3]), orphan_cell=np.array([3]), orphan_population=np.array([2.0]))
    result = area_coverage(grid, SERVED, 4)
    assert result.population.tolist() == [14.0, 20.0, 21.0, 2.0]
    assert result.covered.tolist() == [7.0, 13.0, 21.0, 2.0]
    assert result.served_twice.tolist() == [0.0, 13.0, 0.0, 2.0]


def test_an_area_without_people_has_share_zero_and_counts_as_covered():
    result = area_coverage(_grid(), SERVED, 4)
    assert result.population.tolist()[3] == 0.0 and result.share.tolist()[3] == 0.0
    share = np.array([0.95, 0.9, 0.5, 0.2, 0.1, 0.0, 0.0])
    population = np.array([10.0, 10.0, 10.0, 10.0, 10.0, 0.0, 0.5])
    assert status_of(share, population, partly_share=0.2, covered_share=0.9).tolist() == [
        "covered", "covered", "partly", "none", "none", "covered", "none"]


def test_served_cells_count_the_sites_reaching_each_centre():
    grid = _grid()
    assert served_cells(grid, [], [], 500.0).tolist() == np.zeros((3, 4), np.int32).tolist()
    assert served_cells(grid, [], [], 500.0).dtype == np.int32
    lon, lat = grid.unproject(*_centre(1, 2))
    # 60 m reaches only the centre under the sites (the next centres are 100 m away).
    counts = served_cells(grid, [float(lon), float(lon)], [float(lat), float(lat)], 60.0)
    expected = np.zeros((3, 4), int)
    expected[1, 2] = 2
    assert counts.tolist() == expected.tolist()


def test_gaps_split_at_area_borders_ranked_by_people_then_cells():
    # Unserved populated cells: (0,0) 1 and (1,1) 6 in area 0, (1,2) 7 in area 1, (2,0) 9 and (2,3) 12
    # outside every area: one 8-connected region, three gaps.
    grid = _grid()
    labels, table = find_gaps(grid, SERVED)
    assert labels.dtype == np.int32 and labels.tolist() == [[2, 0, 0, 0], [0, 2, 3, 0], [1, 0, 0, 1]]
    assert table[["gap", "population", "cells", "area"]].values.tolist() == [
        [1, 21.0, 2, -1], [2, 7.0, 2, 0], [3, 7.0, 1, 1]]
    centres = [((9 * _centre(2, 0)[0] + 12 * _centre(2, 3)[0]) / 21, _centre(2, 0)[1]),
               ((1 * _centre(0, 0)[0] + 6 * _centre(1, 1)[0]) / 7, (1 * _centre(0, 0)[1] + 6 * _centre(1, 1)[1]) / 7),
               _centre(1, 2)]
    lon, lat = grid.unproject([c[0] for c in centres], [c[1] for c in centres])
    assert table["lon"].tolist() == pytest.approx(list(lon), abs=1e-9)
    assert table["lat"].tolist() == pytest.approx(list(lat), abs=1e-9)


def test_gaps_below_the_minimum_population_are_dropped_from_table_and_labels():
    labels, table = find_gaps(_grid(), SERVED, min_population=8.0)
    assert labels.tolist() == [[0, 0, 0, 0], [0, 0, 0, 0], [1, 0, 0, 1]]
    assert table[["gap", "population", "cells", "area"]].values.tolist() == [[1, 21.0, 2, -1]]
    labels, table = find_gaps(_grid(), SERVED, min_population=7.0)  # the minimum itself is kept
    assert table["population"].tolist() == [21.0, 7.0, 7.0]
    labels, table = find_gaps(_grid(), np.ones((3, 4), int))
    assert labels.dtype == np.int32 and not labels.any()
    assert list(table.columns) == ["gap", "population", "cells", "lon", "lat", "area"]
    assert len(table) == 0


def test_population_centres_weight_cells_by_people():
    grid = _grid()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an area without people is NaN without a 0 / 0 warning
        lon, lat = population_centres(grid, 4)
    x = (1 * _centre(0, 0)[0] + 2 * _centre(0, 1)[0] + 5 * _centre(1, 0)[0] + 6 * _centre(1, 1)[0]) / 14
    y = (1 * _centre(0, 0)[1] + 2 * _centre(0, 1)[1] + 5 * _centre(1, 0)[1] + 6 * _centre(1, 1)[1]) / 14
    expected = grid.unproject(x, y)
    assert (lon[0], lat[0]) == pytest.approx((float(expected[0]), float(expected[1])), abs=1e-9)
    assert np.isnan(lon[3]) and np.isnan(lat[3]) and np.isfinite(lon[:3]).all()
    # Half a person still has a centre: the cell's.
    half = PopulationGrid(CRS.from_epsg(4548), WEST, NORTH, CELL, np.array([[0.5]]), np.zeros((1, 1), np.int32))
    lon, lat = population_centres(half, 1)
    expected = half.unproject(*_centre(0, 0))
    assert (lon[0], lat[0]) == pytest.approx((float(expected[0]), float(expected[1])), abs=1e-9)


def test_one_site_is_counted_too():
    grid = _grid()
    lon, lat = grid.unproject(*_centre(0, 0))
    expected = np.zeros((3, 4), int)
    expected[0, 0] = 1
    assert served_cells(grid, [float(lon)], [float(lat)], 60.0).tolist() == expected.tolist()


def test_cells_without_people_are_no_gap_and_do_not_join_gaps():
    # One row: 1 person, nobody, 7 people, none served: two gaps of one cell each, not one of three;
    # by default a gap of one person counts.
    grid = PopulationGrid(CRS.from_epsg(4548), WEST, NORTH, CELL, np.array([[1.0, 0.0, 7.0]]),
                          np.zeros((1, 3), np.int32))
    labels, table = find_gaps(grid, np.zeros((1, 3), int))
    assert labels.tolist() == [[2, 0, 1]]
    assert table[["gap", "population", "cells", "area"]].values.tolist() == [[1, 7.0, 1, 0], [2, 1.0, 1, 0]]


def test_gaps_that_tie_go_in_reading_order():
    # One region across two areas, 3 people each: the gap met first (north-west) ranks first.
    grid = PopulationGrid(CRS.from_epsg(4548), WEST, NORTH, CELL, np.array([[3.0, 3.0]]),
                          np.array([[1, 0]], np.int32))
    labels, table = find_gaps(grid, np.zeros((1, 2), int))
    assert labels.tolist() == [[1, 2]] and table["area"].tolist() == [1, 0]
