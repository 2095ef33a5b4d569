"""The coverage report as an Excel workbook for people: summary, per-area, per-parent and gap sheets, and a
sheet of native Excel charts (coverage per 街道/乡镇, the spread of area coverage), wholly in one language.

Shares are numbers with a percent format, positions keep six decimals, statuses and levels are words.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font

from planner.coverage.compute import CoverageReport
from planner.coverage.tables import (
    AREA_LABELS,
    LEVEL_LABELS,
    PERCENT_KEYS,
    STATUS_LABELS,
    parent_shares,
    readable,
    share_histogram,
    summary_items,
    with_parent_names,
)
from planner.files.sheets import append_frame
from planner.files.writers import excel_value
from planner.texts.formatting import EXCEL_INTEGER, EXCEL_NUMBER, EXCEL_PERCENT, format_datetime

__all__ = ["write_coverage_xlsx"]

_WORDS = {"status": STATUS_LABELS, "level": LEVEL_LABELS}


def write_coverage_xlsx(report: CoverageReport, out_path: Path, lang: str) -> Path:
    zh = lang == "zh"
    book = Workbook()
    summary = book.active
    summary.title = "汇总" if zh else "Summary"
    bold = Font(bold=True)
    summary.append(["邮政便民服务站覆盖情况报告" if zh else "Postal convenience station coverage report"])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append([])
    for key, name, value in summary_items(report, lang):
        if key == "generated_at":
            value = format_datetime(value, lang)
        summary.append([excel_value(name), excel_value(value)])
        cell = summary.cell(summary.max_row, 2)
        if key in PERCENT_KEYS:
            cell.number_format = EXCEL_PERCENT
        elif isinstance(cell.value, float):
            cell.number_format = EXCEL_NUMBER if not cell.value.is_integer() else EXCEL_INTEGER
        elif isinstance(cell.value, int):
            cell.number_format = EXCEL_INTEGER
    summary.append([])
    without = report.areas[report.areas["status"] == "none"].sort_values("population", ascending=False).head(50)
    _titled(summary, "无服务的村/社区（按人口）" if zh else "Areas without service (by population)", bold)
    append_frame(summary, without[["code", "name", "level", "population", "nearest_site_m"]], lang, AREA_LABELS,
                 words=_WORDS, header_font=bold, widths=False)
    summary.append([])
    _titled(summary, "覆盖空白区（按人口，前 20）" if zh else "Top 20 coverage gaps", bold)
    append_frame(summary, report.gaps.head(20), lang, AREA_LABELS, header_font=bold, widths=False)
    summary.column_dimensions["A"].width = 28
    for col in "BCDEFGH":
        summary.column_dimensions[col].width = 16
    for title, frame in (("村社区" if zh else "Areas", readable(with_parent_names(report), lang)),
                              ("街道乡镇" if zh else "Parents", report.parents),
                              ("空白区" if zh else "Gaps", report.gaps)):
        sheet = book.create_sheet(title)
        append_frame(sheet, frame, lang, AREA_LABELS, words=_WORDS, header_font=bold)
        sheet.freeze_panes = "A2"
    _charts(book, report, lang, bold)
    book.save(out_path)
    return out_path


def _titled(sheet, title: str, bold) -> None:
    sheet.append([title])
    sheet.cell(sheet.max_row, 1).font = bold


def _charts(book, report: CoverageReport, lang: str, bold) -> None:
    """Native bar charts on their own sheet, over the tables they draw (so Excel redraws them if edited)."""
    zh = lang == "zh"
    sheet = book.create_sheet("图表" if zh else "Charts")
    names, shares = parent_shares(report)
    sheet.append(["街道/乡镇" if zh else "Parent area", "覆盖率" if zh else "Covered share"])
    for name, share in zip(names, shares):
        sheet.append([excel_value(name), share / 100])
        sheet.cell(sheet.max_row, 2).number_format = EXCEL_PERCENT
    parent_end = sheet.max_row
    bins, counts = share_histogram(report, lang)
    sheet.append([])
    histogram_start = sheet.max_row + 1
    sheet.append(["覆盖率区间" if zh else "Covered share", "村/社区数" if zh else "Areas"])
    for name, count in zip(bins, counts):
        sheet.append([name, count])
    histogram_end = sheet.max_row
    for row in (1, histogram_start):
        for col in (1, 2):
            sheet.cell(row, col).font = bold
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 14
    if parent_end > 1:
        parents = _bar(("各街道/乡镇覆盖率" if zh else "Covered share by parent area"),
                       "覆盖率" if zh else "Covered share", "街道/乡镇" if zh else "Parent area")
        parents.add_data(Reference(sheet, min_col=2, min_row=1, max_row=parent_end), titles_from_data=True)
        parents.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=parent_end))
        parents.y_axis.number_format = "0%"
        parents.y_axis.scaling.min = 0
        parents.y_axis.scaling.max = 1
        sheet.add_chart(parents, "D2")
    spread = _bar(("村/社区覆盖率分布" if zh else "Areas by covered share"),
                  "村/社区数" if zh else "Areas", "覆盖率区间" if zh else "Covered share")
    spread.add_data(Reference(sheet, min_col=2, min_row=histogram_start, max_row=histogram_end),
                    titles_from_data=True)
    spread.set_categories(Reference(sheet, min_col=1, min_row=histogram_start + 1, max_row=histogram_end))
    spread.gapWidth = 10
    sheet.add_chart(spread, "D20")


def _bar(title: str, y_title: str, x_title: str) -> BarChart:
    chart = BarChart()
    chart.type = "col"
    chart.title = title
    chart.y_axis.title = y_title
    chart.x_axis.title = x_title
    chart.legend = None
    chart.width, chart.height = 22, 9
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    return chart
