"""The monthly report as an Excel workbook: a summary, native Excel charts (not pictures) whose series point at
the data sheets, and one data sheet per table.

Numbers are written as numbers, shares as numbers with a % format, days as dates; every text passes through
planner.files.writers.excel_value (never a formula). A month without a figure is an empty, grey cell — Excel
charts draw it as a gap — never a 0.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from planner.coverage.tables import TOTAL_LABELS, label
from planner.files.writers import excel_value
from planner.rules.china_time import CHINA_TZ
from planner.texts.interface import texts
from planner.texts.words import profile_name
from planner.workflow.monthly import MonthlyReport

__all__ = ["write_monthly_xlsx"]

_BOLD = Font(bold=True)
_MISSING = PatternFill("solid", fgColor="EEEEEE")
_SHARE = "0.0%"
_DAY = "yyyy-mm-dd"
_COVERAGE_KEYS = ("areas", "population", "covered_population", "covered_share", "areas_without_service",
                  "outlets", "stations", "gaps")


def write_monthly_xlsx(report: MonthlyReport, out_path: Path, *, lang: str = "zh") -> Path:
    t = texts(lang)
    book = Workbook()
    _summary(book.active, report, t, lang)
    charts = book.create_sheet(t["sheet_charts"])
    stations = _stations_sheet(book, report, t)
    areas = _area_sheet(book, t["sheet_areas"], report.areas, t)
    _area_sheet(book, t["sheet_parents"], report.parents, t)
    history = _history_sheet(book, report, t)
    _changes_sheet(book, report, t)
    _applicants_sheet(book, report, t)
    _charts(charts, report, t, stations=stations, areas=areas, history=history)
    book.save(out_path)
    return out_path


def _local(at: dt.datetime | None) -> str | None:
    return None if at is None else at.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")


def _summary(sheet, report: MonthlyReport, t: dict, lang: str) -> None:
    sheet.title = t["sheet_summary"]
    sheet.append([excel_value(t["monthly_title"].format(month=report.month))])
    sheet["A1"].font = Font(bold=True, size=14)
    production = report.production
    rows = [(t["report_due"], production.due), (t["first_produced"], _local(production.first_produced)
                                                or t["never_produced"]),
            (t["status"], t["production_" + production.state]), (t["profile_used"], profile_name(report.profile, lang)),
            (t["exit_threshold"], report.threshold), (t["generated_at"], _local(report.generated_at)), (None, None)]
    rows += [(t["sum_" + key], value) for key, value in report.summary().items()]
    rows += [(None, None), (t["coverage_section"], None)]
    if report.coverage is None:
        rows.append((t["coverage_unavailable"].format(reason=report.coverage_problem.message(lang)), None))
    else:
        if report.coverage_as_of == "generation":
            rows.append((t["coverage_as_of_generation"].format(month=report.month), None))
        rows += [(label(k, lang, TOTAL_LABELS), report.coverage[k]) for k in _COVERAGE_KEYS]
    for key, value in rows:
        sheet.append([excel_value(key), excel_value(value)])
        cell = sheet.cell(sheet.max_row, 2)
        if isinstance(value, dt.date):
            cell.number_format = _DAY
        elif key == label("covered_share", lang, TOTAL_LABELS):
            cell.number_format = _SHARE
    sheet.append([])
    sheet.append([excel_value(t["missing_note"])])
    sheet.column_dimensions["A"].width = 36
    sheet.column_dimensions["B"].width = 22


def _table(book: Workbook, title: str, headers: list[str], rows: list[list], *, shares=(), days=(),
           figures=()):
    """A data sheet: bold headers in row 1, then `rows`; columns (1-based) in `shares` get the % format,
    in `days` the date format; an empty cell in `figures` is a missing figure (grey)."""
    sheet = book.create_sheet(title)
    sheet.append([excel_value(h) for h in headers])
    for cell in sheet[1]:
        cell.font = _BOLD
    for row in rows:
        sheet.append([excel_value(v) for v in row])
    for column in range(1, len(headers) + 1):
        width = max(len(str(headers[column - 1])) * 2 + 2, 10)
        sheet.column_dimensions[get_column_letter(column)].width = min(width, 30)
        fmt = _SHARE if column in shares else _DAY if column in days else None
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            if fmt and cell.value is not None:
                cell.number_format = fmt
            if column in figures and cell.value is None:
                cell.fill = _MISSING
    sheet.freeze_panes = "A2"
    return sheet


def _stations_sheet(book: Workbook, report: MonthlyReport, t: dict):
    months = [report.month, *report.earlier]
    headers = [t["code"], t["name"], t["current_status"], t["station_area"], t["parent_area"],
               *[m if i <= 3 else f"{m} ({t['year_ago']})" for i, m in enumerate(months)],
               t["change_on_last"], t["change_share"], t["vs_threshold"]]
    rows = []
    for s in report.stations:
        verdict = t["no_data"] if s["below_threshold"] is None else \
            t["threshold_below"] if s["below_threshold"] else t["threshold_ok"]
        rows.append([s["code"], s["name"], t.get(f"status_{s['status']}", s["status"]),
                     s["area_name"] or s["area_code"] or t["outside_areas"], s["parent_name"] or s["parent_code"],
                     *[s["counts"][m] for m in months], s["change"], s["change_share"], verdict])
    first = 6
    return _table(book, t["sheet_stations"], headers, rows, shares=(first + len(months) + 1,),
                  figures=range(first, first + len(months)))


def _area_sheet(book: Workbook, title: str, areas: list[dict], t: dict):
    headers = [t["code"], t["name"], t["station_count"], t["this_month"], t["previous_month"], t["reporting_now"],
               t["previous_reporting"], t["change_on_last"], t["change_share"]]
    rows = [[a["code"], a["name"] or a["code"] or t["outside_areas"], a["stations"], a["count"], a["previous"],
             a["reporting"], a["previous_reporting"], a["change"], a["change_share"]] for a in areas]
    return _table(book, title, headers, rows, shares=(9,), figures=(4, 5))


def _history_sheet(book: Workbook, report: MonthlyReport, t: dict):
    rows = [[h["month"], h["total"], h["reporting"]] for h in report.history]
    return _table(book, t["sheet_history"], [t["report_month"], t["history_chart"], t["reporting_stations"]], rows,
                  figures=(2,))


def _changes_sheet(book: Workbook, report: MonthlyReport, t: dict) -> None:
    rows = [[c["on"], t["kind_" + c["kind"]], c["code"], c["name"], c["detail"], c["note"], c["actor"]]
            for c in report.changes]
    _table(book, t["sheet_changes"], [t["on_day"], t["change_kind"], t["code"], t["name"], t["change_detail"],
                                      t["optional_note"], t["who"]], rows, days=(1,))


def _applicants_sheet(book: Workbook, report: MonthlyReport, t: dict) -> None:
    rows = []
    for kind, group in (("received_table", report.received), ("decided_table", report.decided)):
        rows += [[t[kind], a["code"], a["name"], a.get("decided_on"),
                  t.get(f"action_{a['decision']}", a["decision"]) if a.get("decision") else None, a["reported_on"],
                  a["survey_due"], a["surveyed_on"], t["deadline_" + a["deadline"]]] for a in group]
    headers = [t["list_kind"], t["code"], t["name"], t["decided_on"], t["decision_made"], t["reported_on"],
               t["survey_due"], t["surveyed_on"], t["survey_deadline"]]
    _table(book, t["sheet_applicants"], headers, rows, days=(4, 6, 7, 8))


def _charts(sheet, report: MonthlyReport, t: dict, *, stations, areas, history) -> None:
    """The three charts, each reading its data sheet's cells."""
    sheet.append([excel_value(t["monthly_title"].format(month=report.month))])
    sheet["A1"].font = Font(bold=True, size=14)
    line = LineChart()
    line.title, line.y_axis.title = t["history_chart"], t["this_month"]
    line.add_data(Reference(history, min_col=2, min_row=1, max_row=1 + len(report.history)), titles_from_data=True)
    line.set_categories(Reference(history, min_col=1, min_row=2, max_row=1 + len(report.history)))
    line.display_blanks = "gap"
    _place(sheet, line, "A3")
    n_areas = len(report.charted_areas)
    bars = _bar_chart(t["area_chart"].format(n=n_areas), areas, first_col=4, last_col=5, rows=n_areas, label_col=2)
    _place(sheet, bars, "A20")
    n_stations = len(report.charted_stations)
    first = 6  # the month's column on the stations sheet, the month before right after it
    bars = _bar_chart(t["station_chart"].format(n=n_stations), stations, first_col=first, last_col=first + 1,
                      rows=n_stations, label_col=1)
    _place(sheet, bars, "A37")


def _bar_chart(title: str, data_sheet, *, first_col: int, last_col: int, rows: int, label_col: int) -> BarChart:
    chart = BarChart()
    chart.type, chart.title = "col", title
    last = max(rows, 1) + 1
    chart.add_data(Reference(data_sheet, min_col=first_col, max_col=last_col, min_row=1, max_row=last),
                   titles_from_data=True)
    chart.set_categories(Reference(data_sheet, min_col=label_col, min_row=2, max_row=last))
    chart.display_blanks = "gap"
    return chart


def _place(sheet, chart, anchor: str) -> None:
    chart.width, chart.height = 24, 8
    sheet.add_chart(chart, anchor)
