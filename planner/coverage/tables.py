"""The coverage report's tables as people read them: labels in Chinese or English, parent names, the summary.

Shared by every report writer (Excel, CSV, the HTML page) and the coverage page.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.coverage.compute import CoverageReport
from planner.texts.formatting import format_date, format_datetime, format_number, format_percent
from planner.texts.words import AREA_LEVEL, COVERAGE_STATUS

__all__ = [
    "AREA_LABELS",
    "LEVEL_LABELS",
    "PERCENT_KEYS",
    "STATUS_LABELS",
    "TOTAL_LABELS",
    "label",
    "parent_shares",
    "readable",
    "scope_note",
    "script_frame",
    "share_histogram",
    "summary_items",
    "summary_rows",
    "summary_text",
    "with_parent_names",
]

PERCENT_KEYS = ("covered_share", "covered_share_straight")

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
STATUS_LABELS = COVERAGE_STATUS
LEVEL_LABELS = AREA_LEVEL
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


def summary_items(report: CoverageReport, lang: str) -> list[tuple[str, str, object]]:
    """The report's summary: profile, dates, what-ifs and totals, as (key, label, value) with raw values
    (shares as fractions, the generation time as an instant); `summary_text` writes a value for people."""
    zh = lang == "zh"
    profile = report.options.profile
    items: list[tuple[str, str, object]] = [
        ("profile", "规则配置" if zh else "Rule profile",
         f"{profile.display_name(lang)} — {profile.title(lang)}"),
        ("service_distance_m", "服务半径（米）" if zh else "Service distance (m)", profile.service_distance_m),
        ("data_date", "数据日期" if zh else "Data date", report.data_date),
        ("generated_at", "生成时间（北京时间）" if zh else "Generated (China time)", report.generated_at),
        ("cell_m", "网格边长（米）" if zh else "Cell size (m)", report.options.cell_m)]
    if report.options.assume_candidates:
        items.append(("assume_candidates", "假设：申请户均已批准" if zh else "What if: applicants approved",
                      "是" if zh else "yes"))
    if report.options.close_listed:
        items.append(("close_listed", "假设：待退出服务站关闭" if zh else "What if: stations listed for exit closed",
                      "是" if zh else "yes"))
    items += [(k, label(k, lang, TOTAL_LABELS), v) for k, v in report.totals.items()]
    return items


def summary_rows(report: CoverageReport, lang: str) -> list[tuple[str, object]]:
    """The summary as (label, value) rows, raw values (see `summary_items`)."""
    return [(name, value) for _, name, value in summary_items(report, lang)]


def summary_text(key: str, value, lang: str) -> str:
    """One summary value as people read it: 46.1%, 1,178, 2026年11月30日 13:04 (China time)."""
    if key in PERCENT_KEYS:
        return format_percent(value)
    if key == "generated_at":
        return format_datetime(value, lang)
    if key == "data_date":
        return format_date(value, lang) if value else ""
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return format_number(value)
    return str(value)


def script_frame(report: CoverageReport, lang: str) -> pd.DataFrame:
    """The per-area table for scripts (.csv, .gpkg): column names and tokens as computed, whole figures as
    whole numbers, and `level_text` / `status_text` (the tokens in `lang`) added last."""
    out = with_parent_names(report)
    for column in out.columns:
        values = out[column]
        if pd.api.types.is_float_dtype(values.dtype) and column not in PERCENT_KEYS:
            known = values.dropna()
            if len(known) and bool(np.all(np.mod(known.to_numpy(), 1) == 0)):
                out[column] = values.round().astype("Int64")
    out["level_text"] = [label(v, lang, LEVEL_LABELS) for v in out["level"]]  # last: columns keep their places
    out["status_text"] = [label(v, lang, STATUS_LABELS) for v in out["status"]]
    return out


def share_histogram(report: CoverageReport, lang: str) -> tuple[list[str], list[int]]:
    """How many areas have each tenth of coverage (0–10%, …, 90–100%; 100% in the last bin)."""
    shares = report.areas["covered_share"].fillna(0).to_numpy(dtype=float)
    bins = np.minimum((shares * 10).astype(int), 9)
    counts = np.bincount(bins, minlength=10)
    return [f"{10 * i}–{10 * i + 10}%" for i in range(10)], [int(c) for c in counts]


def parent_shares(report: CoverageReport) -> tuple[list[str], list[float]]:
    """Each parent area (街道/乡镇) by name and its covered share in percent, highest population first."""
    parents = report.parents.sort_values("population", ascending=False)
    names = [str(n or c or "—") for n, c in zip(parents["name"], parents["parent_code"])]
    return names, [round(float(v) * 100, 1) for v in parents["covered_share"]]


def scope_note(report: CoverageReport, lang: str) -> str:
    """Why the counts here differ from the overview's: the profile's outlet kinds and area levels."""
    profile = report.options.profile
    outlets = int((report.sites["role"] == "outlet").sum())
    areas = len(report.areas)
    levels = report.options.levels or profile.area_levels
    if lang == "zh":
        kinds = "、".join({"branch": "营业网点", "agency": "代办点"}.get(k, k) for k in profile.outlet_kinds)
        level_words = "、".join(label(v, lang, LEVEL_LABELS) for v in levels)
        return (f"按{profile.display_name(lang)}，本页只计{kinds}：登记库 {report.registry_outlets} 个邮政网点中"
                f"计入 {outlets} 个；只统计{level_words}级区域：登记库 {report.registry_areas} 个区域中统计 {areas} 个"
                f"（其余为上级区域，其人口已计在下级区域中）。总览地图显示登记库全部网点和区域。")
    kinds = ", ".join({"branch": "branches", "agency": "agencies"}.get(k, k) for k in profile.outlet_kinds)
    level_words = ", ".join(label(v, lang, LEVEL_LABELS) for v in levels)
    return (f"Under {profile.display_name(lang)} this page counts {kinds} only: {outlets} of the registry's "
            f"{report.registry_outlets} post outlets; and reports {level_words} areas only: {areas} of the registry's "
            f"{report.registry_areas} areas (the others are parent areas, whose people are counted in their "
            f"villages and communities). The overview map shows every outlet and area in the registry.")
