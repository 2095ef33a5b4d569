"""The `planner` command line (interfaces.md): thin wrappers over the services."""

from __future__ import annotations

import getpass
import sys

import click

from planner.cli.cluster import cluster_options, spread_over
from planner.cli.lang import message_lang
from planner.config import DEFAULT_PROFILE, configure_logging, setting
from planner.errors import PlannerError, UsageError
from planner.texts.cli import profile_label, summary_line

_LANG = setting("PLANNER_LANG")


class _Finite(click.FloatRange):
    """A FloatRange that refuses NaN, which compares false with every bound and so passes click's own."""

    def convert(self, value, param, ctx):
        number = super().convert(value, param, ctx)
        if number != number:
            self.fail(f"{value!r} is not a number / 不是数字", param, ctx)
        return number


def _db_option(func):
    return click.option(
        "--db", "db_url", metavar="URL", envvar="PLANNER_DATABASE_URL",
        help="Database: postgresql://… or a SpatiaLite file (default instance/planner.sqlite).",
    )(func)


def _terminal_progress():
    """Stage lines on stderr when it is a terminal; nothing otherwise."""
    if not sys.stderr.isatty():
        return None

    def report(stage, done, total):
        click.echo(f"[{done + 1}/{total}] {stage}…", err=True)

    return report


def _actor() -> str:
    return setting("PLANNER_USER") or getpass.getuser()



@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli():
    """planner: siting and coverage of postal convenience stations (邮政便民服务站)."""
    configure_logging()


@cli.command("init")
@_db_option
def init_command(db_url):
    """Create or upgrade the database schema (idempotent)."""
    from planner.registry.engine import make_engine
    from planner.registry.schema import upgrade_schema

    engine = make_engine(db_url)
    revision = upgrade_schema(engine)
    click.echo(f"schema at revision {revision}: {engine.url.render_as_string(hide_password=True)}")


@cli.command("import")
@click.argument("kind", type=click.Choice(["branches", "stations", "candidates", "areas", "transactions",
                                           "population", "network", "all"]))
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--crs", default=None, help="wgs84 (default), gcj02, bd09 or EPSG:n; a crs/坐标系 column overrides it.")
@click.option("--replace", is_flag=True, help="Rows of this kind missing from FILE are marked deleted.")
@click.option("--user", "actor", default=None, help="Name written to the history (default: $PLANNER_USER or login).")
@_db_option
def import_command(kind, file, crs, replace, actor, db_url):
    """Load KIND from FILE (CSV, XLSX, GeoJSON, GeoPackage, Shapefile; population: a GeoTIFF; network: an
    OpenStreetMap .pbf or a line layer, replacing the registry's road network; all: a `planner export`
    GeoPackage into an empty registry) in one transaction."""
    from planner.files.imports import prepare_import
    from planner.registry.engine import make_engine
    from planner.registry.schema import upgrade_schema
    from planner.registry.tables import load_records

    if kind == "all":
        from planner.cli.exchange import import_all

        if crs or replace:
            raise UsageError("import all takes neither --crs nor --replace: it loads an export as it is",
                             "import all 不接受 --crs 或 --replace：导出文件按原样导入")
        import_all(file, db_url)
        return
    if kind == "network":
        _import_network(file, crs, actor or _actor(), db_url)
        return
    if kind == "population":
        from planner.registry.population_raster import import_raster

        engine = make_engine(db_url)
        upgrade_schema(engine)
        click.echo(import_raster(engine, file, actor=actor or _actor()))
        return
    batch = prepare_import(file, kind, crs=crs)
    engine = make_engine(db_url)
    upgrade_schema(engine)
    summary = load_records(engine, batch, actor=actor or _actor(), replace=replace)
    for note in batch.notes:
        click.echo(f"{file}: {note}")
    for repair in batch.repairs:  # rows kept after a repair, one line each
        click.echo(repair.text(_LANG))
    click.echo(summary.line())


def _import_network(file, crs, actor, db_url):
    from planner.registry.engine import make_engine
    from planner.registry.roads import replace_road_network
    from planner.registry.schema import upgrade_schema
    from planner.roads.read import read_road_file

    def progress(stage, done, total):  # a line per stage: a province's .pbf takes minutes
        click.echo(f"[{stage}]", err=True)

    segments = read_road_file(file, crs=crs, progress=progress)
    for note in segments.notes:
        click.echo(f"{file}: {note}")
    engine = make_engine(db_url)
    upgrade_schema(engine)
    click.echo(replace_road_network(engine, segments, actor=actor, progress=progress))


@cli.command("check")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("-o", "--output", "out", default=None, help="Result file (.csv, .xlsx, .geojson, .gpkg); "
              "default FILE.checked.<same extension>.")
@click.option("--profile", default=DEFAULT_PROFILE, show_default=True,
              help="Rule profile: yiwu, mianyang, heilongjiang, shunyi, or a .toml file.")
@click.option("--crs", default=None, help="wgs84 (default), gcj02, bd09 or EPSG:n; a crs/坐标系 column overrides it.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of reasons and Excel header labels.")
@cluster_options
@_db_option
def check_command(file, out, profile, crs, lang, workers, scheduler, db_url):
    """Check an applicant list against the registry; every row comes back with a verdict."""
    from planner.check.batch import check_file
    from planner.check.output import default_output_path, write_checked
    from planner.registry.engine import make_engine
    from planner.registry.schema import upgrade_schema
    from planner.rules.profiles import load_profile

    rules = load_profile(profile)
    engine = make_engine(db_url)
    upgrade_schema(engine)
    with spread_over(workers, scheduler) as spread:
        result = check_file(file, engine, rules, crs=crs, lang=lang, progress=_terminal_progress(), spread=spread)
    written = write_checked(result, out or default_output_path(file), lang=lang)
    for note in result.notes:
        click.echo(f"{file}: {note}", err=True)
    counts, says = result.counts(), message_lang()
    click.echo(summary_line("check", says, path=written, rows=len(result.added), passed=counts["pass"],
                            failed=counts["fail"], errors=counts["error"], profile=profile_label(rules.name, says)))


@cli.command("coverage")
@click.option("-o", "--output", "out", default="coverage.xlsx", show_default=True,
              help="Report file: .xlsx (summary + per-area sheets), .csv, .gpkg (areas, cells, gaps) "
                   "or .html.")
@click.option("--profile", default=DEFAULT_PROFILE, show_default=True,
              help="Rule profile (service distance, thresholds).")
@click.option("--level", "levels", multiple=True,
              type=click.Choice(["village", "community", "subdistrict", "township"]),
              help="Area level(s) to report (default: the profile's, village and community).")
@click.option("--cell", "cell_m", default=100.0, show_default=True, type=_Finite(min=10, max=5000),
              help="Grid cell size in metres.")
@click.option("--assume-candidates", is_flag=True, help="What if: count open applicants as approved stations.")
@click.option("--close-listed", is_flag=True, help="What if: stations listed for exit are closed.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@cluster_options
@_db_option
def coverage_command(out, profile, levels, cell_m, assume_candidates, close_listed, lang, workers, scheduler,
                     db_url):
    """Coverage of every village and community: covered population, areas without service, gaps."""
    from pathlib import Path

    from planner.coverage.compute import CoverageOptions, compute_coverage
    from planner.coverage.reports import write_coverage
    from planner.coverage.spread import Spread
    from planner.registry.engine import make_engine
    from planner.registry.schema import upgrade_schema
    from planner.rules.profiles import load_profile

    options = CoverageOptions(load_profile(profile), tuple(levels) or None, cell_m, assume_candidates, close_listed)
    engine = make_engine(db_url)
    upgrade_schema(engine)
    with spread_over(workers, scheduler, Spread) as spread:
        report = compute_coverage(engine, options, spread=spread, for_suffix=Path(out).suffix)
    written = write_coverage(report, out, lang=lang)
    totals, says = report.totals, message_lang()
    click.echo(summary_line("coverage", says, path=written, areas=totals["areas"], share=totals["covered_share"],
                            people=totals["population"], without=totals["areas_without_service"],
                            gaps=totals["gaps"], profile=profile_label(options.profile.name, says)))


@cli.command("rank")
@click.option("-n", "count", type=click.IntRange(min=1), default=None,
              help="Choose the best set of N that keeps the spacing rules (greedy maximal coverage).")
@click.option("-o", "--output", "out", default=None, help="Write the ranking to .csv or .xlsx.")
@click.option("--profile", default=DEFAULT_PROFILE, show_default=True, help="Rule profile.")
@click.option("--exact", is_flag=True, help="With -n: the proved best set (mixed-integer programme, HiGHS) "
              "instead of the greedy one.")
@click.option("--gap", "gap_pct", type=_Finite(min=0, max=50), default=0.0, show_default=True,
              help="With --exact: stop once the set is proved within PCT % of the best (a province's question "
                   "proves in seconds at 0.5, in minutes at 0).")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of the .xlsx headers and words.")
@_db_option
def rank_command(count, out, profile, exact, gap_pct, lang, db_url):
    """Rank open applicants by the people they would add (marginal service population)."""
    from planner.registry.engine import make_engine
    from planner.registry.schema import upgrade_schema
    from planner.rules.profiles import load_profile
    from planner.selection.ranking import rank_candidates, write_ranking
    from planner.texts.formatting import format_percent

    if exact and count is None:
        raise UsageError("--exact needs -n N: the size of the set to choose", "--exact 需要配合 -n N 指定选择数量")
    if gap_pct and not exact:
        raise UsageError("--gap goes with --exact", "--gap 需与 --exact 一起使用")
    rules = load_profile(profile)
    engine = make_engine(db_url)
    upgrade_schema(engine)
    table = rank_candidates(engine, rules, n=count, exact=exact, gap=gap_pct / 100)
    if "exact_gap" in table.attrs:
        click.echo(summary_line("rank_exact", message_lang(), gap=format_percent(table.attrs["exact_gap"], 2)),
                   err=True)
    if out:
        written = write_ranking(table, out, lang=lang)
        click.echo(summary_line("rank_file", message_lang(), path=written, ranked=int(table["rank"].notna().sum()),
                                total=len(table)))
        return
    for row in table[table["rank"].notna()].itertuples():
        click.echo(f"{row.rank:>4}  {row.code}  {row.name or ''}  +{row.marginal_population:,.0f}")


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=None, type=click.IntRange(min=1),
              help="Worker processes, 4 threads each (default: one per CPU, 2 to 8).")
@click.option("--access-log", default=None, metavar="FILE",
              help="Write one line per request to FILE ('-': standard output); off by default.")
@_db_option
def serve_command(host, port, workers, access_log, db_url):
    """Run the web application (creating or upgrading the schema first)."""
    from planner.registry.accounts import has_users
    from planner.registry.engine import make_engine
    from planner.registry.schema import upgrade_schema
    from planner.web import create_app
    from planner.web.server import serve

    engine = make_engine(db_url)
    upgrade_schema(engine)
    if not has_users(engine):
        click.echo("no accounts yet: create one with `planner user add NAME --role admin`", err=True)
    engine.dispose()
    serve(create_app({"DATABASE_URL": db_url} if db_url else None), host=host, port=port, workers=workers,
          access_log=access_log)


@cli.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--build-only", is_flag=True, help="Build the sample database and exit without serving.")
@_db_option
def demo_command(host, port, build_only, db_url):
    """Build the sample district (Shunyi, Beijing) into the database if missing, then serve it."""
    from planner.cli.demo import build_demo_database
    from planner.registry.accounts import demo_account
    from planner.registry.engine import make_engine

    engine = make_engine(db_url)
    for line in build_demo_database(engine, actor=_actor()):
        click.echo(line)
    if build_only:
        return
    from planner.web import create_app
    from planner.web.server import serve

    name, password = demo_account(engine)
    engine.dispose()
    click.echo(f"planner demo: http://{host}:{port}/  (sign in as {name} / {password})")
    serve(create_app({"DATABASE_URL": engine.url.render_as_string(hide_password=False)}), host=host, port=port,
          workers=2, access_log="-")


@cli.command("backup")
@click.argument("file", type=click.Path(dir_okay=False))
@_db_option
def backup_command(file, db_url):
    """Write the whole database to FILE (pg_dump's custom format for PostGIS; an SQLite copy for SpatiaLite)."""
    from planner.registry.backup import backup

    click.echo(backup(db_url, file))


@cli.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, exists=True))
@click.option("--force", is_flag=True, help="Replace the registry the database already holds.")
@_db_option
def restore_command(file, force, db_url):
    """Load backup FILE into an empty database (pg_restore for PostGIS; SQLite's backup API for SpatiaLite)."""
    from planner.registry.backup import restore

    click.echo(restore(db_url, file, force=force))


def _register_groups():
    from planner.cli.exchange import export_command
    from planner.cli.exits import exits_command
    from planner.cli.reports import report_group
    from planner.cli.users import user_group

    cli.add_command(user_group)
    cli.add_command(report_group)
    cli.add_command(exits_command)
    cli.add_command(export_command)


_register_groups()


def main(argv=None):
    """Entry point: user errors become one line on stderr and exit code 2."""
    try:
        cli.main(args=argv, prog_name="planner", standalone_mode=False)
    except click.exceptions.Abort:
        sys.exit(1)
    except click.exceptions.ClickException as exc:
        exc.show()
        sys.exit(2)
    except PlannerError as exc:
        click.echo(f"planner: {exc.message(_LANG)}", err=True)
        sys.exit(exc.exit_code)
    sys.exit(0)


if __name__ == "__main__":
    main()
