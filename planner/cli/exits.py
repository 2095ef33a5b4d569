"""`planner exits`: the exit rule for one month, with what closing the listed stations costs."""

from __future__ import annotations

import click

from planner.cli.lang import message_lang
from planner.config import DEFAULT_PROFILE
from planner.texts.cli import summary_line


@click.command("exits")
@click.option("--month", default=None, metavar="YYYY-MM", help="The month judged (default: the last complete month).")
@click.option("-o", "--output", "out", default=None,
              help="Write every station's verdict to .csv, .xlsx or .gpkg (with the cells losing service).")
@click.option("--profile", default=DEFAULT_PROFILE, show_default=True, help="Rule profile (its [exit] table).")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@click.option("--db", "db_url", metavar="URL", envvar="PLANNER_DATABASE_URL",
              help="Database: postgresql://… or a SpatiaLite file (default instance/planner.sqlite).")
def exits_command(month, out, profile, lang, db_url):
    """Judge every open station by the exit rule (no transactions in a month, or fewer than the threshold
    for consecutive months) and say who loses service if the listed stations close."""
    from planner.registry.engine import make_engine
    from planner.registry.schema import upgrade_schema
    from planner.rules.profiles import load_profile
    from planner.workflow.exits import default_month, judge_stations, parse_month_option, write_exits
    from planner.workflow.months import last_complete_month

    rules = load_profile(profile)
    asked = parse_month_option(month) if month else None
    engine = make_engine(db_url)
    upgrade_schema(engine)
    month, says = asked, message_lang()
    if month is None:
        month, fell_back = default_month(engine)
        if fell_back:
            click.echo(summary_line("exits_fallback", says, last=str(last_complete_month()), month=str(month)),
                       err=True)
    report = judge_stations(engine, rules, month, lang=lang, with_restorers=bool(out) and out.endswith(".xlsx"))
    counts = report.counts()
    if out:
        click.echo(f"{write_exits(report, out)}")
    for row in report.proposed.itertuples():
        click.echo(f"{row.station_id}  {row.name or ''}  {row.reasons}  -{row.lost_population:,.0f}")
    if report.loss_note:
        click.echo(f"planner: {report.loss_note}", err=True)
    cost = (summary_line("exits_cost", says, lost=report.loss.total["lost_population"])
            if report.loss is not None else summary_line("exits_no_cost", says))
    click.echo(summary_line("exits", says, month=str(month), judged=len(report.table), exit=counts["exit"],
                            proposed=len(report.proposed), keep=counts["keep"], too_new=counts["too_new"],
                            missing=counts["missing"], cost=cost))
