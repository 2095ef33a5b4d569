"""Population rasters: import a GeoTIFF of people per pixel, and read the active one back.

The newest imported raster is the active one (earlier ones are kept, marked
deleted). Pixels are stored as compressed float32; nodata and negative
values count as nobody.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlalchemy import Engine, insert, select, update

from planner.errors import UsageError
from planner.registry.engine import connected
from planner.registry.models import Event, PopulationRaster, utcnow

__all__ = ["Raster", "active_raster", "import_raster", "read_raster_file"]


@dataclass(frozen=True)
class Raster:
    values: np.ndarray  # (height, width) people per pixel
    transform: tuple  # affine (a, b, c, d, e, f): x = a*col + b*row + c, y = d*col + e*row + f
    crs_wkt: str
    name: str = ""

    def pixel_centres(self):
        """x, y of every pixel centre with population > 0, and those populations."""
        rows, cols = np.nonzero(self.values > 0)
        a, b, c, d, e, f = self.transform
        x = a * (cols + 0.5) + b * (rows + 0.5) + c
        y = d * (cols + 0.5) + e * (rows + 0.5) + f
        return x, y, self.values[rows, cols]


def read_raster_file(path) -> Raster:
    import rasterio

    path = Path(path)
    if not path.exists():
        raise UsageError(f"{path}: file not found", f"{path}：文件不存在")
    try:
        with rasterio.open(path) as source:
            values = source.read(1, masked=True).astype("float64").filled(0.0)
            transform = tuple(source.transform)[:6]
            crs = source.crs
    except rasterio.errors.RasterioIOError as exc:
        raise UsageError(f"{path}: cannot read raster ({exc})", f"{path}：无法读取栅格文件（{exc}）") from exc
    if crs is None:
        raise UsageError(f"{path}: the raster has no coordinate reference system",
                         f"{path}：栅格文件没有坐标参考系")
    values = np.where(np.isfinite(values) & (values > 0), values, 0.0)
    return Raster(values, transform, crs.to_wkt(), path.name)


def import_raster(engine: Engine, path, *, actor: str) -> str:
    raster = read_raster_file(path)
    data = zlib.compress(raster.values.astype(np.float32).tobytes(), 6)
    total = float(raster.values.sum())
    with engine.begin() as conn:
        table = PopulationRaster.__table__
        conn.execute(update(table).where(table.c.deleted_at.is_(None)).values(deleted_at=utcnow()))
        conn.execute(insert(table).values(name=raster.name, crs_wkt=raster.crs_wkt, transform=list(raster.transform),
                                          width=raster.values.shape[1], height=raster.values.shape[0], total=total,
                                          data=data, created_at=utcnow()))
        conn.execute(insert(Event.__table__).values(at=utcnow(), actor=actor, table_name="population_rasters",
                                                    code=raster.name, action="import", source=raster.name,
                                                    changes={"total": total, "shape": list(raster.values.shape)}))
    return f"population: {raster.name}, {raster.values.shape[1]} × {raster.values.shape[0]} pixels, {total:,.0f} people"


def active_raster(db) -> Raster | None:
    """The newest active raster; `db` is an engine or an open connection."""
    table = PopulationRaster.__table__
    with connected(db) as conn:
        latest = select(table).where(table.c.deleted_at.is_(None)).order_by(table.c.id.desc()).limit(1)
        row = conn.execute(latest).first()
    if row is None:
        return None
    values = np.frombuffer(zlib.decompress(row.data), dtype=np.float32).reshape(row.height, row.width)
    return Raster(values.astype(np.float64), tuple(row.transform), row.crs_wkt, row.name)
