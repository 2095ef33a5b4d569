"""The coverage report as an Excel workbook for people: summary, per-area, per-parent and gap sheets, and a
sheet of native Excel charts (coverage per 街道/乡镇, the spread of area coverage), wholly in one language.

Shares are numbers with a percent format, positions keep six decimals, statuses and levels are words.
Streamed row by row with XlsxWriter (planner.files.sheets): a province's 40,000 villages in seconds.
"""

from __future__ import annotations

from pathlib import Path

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
from planner.files.sheets import Formats, safe_book, write_frame
from planner.files.writers import excel_value
from planner.texts.formatting import EXCEL_INTEGER, EXCEL_NUMBER, EXCEL_PERCENT, format_datetime

__all__ = ["write_coverage_xlsx"]

_WORDS = {"status": STATUS_LABELS, "level": LEVEL_LABELS}


def write_coverage_xlsx(report: CoverageReport, out_path: Path, lang: str) -> Path:
    zh = lang == "zh"
    book = safe_book(out_path)
    formats = Formats(book)
    _summary(book.add_worksheet("汇总" if zh else "Summary"), formats, report, lang)
    for title, frame in (("村社区" if zh else "Areas", readable(with_parent_names(report), lang)),
                         ("街道乡镇" if zh else "Parents", report.parents),
                         ("空白区" if zh else "Gaps", report.gaps)):
        sheet = book.add_worksheet(title)
        sheet.freeze_panes(1, 0)
        write_frame(sheet, formats, 0, frame, lang, AREA_LABELS, words=_WORDS, whole_sheet=True)
    _charts(book, formats, report, lang)
    book.close()
    return out_path


def _summary(sheet, formats: Formats, report: CoverageReport, lang: str) -> None:
    """The totals, then the 50 most populous areas without service and the 20 largest gaps."""
    zh = lang == "zh"
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 7, 16)
    sheet.write_string(0, 0, "邮政便民服务站覆盖情况报告" if zh else "Postal convenience station coverage report",
                       formats.get(bold=True, font_size=14))
    row = 2
    for key, name, value in summary_items(report, lang):
        if key == "generated_at":
            value = format_datetime(value, lang)
        value = excel_value(value)
        sheet.write(row, 0, excel_value(name))
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            sheet.write(row, 1, value)
        else:
            code = (EXCEL_PERCENT if key in PERCENT_KEYS else
                    EXCEL_NUMBER if isinstance(value, float) and not value.is_integer() else EXCEL_INTEGER)
            sheet.write_number(row, 1, value, formats.number(code))
        row += 1
    without = report.areas[report.areas["status"] == "none"].sort_values("population", ascending=False).head(50)
    sheet.write_string(row + 1, 0, "无服务的村/社区（按人口）" if zh else "Areas without service (by population)",
                       formats.get(bold=True))
    row = write_frame(sheet, formats, row + 2, without[["code", "name", "level", "population", "nearest_site_m"]],
                      lang, AREA_LABELS, words=_WORDS)
    sheet.write_string(row + 1, 0, "覆盖空白区（按人口，前 20）" if zh else "Top 20 coverage gaps",
                       formats.get(bold=True))
    write_frame(sheet, formats, row + 2, report.gaps.head(20), lang, AREA_LABELS)


def _charts(book, formats: Formats, report: CoverageReport, lang: str) -> None:
    """Native column charts on their own sheet, over the tables they draw (so Excel redraws them if edited)."""
    zh = lang == "zh"
    title = "图表" if zh else "Charts"
    sheet = book.add_worksheet(title)
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, 1, 14)
    bold, percent = formats.get(bold=True), formats.number(EXCEL_PERCENT)
    names, shares = parent_shares(report)
    sheet.write_string(0, 0, "街道/乡镇" if zh else "Parent area", bold)
    sheet.write_string(0, 1, "覆盖率" if zh else "Covered share", bold)
    for row, (name, share) in enumerate(zip(names, shares), start=1):
        sheet.write(row, 0, excel_value(name))
        sheet.write_number(row, 1, share / 100, percent)
    parent_end = len(names)  # last row of the parents' table (0-based)
    bins, counts = share_histogram(report, lang)
    histogram_start = parent_end + 2
    sheet.write_string(histogram_start, 0, "覆盖率区间" if zh else "Covered share", bold)
    sheet.write_string(histogram_start, 1, "村/社区数" if zh else "Areas", bold)
    for row, (name, count) in enumerate(zip(bins, counts), start=histogram_start + 1):
        sheet.write_string(row, 0, name)
        sheet.write_number(row, 1, count)
    histogram_end = histogram_start + len(bins)
    if parent_end >= 1:
        parents = _column_chart(book, "各街道/乡镇覆盖率" if zh else "Covered share by parent area",
                                "覆盖率" if zh else "Covered share", "街道/乡镇" if zh else "Parent area")
        parents.add_series({"name": [title, 0, 1], "categories": [title, 1, 0, parent_end, 0],
                            "values": [title, 1, 1, parent_end, 1]})
        parents.set_y_axis({"name": "覆盖率" if zh else "Covered share", "num_format": "0%", "min": 0, "max": 1})
        sheet.insert_chart("D2", parents)
    spread = _column_chart(book, "村/社区覆盖率分布" if zh else "Areas by covered share",
                           "村/社区数" if zh else "Areas", "覆盖率区间" if zh else "Covered share")
    spread.add_series({"name": [title, histogram_start, 1],
                       "categories": [title, histogram_start + 1, 0, histogram_end, 0],
                       "values": [title, histogram_start + 1, 1, histogram_end, 1], "gap": 10})
    sheet.insert_chart("D20", spread)


def _column_chart(book, title: str, y_title: str, x_title: str):
    chart = book.add_chart({"type": "column"})
    chart.set_title({"name": title})
    chart.set_y_axis({"name": y_title})
    chart.set_x_axis({"name": x_title})
    chart.set_legend({"none": True})
    chart.set_size({"width": 832, "height": 340})  # 22 cm × 9 cm
    return chart
