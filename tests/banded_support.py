"""The banded coverage tests' district and grids (tests/coverage/test_banded*.py): a registry whose grid is
forced band by band, the same district's areas as bare polygons with a population raster over part of it, and a
small random grid with areas smaller than a cell."""

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import CRS

import planner.coverage.compute as compute
import planner.spatial.bands as bands
from planner.registry.population_raster import Raster
from planner.spatial.grid import PopulationGrid
from tests.coverage_support import BLOCK, X0, Y0, load_files, to_lonlat, write_block_areas, write_csv
from tests.coverage_support import CRS as DISTRICT_CRS


def diagonal():
    """A village 200 m wide running 6 km south-west to north-east across the district: one long gap."""
    line = shapely.LineString([(X0 + 500, Y0 - 1200), (X0 + 6500, Y0 + 4200)])
    return line.buffer(100, cap_style="flat")


def load_banded_district(engine, folder, seed=3):
    """Blocks of random people, a diagonal village nobody serves, a 30 m hamlet, scattered sites."""
    rng = np.random.default_rng(seed)
    areas = write_block_areas(folder, rng, margin_m=200.0, jitter_m=200.0,
                              extra=[("D1", "斜村", "village", 5003, diagonal(), "T2")])

    def place():
        return to_lonlat(rng.uniform(-1000, 6 * BLOCK + 1000), rng.uniform(-1000, 3 * BLOCK + 1000))

    files = {
        "branches": write_csv(folder / "outlets.csv", ["机构号", "类型", "经度", "纬度"],
                           [["O0", "branch", *to_lonlat(2 * BLOCK, BLOCK)]]
                           + [[f"O{k}", "branch", *place()] for k in range(1, 6)]),
        "stations": write_csv(folder / "stations.csv", ["机构号", "状态", "经度", "纬度"],
                           [[f"S{k}", "open", *place()] for k in range(8)]),
        "candidates": write_csv(folder / "candidates.csv", ["序号", "状态", "经度", "纬度"],
                             [[f"C{k}", "submitted", *place()] for k in range(4)]),
    }
    return load_files(engine, areas, files)


@pytest.fixture(name="forced")
def forced_limits(monkeypatch):
    """Any grid is too large to hold, and a band is a few rows of it."""
    def force(band_cells):
        monkeypatch.setattr(compute, "MAX_GRID_CELLS", 1000)
        monkeypatch.setattr(bands, "BAND_CELLS", band_cells)
    return force



def random_grid(seed, whole_people, rows=41, cols=29, n_areas=7):
    """Blocky areas, scattered served cells, two areas smaller than a cell; whole-number people (ties in gap
    populations are common) or fractions (sums depend on the order of addition)."""
    rng = np.random.default_rng(seed)
    area = (np.arange(rows)[:, None] // 6 * 3 + np.arange(cols)[None, :] // 11) % (n_areas + 1) - 1
    people = rng.integers(0, 3, (rows, cols)).astype(float) if whole_people else rng.random((rows, cols)) * 7.3
    people *= (area >= 0) & (rng.random((rows, cols)) < 0.8)
    grid = PopulationGrid(CRS.from_epsg(DISTRICT_CRS), X0 + 0.37, Y0 + 0.91, 100.0, people, area.astype(np.int32))
    grid.orphan_area = np.array([n_areas, n_areas + 1])
    grid.orphan_cell = np.array([5 * cols + 4, 30 * cols + 20])
    grid.orphan_population = np.array([3.0, 5.0])
    np.add.at(grid.population.reshape(-1), grid.orphan_cell, grid.orphan_population)
    served = (rng.random((rows, cols)) < 0.45).astype(np.int32) * rng.integers(1, 4, (rows, cols)).astype(np.int32)
    return grid, served, n_areas + 2


def banded_areas(folder, seed=3):
    """The villages and communities of `load_banded_district` (blocks, the diagonal village across them, the
    hamlet) as WGS84 polygons, census people and codes, without a registry."""
    areas = gpd.read_file(write_block_areas(folder, np.random.default_rng(seed), margin_m=200.0, jitter_m=200.0,
                                            extra=[("D1", "斜村", "village", 5003, diagonal(), "T2")]))
    areas = areas[areas["级别"] != "township"].to_crs(4326)
    return areas.geometry.values, areas["人口"].to_numpy(dtype=float), areas["代码"].to_numpy()


def banded_raster(seed=5):
    """Raster people over part of the district, 150 m pixels; the eastern blocks have none (the census
    spread stays there)."""
    values = np.random.default_rng(seed).integers(0, 40, (50, 70)).astype(float)
    values[:, 55:] = 0.0
    return Raster(values, (150.0, 0.0, X0 - 1037.0, 0.0, -150.0, Y0 + 5463.0),
                  CRS.from_epsg(DISTRICT_CRS).to_wkt(), "test")


def banded_sites(seed=4, count=14):
    """Sites scattered over and around the district (lon, lat)."""
    rng = np.random.default_rng(seed)
    lon, lat = zip(*(to_lonlat(rng.uniform(-1000, 6 * BLOCK + 1000), rng.uniform(-1000, 3 * BLOCK + 1000))
                     for _ in range(count)))
    return np.array(lon), np.array(lat)
