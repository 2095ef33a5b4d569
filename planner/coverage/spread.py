"""Coverage's served cells and per-area sums computed tile by tile on a Dask cluster, with the numbers one
process gives.

The grid's columns are cut into fixed tiles (planner.spatial.coverage.column_tiles: a number of columns
set by the grid alone, never by the workers). A tile's task gets the tile's people and area labels, the
whole grid's frame, and the sites whose disc can reach the tile: x within the service distance, stretched
by the plane's largest scale factor over the sites (and a little), plus a cell, of the tile's edges. It
returns the tile's served counts, the whole grid's disc spans clipped to its columns
(GridPlane.coverage_count's `columns`: exactly the whole grid's counts there, the same integers), and its
people binned by times served × area (tile_bins). One process bins the same tiles and adds them in the
same order (area_coverage), so the per-area figures are identical bit for bit, whatever the workers.

The caller assembles the whole served grid and labels the gaps once (find_gaps), as one process does: the
report's maps and GeoPackage need the whole grid anyway. Tasks carry their arrays (nothing is scattered),
so Dask can run a task again on another worker when one is lost. Progress shows per tile on a terminal.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from planner.spatial.coverage import TILE_COLUMNS, column_tiles, tile_bins
from planner.spatial.grid import GridFrame, PopulationGrid
from planner.tasks import in_order

__all__ = ["Spread", "reach"]


@dataclass(frozen=True)
class TileAnswer:
    """A tile's answer, numbers only."""

    served: NDArray[np.int32]  # (rows, the tile's columns)
    bins: np.ndarray  # (3, n_areas + 1): people by times served (0, 1, 2+) × (area + 1)
    seconds: float  # the task's own time on its worker


def reach(frame: GridFrame, x: np.ndarray, y: np.ndarray, radius_m: float) -> float:
    """Plane metres beyond which no site's disc reaches a cell centre: the radius at the largest scale
    factor over the sites, a thousandth more, and a cell."""
    ok = np.isfinite(x) & np.isfinite(y)
    stretch = float(np.nanmax(frame.scale_factor(x[ok], y[ok]), initial=1.0))
    return radius_m * max(stretch, 1.0) * 1.001 + frame.cell_m


def _tile(frame: GridFrame, columns: tuple[int, int], x: np.ndarray, y: np.ndarray, radius_m: float,
          population: np.ndarray, area_index: np.ndarray, n_areas: int) -> TileAnswer:
    """A tile's served counts and binned people (runs on a worker)."""
    started = time.perf_counter()
    served = frame.coverage_count(x, y, radius_m, columns=columns)
    return TileAnswer(served, tile_bins(served, population, area_index, n_areas), time.perf_counter() - started)


class Spread:
    """Computes the straight-line served cells and their tiles' sums on a Dask `client` (a distributed.Client)."""

    def __init__(self, client: Any, *, shared_files: bool = False) -> None:
        self.client = client
        self.shared_files = shared_files  # kept for planner.cli.cluster: the tasks carry all they need anyway
        self.seconds: list[float] = []  # each tile's own time in the last run

    def __call__(self, grid: PopulationGrid, lon: np.ndarray, lat: np.ndarray, radius_m: float, n_areas: int, *,
                 tile_columns: int = TILE_COLUMNS) -> tuple[NDArray[np.int32], list[np.ndarray]]:
        """(served, the tiles' bins in tile order), for planner.spatial.coverage.area_coverage."""
        rows, cols = grid.shape
        frame = GridFrame(grid.crs, grid.west, grid.north, grid.cell_m, rows, cols)
        lon, lat = np.asarray(lon, float), np.asarray(lat, float)
        x, y = grid.project(lon, lat) if lon.size else (np.empty(0), np.empty(0))  # as served_cells does
        x, y = np.asarray(x, float), np.asarray(y, float)
        halo = reach(frame, x, y, radius_m)
        tiles = column_tiles(cols, tile_columns)

        def submit(k: int) -> Any:
            first, end = tiles[k]
            near = (np.isfinite(y) & (x >= grid.west + first * grid.cell_m - halo)
                    & (x <= grid.west + end * grid.cell_m + halo))
            with warnings.catch_warnings():  # tasks carry their arrays on purpose: a lost worker's task can rerun
                warnings.filterwarnings("ignore", message=".*large graph", category=UserWarning)
                return self.client.submit(_tile, frame, (first, end), x[near], y[near], radius_m,
                                          np.ascontiguousarray(grid.population[:, first:end]),
                                          np.ascontiguousarray(grid.area_index[:, first:end]), n_areas,
                                          pure=False, retries=3)

        answers = self._gather(submit, len(tiles))
        self.seconds = [answer.seconds for answer in answers]
        served = np.empty(grid.shape, np.int32)
        for (first, end), answer in zip(tiles, answers):
            served[:, first:end] = answer.served
        return served, [answer.bins for answer in answers]

    def _gather(self, submit: Callable[[int], Any], count: int) -> list[TileAnswer]:
        """The answers of tasks 0 … count − 1, in that order (planner.tasks.in_order: a few in flight; the
        tiles are all gathered anyway, so an early answer does not hold back the next task)."""
        return list(in_order(self.client, submit, count, "tiles", hold_early=False))
