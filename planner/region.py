"""Is a position plausible: inside China, and inside the district the registry covers?"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import shapely

from planner.spatial.grid import PopulationGrid

__all__ = ["in_china", "near_areas"]

_OUTLINE = Path(__file__).resolve().parent / "data" / "china_outline.geojson"


@lru_cache(maxsize=1)
def _china():
    import json

    data = json.loads(_OUTLINE.read_text(encoding="utf-8"))
    geom = shapely.geometry.shape(data["features"][0]["geometry"])
    shapely.prepare(geom)
    return geom


def in_china(lon, lat) -> np.ndarray:
    """True where a WGS84 point lies in China (land boundary widened by about 5 km)."""
    lon = np.asarray(lon, float)
    lat = np.asarray(lat, float)
    out = np.zeros(lon.shape, bool)
    ok = np.isfinite(lon) & np.isfinite(lat)
    if ok.any():
        out[ok] = shapely.contains_xy(_china(), lon[ok], lat[ok])
    return out


def near_areas(grid: PopulationGrid, lon, lat, tolerance_m: float = 1_000.0) -> np.ndarray:
    """True where a point lies within about `tolerance_m` of a cell that belongs to an area."""
    from scipy.ndimage import binary_dilation

    lon = np.asarray(lon, float)
    lat = np.asarray(lat, float)
    out = np.zeros(lon.shape, bool)
    ok = np.isfinite(lon) & np.isfinite(lat)
    if not ok.any():
        return out
    block = max(1, int(np.ceil(tolerance_m / grid.cell_m)))
    rows, cols = grid.shape
    pad_r, pad_c = (-rows) % block, (-cols) % block
    mask = np.pad(grid.area_index >= 0, ((0, pad_r), (0, pad_c)))
    coarse = mask.reshape(mask.shape[0] // block, block, mask.shape[1] // block, block).any(axis=(1, 3))
    coarse = binary_dilation(coarse, structure=np.ones((3, 3), bool))
    x, y = grid.project(lon[ok], lat[ok])
    col = np.floor((x - grid.west) / (grid.cell_m * block)).astype(np.int64)
    row = np.floor((grid.north - y) / (grid.cell_m * block)).astype(np.int64)
    inside = (row >= 0) & (row < coarse.shape[0]) & (col >= 0) & (col < coarse.shape[1])
    hit = np.zeros(row.shape, bool)
    hit[inside] = coarse[row[inside], col[inside]]
    out[ok] = hit
    return out
