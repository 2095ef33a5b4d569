"""Walking service over a population grid: which cells sites reach on foot.

A cell is served when its centre is within the service distance of a site on
foot. Only cells that hold people are walked to (the others cannot change a
figure). Coverage counts, per cell, how many sites reach it (as the
straight-line `served_cells` counts discs, so "served twice" keeps its
meaning); the ranking takes each applicant's walking service area as a row of
cells.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.sparse import csr_matrix

from planner.roads.graph import RoadGraph
from planner.roads.reach import reach_on_foot
from planner.roads.snap import Snap, snap_points
from planner.spatial.arrays import Floats, Ints
from planner.spatial.grid import PopulationGrid

__all__ = ["PopulatedCells", "ServiceAreas", "populated_cells", "served_cells_on_foot", "service_areas_on_foot"]


@dataclass(frozen=True)
class ServiceAreas:
    reach: csr_matrix  # sites × populated cells
    rows: Ints  # grid row of each populated cell
    cols: Ints  # grid column

    def weights(self, values: Floats) -> Floats:
        """A grid-shaped layer read at the populated cells (the matrix's columns)."""
        return np.asarray(values)[self.rows, self.cols]


@dataclass(frozen=True)
class PopulatedCells:
    """The grid's populated cells joined to the road network (those within reach of a road only)."""

    rows: Ints
    cols: Ints
    snap: Snap


def populated_cells(grid: PopulationGrid, roads: RoadGraph, radius_m: float) -> PopulatedCells:
    """Populated cells whose centre is within about `radius_m` of a walkable road, joined to it."""
    rows, cols = np.nonzero(grid.population > 0)
    x, y = grid.cell_centres()
    cell_lon, cell_lat = grid.unproject(x[cols], y[rows])
    snap = snap_points(roads, cell_lon, cell_lat, within_m=radius_m)
    keep = np.flatnonzero(snap.joined)
    return PopulatedCells(rows[keep], cols[keep], snap.take(keep))


def service_areas_on_foot(grid: PopulationGrid, roads: RoadGraph, lon: ArrayLike, lat: ArrayLike,
                          radius_m: float, *, cells: PopulatedCells | None = None) -> ServiceAreas:
    """Each site's walking service area as a row of the populated cells it reaches within `radius_m`."""
    cells = cells if cells is not None else populated_cells(grid, roads, radius_m)
    reach = reach_on_foot(roads, lon, lat, cells.snap, radius_m)
    return ServiceAreas(reach, cells.rows, cells.cols)


def served_cells_on_foot(grid: PopulationGrid, roads: RoadGraph, lon: ArrayLike, lat: ArrayLike,
                         radius_m: float, *, cells: PopulatedCells | None = None) -> NDArray[np.int32]:
    """How many of the sites reach each cell centre on foot within `radius_m` (grid-shaped int)."""
    served = np.zeros(grid.shape, np.int32)
    if np.asarray(lon).size == 0 or not (grid.population > 0).any():
        return served
    areas = service_areas_on_foot(grid, roads, lon, lat, radius_m, cells=cells)
    served[areas.rows, areas.cols] = np.asarray(areas.reach.sum(axis=0)).ravel().astype(np.int32)
    return served
