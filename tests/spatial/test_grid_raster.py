"""A population raster put on the grid and scaled to each area's census, every cell counted by hand:
scaled areas, an area with census but no raster people, no census, a census of 0 and of 1, a raster
total under one person, a cell outside every area and a pixel outside the grid. The raster is in UTM
(east, north) and the grid in EPSG:4548 (north, east): axis order matters.

Written to kill the mutants `bench/mutation.py` found surviving in planner/spatial/grid.py."""

import numpy as np
from pyproj import CRS, Transformer

from planner.registry.population_raster import Raster
from planner.spatial.grid import PopulationGrid, apply_raster

CELL = 100.0
WEST, NORTH = 450_000.0, 4_430_000.0  # EPSG:4548 metres near 116.4°E, 40°N
AREAS = np.array([[0, 0, 1],
                  [2, 2, -1],
                  [3, 4, 4]], dtype=np.int32)
CENSUS = np.array([40.0, 30.0, np.nan, 0.0, 1.0])
EVEN = np.array([[20.0, 20.0, 30.0],  # the census spread evenly over each area's cells
                 [0.0, 0.0, 0.0],
                 [0.0, 0.5, 0.5]])
PEOPLE = np.array([[5.0, 15.0, 0.0, 100.0],  # the last column lies east of the grid
                   [7.0, 0.0, 4.0, 0.0],
                   [6.0, 0.5, 0.0, 0.0]])


def _utm_raster() -> Raster:
    """Pixels of one cell's size in UTM zone 50 (central meridian 117°E, like the grid's plane)."""
    to_utm = Transformer.from_crs(4548, 32650, always_xy=True)
    east, north = to_utm.transform(WEST + CELL / 2, NORTH - CELL / 2)  # centre of cell (0, 0)
    size = CELL * 0.9996  # UTM's scale at the central meridian
    transform = (size, 0.0, east - size / 2, 0.0, -size, north + size / 2)
    return Raster(PEOPLE, transform, CRS.from_epsg(32650).to_wkt(), "test")


def test_raster_people_are_scaled_to_each_census_figure():
    grid = PopulationGrid(CRS.from_epsg(4548), WEST, NORTH, CELL, EVEN.copy(), AREAS.copy())
    apply_raster(grid, _utm_raster(), CENSUS)
    # Area 0: raster 5 + 15 scaled to 40. Area 1: census, no raster people: the even spread stays.
    # Area 2: no census: the raster's 7. Outside every area: 4. Area 3: census 0 counts as none:
    # the raster's 6. Area 4: raster 0.5 scaled to its census of 1.
    assert grid.population.tolist() == [[10.0, 30.0, 30.0],
                                        [7.0, 0.0, 4.0],
                                        [6.0, 1.0, 0.0]]
