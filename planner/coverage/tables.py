"""The coverage report's tables as people read them: labels in Chinese or English, parent names, the summary.

Shared by every report writer (Excel, CSV, the HTML page) and the coverage page.
"""

from __future__ import annotations

import pandas as pd

from planner.coverage.compute import CoverageReport

__all__ = ["AREA_LABELS", "LEVEL_LABELS", "STATUS_LABELS", "TOTAL_LABELS", "label", "readable", "summary_rows",
           "with_parent_names"]

AREA_LABELS = {
    "code": ("代码", "Code"), "name": ("名称", "Name"), "level": ("级别", "Level"),
    "parent_code": ("所属代码", "Parent code"), "parent_name": ("所属", "Parent"),
    "population": ("人口", "Population"), "households": ("户数", "Households"),
    "covered_population": ("已覆盖人口", "Covered population"), "covered_share": ("覆盖率", "Covered share"),
    "covered_share_straight": ("覆盖率（按直线距离）", "Covered share (straight line)"),
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
TOTAL_LABELS = {
    "areas": ("村/社区数", "Villages and communities"), "population": ("人口", "Population"),
    "covered_population": ("已覆盖人口", "Covered population"), "covered_share": ("覆盖率", "Covered share"),
    "covered_share_straight": ("覆盖率（按直线距离）", "Covered share (straight line)"),
    "areas_without_service": ("无服务的村/社区", "Areas without service"),
    "areas_partly": ("部分覆盖的村/社区", "Areas partly covered"), "outlets": ("邮政网点", "Post outlets"),
    "stations": ("便民服务站", "Stations"),
    "candidates_assumed": ("按已批准计入的申请户", "Applicants assumed approved"),
    "gaps": ("覆盖空白区", "Coverage gaps"), "uncovered_population": ("未覆盖人口", "Uncovered population"),
}


def label(key: str, lang: str, table: dict = AREA_LABELS) -> str:
    """A column or value name in the report's language (the key itself when it has none)."""
    zh, en = table.get(key, (key, key))
    return zh if lang == "zh" else en


def readable(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Statuses and levels in words of `lang`."""
    out = frame.copy()
    if "status" in out:
        out["status"] = [label(v, lang, STATUS_LABELS) for v in out["status"]]
    if "level" in out:
        out["level"] = [label(v, lang, LEVEL_LABELS) for v in out["level"]]
    return out


def with_parent_names(report: CoverageReport) -> pd.DataFrame:
    """The per-area table with each parent area's name beside its code."""
    names = dict(zip(report.parents["parent_code"], report.parents["name"]))
    areas = report.areas.copy()
    areas.insert(4, "parent_name", [names.get(code or "", "") for code in areas["parent_code"]])
    return areas


def summary_rows(report: CoverageReport, lang: str) -> list[tuple[str, object]]:
    """The report's summary: profile, dates, what-ifs and totals, as (label, value) rows."""
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
    rows += [(label(k, lang, TOTAL_LABELS), f"{v:.1%}" if k in ("covered_share", "covered_share_straight") else v)
             for k, v in report.totals.items()]
    return rows
