"""Who is served: covered cells, per-area covered population, and the gaps between sites.

A cell is covered when its centre lies within the service distance (geodesic
metres) of a site. Gaps are the populated uncovered cells grouped into
8-connected clusters, largest population first: where to recruit next.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from planner.spatial.arrays import Floats
from planner.spatial.grid import PopulationGrid

__all__ = ["TILE_COLUMNS", "AreaCoverage", "area_coverage", "column_tiles", "find_gaps", "population_centres",
           "served_cells", "status_of", "tile_bins"]

# Per-area sums add the grid's columns tile by tile, so one process and a cluster add them alike
# (planner.coverage.spread sends a tile per task). Fixed by the grid alone, never by the workers.
TILE_COLUMNS = 1024


def served_cells(grid: PopulationGrid, lon: ArrayLike, lat: ArrayLike, radius_m: float) -> NDArray[np.int32]:
    """How many of the sites have each cell centre within `radius_m` (grid-shaped int)."""
    lon = np.asarray(lon, float)
    if lon.size == 0:
        return np.zeros(grid.shape, np.int32)
    return grid.coverage_count(*grid.project(lon, lat), radius_m)


@dataclass(frozen=True)
class AreaCoverage:
    population: Floats  # per area, people on the grid (census figure, spread)
    covered: Floats  # per area, people in covered cells
    served_twice: Floats  # per area, people within reach of two or more sites

    @property
    def share(self) -> Floats:
        return np.divide(self.covered, self.population, out=np.zeros_like(self.covered),
                         where=self.population > 0)


def column_tiles(cols: int, tile_columns: int = TILE_COLUMNS) -> list[tuple[int, int]]:
    """The grid's columns cut into tiles of `tile_columns` (the last one narrower): (first, end) each."""
    return [(first, min(first + tile_columns, cols)) for first in range(0, cols, tile_columns)]


def tile_bins(served: NDArray[np.integer[Any]], population: Floats, area_index: NDArray[np.int32],
              n_areas: int) -> Floats:
    """One tile's people binned by times served (0, 1, 2+) × (area + 1; slot 0: no area): (3, n_areas + 1)."""
    times = np.minimum(served.ravel(), 2).astype(np.int64)
    slot = times * (n_areas + 1) + area_index.ravel() + 1
    # numpy's stubs type every bincount as integers; with weights it gives floats.
    sums = cast(Floats, np.bincount(slot, weights=population.ravel(), minlength=3 * (n_areas + 1)))
    return sums.reshape(3, n_areas + 1)


def area_coverage(grid: PopulationGrid, served: NDArray[np.integer[Any]], n_areas: int, *,
                  tile_columns: int = TILE_COLUMNS, bins: Sequence[Floats] | None = None) -> AreaCoverage:
    """Per area: people, people covered, people within reach of two or more sites.

    Summed tile by tile (`column_tiles`), the tiles' bins added in order: a run partitioned on a cluster
    (planner.coverage.spread) bins the same tiles on its workers and passes their `bins`, and gets the
    very numbers one process gets. Areas smaller than a cell then take their share of their host cell.
    """
    if bins is None:
        bins = [tile_bins(served[:, first:end], grid.population[:, first:end], grid.area_index[:, first:end],
                          n_areas) for first, end in column_tiles(grid.shape[1], tile_columns)]
    sums = np.zeros((3, n_areas + 1))
    for part in bins:
        sums += part
    sums = sums[:, 1:]
    population, covered, twice = sums.sum(axis=0), sums[1] + sums[2], sums[2].copy()
    if grid.orphan_area.size:
        people = grid.population.ravel()[grid.orphan_cell]
        times = served.ravel()[grid.orphan_cell]
        grid.move_orphans(population, people)
        grid.move_orphans(covered, np.where(times > 0, people, 0.0))
        grid.move_orphans(twice, np.where(times > 1, people, 0.0))
    return AreaCoverage(population, covered, twice)


def status_of(share: Floats, population: Floats, *, partly_share: float,
              covered_share: float) -> NDArray[np.str_]:
    """'none', 'partly' or 'covered' per area (areas without people count as covered)."""
    status = np.where(share >= covered_share, "covered", np.where(share > partly_share, "partly", "none"))
    return np.where(population > 0, status, "covered")


def population_centres(grid: PopulationGrid, n_areas: int) -> tuple[Floats, Floats]:
    """Population-weighted centre (lon, lat) of each area; NaN for areas without people on the grid."""
    cx, cy = grid.cell_centres()
    x = np.broadcast_to(cx[None, :], grid.shape)
    y = np.broadcast_to(cy[:, None], grid.shape)
    weight = grid.area_sums(grid.population, n_areas)
    sx = grid.area_sums(grid.population * x, n_areas)
    sy = grid.area_sums(grid.population * y, n_areas)
    with np.errstate(invalid="ignore", divide="ignore"):
        mx, my = sx / weight, sy / weight
    lon, lat = grid.unproject(mx, my)
    lon = np.where(weight > 0, lon, np.nan)
    lat = np.where(weight > 0, lat, np.nan)
    return lon, lat


def find_gaps(grid: PopulationGrid, served: NDArray[np.integer[Any]], *,
              min_population: float = 1.0) -> tuple[NDArray[np.int32], pd.DataFrame]:
    """Clusters of populated uncovered cells, largest population first.

    A gap is the part of one area inside one 8-connected uncovered region:
    regions are split at area boundaries, so every gap names its village or
    community. Returns (labels, table): labels is grid-shaped (0 = not a
    gap, k = gap of rank k); the table has gap, population, cells, lon, lat
    (population-weighted centre) and area (index, -1 outside every area).
    """
    from scipy import ndimage

    columns = ["gap", "population", "cells", "lon", "lat", "area"]
    mask = (served == 0) & (grid.population > 0)
    region, count = ndimage.label(mask, structure=np.ones((3, 3), bool))
    if count == 0:
        return np.zeros(grid.shape, np.int32), pd.DataFrame(columns=columns)
    # Boolean selection and np.nonzero walk the grid in order: much faster than fancy indexing.
    row, col = np.nonzero(mask)
    area_of_cell = grid.area_index[mask]
    span = np.int64(int(area_of_cell.max()) + 2)
    key = region[mask].astype(np.int64)
    key *= span
    key += area_of_cell
    key += 1
    label, keys = pd.factorize(key, sort=False)
    count = keys.size
    pop = grid.population[mask]
    people = np.bincount(label, weights=pop, minlength=count)
    cells = np.bincount(label, minlength=count)
    cx, cy = grid.cell_centres()
    mx = np.bincount(label, weights=pop * cx[col], minlength=count) / people
    my = np.bincount(label, weights=pop * cy[row], minlength=count) / people
    lon, lat = grid.unproject(mx, my)
    area = np.asarray(keys) % span - 1
    table = pd.DataFrame({"population": people, "cells": cells, "lon": lon, "lat": lat, "area": area})
    table = table[table["population"] >= min_population]
    order = table.sort_values(["population", "cells"], ascending=False, kind="stable").index.to_numpy()
    rank = np.zeros(count, np.int32)
    rank[order] = np.arange(1, order.size + 1)
    labels = np.zeros(grid.shape, np.int32)
    labels[mask] = rank[label]
    table = table.loc[order].reset_index(drop=True)
    table.insert(0, "gap", np.arange(1, len(table) + 1))
    return labels, table[columns]
