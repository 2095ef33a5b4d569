import numpy as np
import shapely

from planner.spatial.geodesic import geodesic_distance
from planner.spatial.grid import build_population_grid


def _grid():
    areas = [shapely.box(116.50, 40.00, 116.56, 40.05), shapely.box(116.56, 40.00, 116.60, 40.05),
             shapely.box(116.5800, 40.0600, 116.5803, 40.0602)]  # too small to hold a cell centre
    return build_population_grid(areas, [60_000, 4_000, 77], cell_m=100)


def _brute(grid, lon, lat, radius, values):
    cx, cy = grid.cell_centres()
    gx, gy = np.meshgrid(cx, cy)
    clon, clat = grid.unproject(gx.ravel(), gy.ravel())
    return np.array([values.ravel()[geodesic_distance(clon, clat, x, y) <= radius].sum() for x, y in zip(lon, lat)])


def test_totals_are_kept_including_tiny_areas():
    grid = _grid()
    assert abs(grid.population.sum() - 64_077) < 1e-6
    assert grid.crs.to_epsg() == 4548


def test_disc_sums_equal_a_brute_force_geodesic_count():
    grid = _grid()
    lon = np.array([116.53, 116.56, 116.50, 116.61])
    lat = np.array([40.02, 40.05, 40.00, 40.03])
    x, y = grid.project(lon, lat)
    for radius in (300.0, 500.0, 2000.0):
        assert np.allclose(grid.disc_sums(grid.population, x, y, radius),
                           _brute(grid, lon, lat, radius, grid.population))


def test_coverage_count_marks_cells_within_each_radius():
    grid = _grid()
    lon, lat = np.array([116.53, 116.535]), np.array([40.02, 40.02])
    counts = grid.coverage_count(*grid.project(lon, lat), 500.0)
    ones = np.ones(grid.shape)
    brute = sum(_brute(grid, [a], [b], 500.0, ones) for a, b in zip(lon, lat))
    assert counts.sum() == brute.sum()
    assert counts.max() == 2  # cells served twice
