"""`planner report …`: reports a district office sends upward.

`planner report monthly` writes the monthly statistics report and records its production in the history
under `--user` (default: $PLANNER_USER, else the login name) with source 'cli'.
"""

from __future__ import annotations

import getpass

import click

from planner.cli.lang import message_lang
from planner.config import DEFAULT_PROFILE
from planner.texts.cli import summary_line
from planner.texts.formatting import china_time
from planner.texts.monthly import MONTHLY_TEXT

_SOURCE = "cli"


@click.group("report")
def report_group():
    """Reports for the market department and planners."""


@report_group.command("monthly")
@click.option("--month", default=None, metavar="YYYY-MM", help="The month reported (default: the last complete one).")
@click.option("-o", "--output", "out", default=None,
              help="Report file: .xlsx (native Excel charts) or .html (self-contained); default monthly-YYYY-MM.xlsx.")
@click.option("--profile", default=DEFAULT_PROFILE, show_default=True,
              help="Rule profile (exit threshold, area levels, service distance): a built-in name or a .toml file.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@click.option("--user", "actor", envvar="PLANNER_USER", default=getpass.getuser, show_default="login name",
              help="Name written to the history as the report's producer (default: $PLANNER_USER or login).")
@click.option("--db", "db_url", metavar="URL", envvar="PLANNER_DATABASE_URL",
              help="Database: postgresql://… or a SpatiaLite file (default instance/planner.sqlite).")
def monthly_command(month, out, profile, lang, actor, db_url):
    """The monthly statistics report: transactions per station and area against earlier months, changes in
    the network, coverage, applicants and their survey deadlines, when it is due and whether it is in time."""
    from planner.registry.engine import make_engine
    from planner.registry.schema import upgrade_schema
    from planner.rules.profiles import load_profile
    from planner.workflow.monthly_files import produce_monthly_report
    from planner.workflow.months import last_complete_month, parse_month

    month = parse_month(month) if month else last_complete_month()
    rules = load_profile(profile)
    engine = make_engine(db_url)
    upgrade_schema(engine)
    written, report = produce_monthly_report(engine, rules, month, out or f"monthly-{month}.xlsx", actor=actor,
                                             source=_SOURCE, lang=lang)
    summary, production, says = report.summary(), report.production, message_lang()
    first = (f"{china_time(production.first_produced):%Y-%m-%d %H:%M}" if production.first_produced
             else summary_line("never", says))
    state = MONTHLY_TEXT[says].get(f"production_{production.state}", production.state)
    click.echo(summary_line("monthly", says, path=written, month=month, stations=summary["stations"],
                            missing=summary["missing"], below=summary["below_threshold"], threshold=report.threshold,
                            due=production.due.isoformat(), first=first, state=state))
