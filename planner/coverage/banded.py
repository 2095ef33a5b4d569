"""Coverage of a grid too large to hold, band by band of rows (issue #14: a province, the whole country).

A country's 100 m grid has about 3·10⁹ cells, mostly empty: far more than memory holds as one array. Here
the grid comes band by band of rows (planner.spatial.bands.GridBands: each band's people and area labels
are the whole grid's there), each band's served counts from the sites whose discs can reach it
(GridPlane.coverage_count with `rows`: the whole grid's counts there), and only per-area sums and per-gap
pieces are kept (planner.spatial.band_sums, planner.spatial.band_gaps). Memory follows one band, the areas
and the gaps, never the grid. Straight-line profiles only: serving on foot needs the whole grid.

With a Dask cluster (planner.coverage.spread.Spread) the bands' people, labels, served counts and gap
regions are built on the workers (planner.coverage.band_spread) and come back as their populated cells and
gap pieces; the sums are added and the gaps joined here, band after band, as without one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner.coverage.band_spread import spread_bands
from planner.coverage.spread import Spread
from planner.spatial.arrays import Floats, Ints
from planner.spatial.band_gaps import BandGaps
from planner.spatial.band_sums import BandSums
from planner.spatial.bands import BandSites, GridBands
from planner.spatial.coverage import TILE_COLUMNS, AreaCoverage
from planner.spatial.grid import GridFrame, PeopleRaster

__all__ = ["BandedCoverage", "banded_coverage"]


@dataclass(frozen=True)
class BandedCoverage:
    """What `compute_coverage` needs of the grid: per-area sums and centres, and the gaps (find_gaps' table)."""

    frame: GridFrame
    stats: AreaCoverage
    lon: Floats  # per area, population-weighted centre; NaN without people on the grid
    lat: Floats
    gaps: pd.DataFrame
    bands: int


def banded_coverage(geometries, population, site_lon, site_lat, radius_m: float, *, cell_m: float,
                    raster: PeopleRaster | None = None, tile_columns: int = TILE_COLUMNS,
                    spread: Spread | None = None) -> BandedCoverage:
    """Per-area coverage, centres and gaps of the grid `build_population_grid` would build for these areas
    (WGS84 polygons, census people; `raster`: a population raster), served by the sites within `radius_m`,
    computed band by band (planner.spatial.bands.BAND_CELLS cells a band). The per-area figures are those
    `area_coverage` (over column tiles of `tile_columns`) and `population_centres` give, bit for bit.
    `spread` (planner.coverage.spread.Spread): the bands are built on its Dask workers
    (planner.coverage.band_spread) and added here in the same order, so the figures are the same."""
    geometries = np.asarray(geometries, dtype=object)
    population = np.asarray(population, float)
    bands = GridBands.build(geometries, population, cell_m=cell_m, margin_m=radius_m, raster=raster)
    frame = bands.frame
    sites = BandSites(frame, site_lon, site_lat, radius_m)
    sums = BandSums(frame, population.size, bands.orphan_cell, area_tiles=_area_tiles(bands, population.size,
                                                                                      tile_columns),
                    tile_columns=tile_columns)
    gaps = BandGaps(frame)
    count = 0
    if spread is None:
        for first, end in bands.bands():
            people, labels = bands.band(first, end)
            served = sites.count(first, end)
            sums.add(first, people, labels, served)
            gaps.add(first, people, labels, served)
            count += 1
            del people, labels, served
    else:
        for first, answer in spread_bands(spread, bands, sites):
            sums.add_populated(first, answer.cells)
            gaps.add_pieces(first, answer.gaps)
            count += 1
            del answer
    stats = sums.coverage(bands.orphan_area, bands.orphan_population)
    lon, lat = sums.centres(bands.orphan_area, bands.orphan_population)
    return BandedCoverage(frame, stats, lon, lat, gaps.table(), count)


def _area_tiles(bands: GridBands, n_areas: int, tile_columns: int) -> tuple[Ints, Ints]:
    """Per area, the first and last column tile its cells can lie in: from its polygon's extent in the plane,
    a cell wider each side."""
    frame, edges = bands.frame, bands.edges
    west = np.full(n_areas, np.inf)
    east = np.full(n_areas, -np.inf)
    np.minimum.at(west, edges.owner, edges.x1)
    np.maximum.at(east, edges.owner, edges.x1)
    last = max(0, (frame.shape[1] - 1) // tile_columns)
    known = np.isfinite(west) & np.isfinite(east)
    first_col = np.floor((np.where(known, west, frame.west) - frame.west) / frame.cell_m) - 1
    last_col = np.floor((np.where(known, east, frame.west) - frame.west) / frame.cell_m) + 1
    low = np.where(known, np.clip(first_col // tile_columns, 0, last), 0).astype(np.int64)
    high = np.where(known, np.clip(last_col // tile_columns, 0, last), last).astype(np.int64)
    return low, high
