"""The active population raster as a raster of the export, for drawing: a GeoPackage tiled gridded coverage
(float32 people per pixel, in the raster's own CRS) named `population`, beside the `population_rasters`
table that carries every raster as stored (for `planner import all`, which reads only that table).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlalchemy import Engine

from planner.registry.population_raster import active_raster

__all__ = ["RASTER_LAYER", "RasterLayer", "write_population_raster"]

RASTER_LAYER = "population"


@dataclass(frozen=True)
class RasterLayer:
    """What the QGIS project needs to draw the raster layer."""

    name: str
    crs_wkt: str
    maximum: float


def write_population_raster(engine: Engine, path: Path) -> RasterLayer | None:
    """Add the active population raster to the GeoPackage at `path` (None: the registry has none)."""
    raster = active_raster(engine)
    if raster is None:
        return None
    import rasterio
    from rasterio.transform import Affine

    values = raster.values.astype(np.float32)
    height, width = values.shape
    with rasterio.open(path, "w", driver="GPKG", width=width, height=height, count=1, dtype="float32",
                       crs=raster.crs_wkt, transform=Affine(*raster.transform), RASTER_TABLE=RASTER_LAYER,
                       RASTER_DESCRIPTION=f"people per pixel: {raster.name}", APPEND_SUBDATASET="YES") as target:
        target.write(values, 1)
    return RasterLayer(RASTER_LAYER, raster.crs_wkt, float(values.max()) if values.size else 0.0)
