"""Coverage reports a district office sends upward: Excel, CSV, GeoPackage, a self-contained HTML page."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from planner.coverage.compute import GRID_SUFFIXES, CoverageReport, refuse_without_grid
from planner.coverage.html import coverage_page
from planner.coverage.tables import script_frame
from planner.coverage.workbook import write_coverage_xlsx
from planner.files.writers import formula_safe_frame, output_path

__all__ = ["SUFFIXES", "write_coverage"]

SUFFIXES = (".xlsx", ".csv", ".gpkg", ".html")


def write_coverage(report: CoverageReport, out_path, *, lang: str = "zh") -> Path:
    """.csv and .gpkg for scripts (column names and tokens, plus `level_text`/`status_text` in `lang`; CSV in
    UTF-8 with a BOM); .xlsx and .html for people, wholly in `lang`, with charts."""
    out_path, suffix = output_path(out_path, SUFFIXES)
    if report.grid is None and suffix in GRID_SUFFIXES:
        refuse_without_grid(suffix)
    if suffix == ".csv":
        formula_safe_frame(script_frame(report, lang)).to_csv(out_path, index=False, encoding="utf-8-sig")
    elif suffix == ".xlsx":
        write_coverage_xlsx(report, out_path, lang)
    elif suffix == ".gpkg":
        _write_gpkg(report, out_path, lang)
    else:
        out_path.write_text(coverage_page(report, lang=lang), encoding="utf-8")
    return out_path


def _write_gpkg(report: CoverageReport, out_path: Path, lang: str):
    import pyogrio

    if out_path.exists():
        out_path.unlink()
    areas = gpd.GeoDataFrame(script_frame(report, lang), geometry=report.area_geometry.values, crs=4326)
    pyogrio.write_dataframe(areas, out_path, layer="areas")
    grid = report.grid
    populated = np.flatnonzero(grid.population.ravel() > 0)
    cols = grid.shape[1]
    cx, cy = grid.cell_centres()
    x, y = cx[populated % cols], cy[populated // cols]
    half = grid.cell_m / 2
    boxes = shapely.box(x - half, y - half, x + half, y + half)
    cells = gpd.GeoDataFrame({
        "population": grid.population.ravel()[populated],
        "served_by": report.served.ravel()[populated].astype(np.int32),
        "gap": report.gap_labels.ravel()[populated].astype(np.int32),
    }, geometry=boxes, crs=grid.crs).to_crs(4326)
    pyogrio.write_dataframe(cells, out_path, layer="cells")
    gaps = gpd.GeoDataFrame(report.gaps, geometry=gpd.points_from_xy(report.gaps["lon"], report.gaps["lat"]),
                            crs=4326)
    pyogrio.write_dataframe(gaps, out_path, layer="gaps")
    sites = report.sites[["code", "name", "role", "status", "geometry"]]
    pyogrio.write_dataframe(sites, out_path, layer="sites")
