"""Coverage reports a district office sends upward: Excel, CSV, GeoPackage, a self-contained HTML page."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from planner.coverage.compute import CoverageReport
from planner.files.writers import excel_value, formula_safe_frame, output_path

__all__ = ["AREA_LABELS", "SUFFIXES", "write_coverage"]

SUFFIXES = (".xlsx", ".csv", ".gpkg", ".html")
AREA_LABELS = {
    "code": ("代码", "Code"), "name": ("名称", "Name"), "level": ("级别", "Level"),
    "parent_code": ("所属代码", "Parent code"), "parent_name": ("所属", "Parent"),
    "population": ("人口", "Population"), "households": ("户数", "Households"),
    "covered_population": ("已覆盖人口", "Covered population"), "covered_share": ("覆盖率", "Covered share"),
    "served_twice_population": ("重复覆盖人口", "Served twice"), "outlets": ("邮政网点数", "Post outlets"),
    "stations": ("便民服务站数", "Stations"), "nearest_site_id": ("最近网点/服务站", "Nearest outlet/station"),
    "nearest_site_m": ("距最近网点（米）", "Distance to nearest (m)"), "status": ("覆盖状态", "Status"),
    "centre_lon": ("人口中心经度", "Population centre lon"), "centre_lat": ("人口中心纬度", "Population centre lat"),
    "areas": ("村/社区数", "Areas"), "areas_without_service": ("无服务村/社区", "Areas without service"),
    "gap": ("空白区编号", "Gap"), "cells": ("网格数", "Cells"), "lon": ("经度", "Longitude"),
    "lat": ("纬度", "Latitude"), "area_code": ("所在村/社区代码", "Area code"), "area_name": ("所在村/社区", "Area"),
    "nearest_candidates": ("附近申请户", "Nearby applicants"),
}
STATUS_LABELS = {"none": ("无服务", "no service"), "partly": ("部分覆盖", "partly"), "covered": ("已覆盖", "covered")}
LEVEL_LABELS = {"community": ("社区", "community"), "village": ("村", "village"),
                "subdistrict": ("街道", "sub-district"), "township": ("乡镇", "township")}
_TOTAL_LABELS = {
    "areas": ("村/社区数", "Villages and communities"), "population": ("人口", "Population"),
    "covered_population": ("已覆盖人口", "Covered population"), "covered_share": ("覆盖率", "Covered share"),
    "areas_without_service": ("无服务的村/社区", "Areas without service"),
    "areas_partly": ("部分覆盖的村/社区", "Areas partly covered"), "outlets": ("邮政网点", "Post outlets"),
    "stations": ("便民服务站", "Stations"), "candidates_assumed": ("按已批准计入的申请户", "Applicants assumed approved"),
    "gaps": ("覆盖空白区", "Coverage gaps"), "uncovered_population": ("未覆盖人口", "Uncovered population"),
}


def _label(key: str, lang: str, table=AREA_LABELS) -> str:
    zh, en = table.get(key, (key, key))
    return zh if lang == "zh" else en


def _readable(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    out = frame.copy()
    if "status" in out:
        out["status"] = [_label(v, lang, STATUS_LABELS) for v in out["status"]]
    if "level" in out:
        out["level"] = [_label(v, lang, LEVEL_LABELS) for v in out["level"]]
    return out


def _with_parent_names(report: CoverageReport) -> pd.DataFrame:
    names = dict(zip(report.parents["parent_code"], report.parents["name"]))
    areas = report.areas.copy()
    areas.insert(4, "parent_name", [names.get(code or "", "") for code in areas["parent_code"]])
    return areas


def write_coverage(report: CoverageReport, out_path, *, lang: str = "zh") -> Path:
    out_path, suffix = output_path(out_path, SUFFIXES)
    if suffix == ".csv":
        formula_safe_frame(_with_parent_names(report)).to_csv(out_path, index=False, encoding="utf-8-sig")
    elif suffix == ".xlsx":
        _write_xlsx(report, out_path, lang)
    elif suffix == ".gpkg":
        _write_gpkg(report, out_path)
    else:
        from planner.coverage.html import coverage_page

        out_path.write_text(coverage_page(report, lang=lang), encoding="utf-8")
    return out_path


def summary_rows(report: CoverageReport, lang: str) -> list[tuple[str, object]]:
    profile = report.options.profile
    rows = [(("规则配置" if lang == "zh" else "Rule profile"), f"{profile.name} — {profile.title(lang)}"),
            (("服务半径（米）" if lang == "zh" else "Service distance (m)"), profile.service_distance_m),
            (("数据日期" if lang == "zh" else "Data date"), report.data_date),
            (("生成时间" if lang == "zh" else "Generated"), report.generated_at.strftime("%Y-%m-%d %H:%M")),
            (("网格边长（米）" if lang == "zh" else "Cell size (m)"), report.options.cell_m)]
    if report.options.assume_candidates:
        rows.append((("假设：申请户均已批准" if lang == "zh" else "What if: applicants approved"), "✓"))
    if report.options.close_listed:
        rows.append((("假设：待退出服务站关闭" if lang == "zh" else "What if: stations listed for exit closed"), "✓"))
    rows += [(_label(k, lang, _TOTAL_LABELS), f"{v:.1%}" if k == "covered_share" else v)
             for k, v in report.totals.items()]
    return rows


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
                  _readable(without[["code", "name", "level", "population", "nearest_site_m"]], lang), lang, bold)
    summary.append([])
    _append_table(summary, "覆盖空白区（按人口，前 20）" if lang == "zh" else "Top 20 coverage gaps",
                  report.gaps.head(20), lang, bold)
    summary.column_dimensions["A"].width = 28
    for col in "BCDEFGH":
        summary.column_dimensions[col].width = 16
    for title, frame in (("村社区" if lang == "zh" else "Areas", _readable(_with_parent_names(report), lang)),
                         ("街道乡镇" if lang == "zh" else "Parents", report.parents),
                         ("空白区" if lang == "zh" else "Gaps", report.gaps)):
        sheet = book.create_sheet(title)
        sheet.append([_label(c, lang) for c in frame.columns])
        for cell in sheet[1]:
            cell.font = bold
        for row in frame.itertuples(index=False, name=None):
            sheet.append([excel_value(v) for v in row])
        sheet.freeze_panes = "A2"
        for i, column in enumerate(frame.columns, start=1):
            width = max(len(_label(column, lang)) * (2 if lang == "zh" else 1) + 2, 10)
            sheet.column_dimensions[get_column_letter(i)].width = min(width, 40)
            if column in ("covered_share",):
                for (cell,) in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
                    cell.number_format = "0.0%"
    book.save(out_path)


def _append_table(sheet, title, frame, lang, bold):
    sheet.append([title])
    sheet.cell(sheet.max_row, 1).font = bold
    sheet.append([_label(c, lang) for c in frame.columns])
    for row in frame.itertuples(index=False, name=None):
        sheet.append([excel_value(v) for v in row])


def _write_gpkg(report: CoverageReport, out_path: Path):
    import pyogrio

    if out_path.exists():
        out_path.unlink()
    areas = gpd.GeoDataFrame(_with_parent_names(report), geometry=report.area_geometry.values, crs=4326)
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
