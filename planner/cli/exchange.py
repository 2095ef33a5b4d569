"""`planner export FILE.gpkg` and `planner import all FILE.gpkg`: the whole registry as one GeoPackage
(with QGIS styles and a QGIS project beside it), and back into an empty registry."""

from __future__ import annotations

import click


@click.command("export")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--db", "db_url", metavar="URL", envvar="PLANNER_DATABASE_URL",
              help="Database: postgresql://… or a SpatiaLite file (default instance/planner.sqlite).")
def export_command(file, db_url):
    """Write the whole registry (every kind, history, soft-deleted rows marked; accounts without passwords or
    tokens) to FILE.gpkg with QGIS layer styles, and a QGIS project FILE.qgz beside it."""
    from planner.interop.gpkg_export import export_registry

    _echo_lines(db_url, lambda engine: export_registry(engine, file))


def import_all(file, db_url) -> None:
    """`planner import all FILE.gpkg`: a `planner export` file into an empty registry, in one transaction."""
    from planner.interop.gpkg_import import import_registry, read_export

    read_export(file)  # a file that is not ours is refused before a database is made or migrated
    _echo_lines(db_url, lambda engine: import_registry(engine, file))


def _echo_lines(db_url, work) -> None:
    """Run `work(engine)` on the migrated database at `db_url`, echoing the lines it yields."""
    from planner.registry.engine import make_engine
    from planner.registry.schema import upgrade_schema

    engine = make_engine(db_url)
    try:
        upgrade_schema(engine)
        for line in work(engine):
            click.echo(line)
    finally:
        engine.dispose()
