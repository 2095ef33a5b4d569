"""Producing the monthly report: build it, record that it was produced (who, when, from where), write the file.

The CLI and the web downloads both come through here, so the report's first production time — and with it
whether the report was in time — is the same whoever produced it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from sqlalchemy import Engine

from planner.files.writers import output_path
from planner.registry.reports import record_report
from planner.rules.profiles import Profile
from planner.workflow.monthly import MonthlyReport, first_report, monthly_report, report_code

__all__ = ["SUFFIXES", "produce_monthly_report", "write_monthly_report"]

SUFFIXES = (".xlsx", ".html")


def write_monthly_report(report: MonthlyReport, out_path, *, lang: str = "zh") -> Path:
    """`report` as .xlsx (native charts) or a self-contained .html, by the name's extension."""
    out_path, suffix = output_path(out_path, SUFFIXES)
    if suffix == ".xlsx":
        from planner.workflow.monthly_xlsx import write_monthly_xlsx

        return write_monthly_xlsx(report, out_path, lang=lang)
    from planner.workflow.monthly_html import monthly_page

    out_path.write_text(monthly_page(report, lang=lang), encoding="utf-8")
    return out_path


def produce_monthly_report(engine: Engine, profile: Profile, month: str, out_path, *, actor: str, source: str,
                           lang: str = "zh", today: dt.date | None = None) -> tuple[Path, MonthlyReport]:
    """Build `month`'s report, record its production by `actor` (source 'cli' or 'web'), write it to
    `out_path`; the report states its first production time, this one if it is the first."""
    output_path(out_path, SUFFIXES)  # a wrong extension is refused before anything is recorded
    report = monthly_report(engine, profile, month, today=today)
    code = report_code(month)
    record_report(engine, code, actor=actor, source=source,
                  changes={"format": Path(out_path).suffix.lower(), "profile": profile.name})
    production = dataclasses.replace(report.production, first_produced=first_report(engine, month))
    report = dataclasses.replace(report, production=production)
    return write_monthly_report(report, out_path, lang=lang), report
