"""Who is served: covered cells, per-area covered population, and the gaps between sites.

A cell is covered when its centre lies within the service distance (geodesic
metres) of a site. Gaps are the populated uncovered cells grouped into
8-connected clusters, largest population first: where to recruit next.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner.spatial.grid import PopulationGrid

__all__ = ["AreaCoverage", "area_coverage", "find_gaps", "population_centres", "served_cells", "status_of"]


def served_cells(grid: PopulationGrid, lon, lat, radius_m: float) -> np.ndarray:
    """How many of the sites have each cell centre within `radius_m` (grid-shaped int)."""
    lon = np.asarray(lon, float)
    if lon.size == 0:
        return np.zeros(grid.shape, np.int32)
    return grid.coverage_count(*grid.project(lon, lat), radius_m)


@dataclass(frozen=True)
class AreaCoverage:
    population: np.ndarray  # per area, people on the grid (census figure, spread)
    covered: np.ndarray  # per area, people in covered cells
    served_twice: np.ndarray  # per area, people within reach of two or more sites

    @property
    def share(self) -> np.ndarray:
        return np.divide(self.covered, self.population, out=np.zeros_like(self.covered),
                         where=self.population > 0)


def area_coverage(grid: PopulationGrid, served: np.ndarray, n_areas: int) -> AreaCoverage:
    population = grid.population
    return AreaCoverage(
        grid.area_sums(population, n_areas),
        grid.area_sums(np.where(served > 0, population, 0.0), n_areas),
        grid.area_sums(np.where(served > 1, population, 0.0), n_areas),
    )


def status_of(share: np.ndarray, population: np.ndarray, *, partly_share: float, covered_share: float):
    """'none', 'partly' or 'covered' per area (areas without people count as covered)."""
    status = np.where(share >= covered_share, "covered", np.where(share > partly_share, "partly", "none"))
    return np.where(population > 0, status, "covered")


def population_centres(grid: PopulationGrid, n_areas: int):
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


def find_gaps(grid: PopulationGrid, served: np.ndarray, *, min_population: float = 1.0):
    """Clusters of populated uncovered cells, largest population first.

    Returns (labels, table): labels is grid-shaped (0 = not a gap, k = gap k by
    rank); the table has gap, population, cells, lon, lat (population-weighted
    centre) and area (index of the area holding most of its people, -1 none).
    """
    labels, count = _label_within_areas((served == 0) & (grid.population > 0), grid.area_index)
    columns = ["gap", "population", "cells", "lon", "lat", "area"]
    if count == 0:
        return np.zeros(grid.shape, np.int32), pd.DataFrame(columns=columns)
    flat = labels.ravel()
    pop = grid.population.ravel()
    inside = flat > 0
    people = np.bincount(flat[inside], weights=pop[inside], minlength=count + 1)[1:]
    cells = np.bincount(flat[inside], minlength=count + 1)[1:]
    cx, cy = grid.cell_centres()
    cols = grid.shape[1]
    index = np.flatnonzero(inside)
    x = cx[index % cols]
    y = cy[index // cols]
    mx = np.bincount(flat[index], weights=pop[index] * x, minlength=count + 1)[1:] / people
    my = np.bincount(flat[index], weights=pop[index] * y, minlength=count + 1)[1:] / people
    lon, lat = grid.unproject(mx, my)
    area = _dominant_area(flat[index], grid.area_index.ravel()[index], pop[index], count)
    table = pd.DataFrame({"population": people, "cells": cells, "lon": lon, "lat": lat, "area": area})
    table = table[table["population"] >= min_population]
    order = table.sort_values(["population", "cells"], ascending=False).index.to_numpy()
    rank = np.zeros(count + 1, np.int32)
    rank[order + 1] = np.arange(1, order.size + 1)
    table = table.loc[order].reset_index(drop=True)
    table.insert(0, "gap", np.arange(1, len(table) + 1))
    return rank[labels], table[columns]


def _label_within_areas(mask: np.ndarray, area_index: np.ndarray):
    """8-connected components of `mask` that never cross an area boundary (labels 1..count)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    rows, cols = mask.shape
    cell = np.flatnonzero(mask.ravel())
    labels = np.zeros(rows * cols, np.int32)
    if cell.size == 0:
        return labels.reshape(mask.shape), 0
    position = np.full(rows * cols, -1, np.int64)
    position[cell] = np.arange(cell.size)
    area = area_index.ravel()
    r, c = cell // cols, cell % cols
    src, dst = [], []
    for dr, dc in ((0, 1), (1, -1), (1, 0), (1, 1)):  # each neighbour pair once
        rr, cc = r + dr, c + dc
        ok = (rr < rows) & (cc >= 0) & (cc < cols)
        other = np.where(ok, rr * cols + np.clip(cc, 0, cols - 1), 0)
        ok &= (position[other] >= 0) & (area[other] == area[cell])
        src.append(np.flatnonzero(ok))
        dst.append(position[other[ok]])
    src, dst = np.concatenate(src), np.concatenate(dst)
    graph = coo_matrix((np.ones(src.size, np.int8), (src, dst)), shape=(cell.size, cell.size))
    count, component = connected_components(graph, directed=False)
    labels[cell] = component + 1
    return labels.reshape(mask.shape), count


def _dominant_area(label, area, pop, count) -> np.ndarray:
    """For each gap label, the area with the most of its people (-1 when outside every area)."""
    frame = pd.DataFrame({"label": label, "area": area, "pop": pop})
    sums = frame.groupby(["label", "area"], sort=False)["pop"].sum().reset_index()
    best = sums.sort_values("pop", ascending=False).drop_duplicates("label")
    out = np.full(count, -1, dtype=np.int64)
    out[best["label"].to_numpy() - 1] = best["area"].to_numpy()
    return out
