"""Coverage reports a district office sends upward: Excel, CSV, GeoPackage, a self-contained HTML page."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from planner.coverage.compute import CoverageReport
from planner.coverage.html import coverage_page
from planner.coverage.tables import label, readable, summary_rows, with_parent_names
from planner.files.writers import excel_value, formula_safe_frame, output_path

__all__ = ["SUFFIXES", "write_coverage"]

SUFFIXES = (".xlsx", ".csv", ".gpkg", ".html")
def write_coverage(report: CoverageReport, out_path, *, lang: str = "zh") -> Path:
    out_path, suffix = output_path(out_path, SUFFIXES)
    if suffix == ".csv":
        formula_safe_frame(with_parent_names(report)).to_csv(out_path, index=False, encoding="utf-8-sig")
    elif suffix == ".xlsx":
        _write_xlsx(report, out_path, lang)
    elif suffix == ".gpkg":
        _write_gpkg(report, out_path)
    else:
        out_path.write_text(coverage_page(report, lang=lang), encoding="utf-8")
    return out_path


def _write_xlsx(report: CoverageReport, out_path: Path, lang: str):
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    summary = book.active
    summary.title = "汇总" if lang == "zh" else "Summary"
    bold = Font(bold=True)
    summary.append(["邮政便民服务站覆盖情况报告" if lang == "zh" else "Postal convenience station coverage report"])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append([])
    for key, value in summary_rows(report, lang):
        summary.append([excel_value(key), excel_value(value)])
    summary.append([])
    without = report.areas[report.areas["status"] == "none"].sort_values("population", ascending=False).head(50)
    _append_table(summary, "无服务的村/社区（按人口）" if lang == "zh" else "Areas without service (by population)",
                  readable(without[["code", "name", "level", "population", "nearest_site_m"]], lang), lang, bold)
    summary.append([])
    _append_table(summary, "覆盖空白区（按人口，前 20）" if lang == "zh" else "Top 20 coverage gaps",
                  report.gaps.head(20), lang, bold)
    summary.column_dimensions["A"].width = 28
    for col in "BCDEFGH":
        summary.column_dimensions[col].width = 16
    for title, frame in (("村社区" if lang == "zh" else "Areas", readable(with_parent_names(report), lang)),
                         ("街道乡镇" if lang == "zh" else "Parents", report.parents),
                         ("空白区" if lang == "zh" else "Gaps", report.gaps)):
        sheet = book.create_sheet(title)
        sheet.append([label(c, lang) for c in frame.columns])
        for cell in sheet[1]:
            cell.font = bold
        for row in frame.itertuples(index=False, name=None):
            sheet.append([excel_value(v) for v in row])
        sheet.freeze_panes = "A2"
        for i, column in enumerate(frame.columns, start=1):
            width = max(len(label(column, lang)) * (2 if lang == "zh" else 1) + 2, 10)
            sheet.column_dimensions[get_column_letter(i)].width = min(width, 40)
            if column in ("covered_share", "covered_share_straight"):
                for (cell,) in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
                    cell.number_format = "0.0%"
    book.save(out_path)


def _append_table(sheet, title, frame, lang, bold):
    sheet.append([title])
    sheet.cell(sheet.max_row, 1).font = bold
    sheet.append([label(c, lang) for c in frame.columns])
    for row in frame.itertuples(index=False, name=None):
        sheet.append([excel_value(v) for v in row])


def _write_gpkg(report: CoverageReport, out_path: Path):
    import pyogrio

    if out_path.exists():
        out_path.unlink()
    areas = gpd.GeoDataFrame(with_parent_names(report), geometry=report.area_geometry.values, crs=4326)
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
