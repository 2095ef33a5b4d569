"""Database URLs and engines for PostGIS and the embedded SpatiaLite file."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DisconnectionError

from planner.config import setting
from planner.errors import UsageError

__all__ = ["DEFAULT_SQLITE_PATH", "database_file", "is_sqlite", "make_engine", "resolve_url", "snapshot", "writer"]

DEFAULT_SQLITE_PATH = Path("instance") / "planner.sqlite"
ENV_URL = "PLANNER_DATABASE_URL"


def resolve_url(url: str | None = None) -> str:
    """The database URL: the argument, else $PLANNER_DATABASE_URL, else the embedded file.

    A bare file path means a SpatiaLite file; `postgresql://` uses psycopg 3.
    """
    url = url or setting(ENV_URL) or ""
    if not url:
        url = str(Path.cwd() / DEFAULT_SQLITE_PATH)
    if "://" not in url:  # a file path: its ? and # are part of the name, not a query or a fragment
        path = str(Path(url).expanduser().resolve())
        return URL.create("sqlite", database=path).render_as_string(hide_password=False)
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if not url.startswith(("sqlite", "postgresql")):
        msg = f"unsupported database URL {url!r}: use postgresql://… or a SpatiaLite file path"
        raise UsageError(msg, f"不支持的数据库地址 {url!r}：请使用 postgresql://… 或 SpatiaLite 文件路径")
    return url


def is_sqlite(engine_or_url) -> bool:
    url = getattr(engine_or_url, "url", engine_or_url)
    return make_url(str(url)).get_backend_name() == "sqlite"


def _preload_native_geo_libraries() -> None:
    """Import the wheels that bundle their own GEOS, PROJ, SQLite and GDAL first.

    SQLite opens mod_spatialite with RTLD_GLOBAL, which puts Debian's GEOS,
    PROJ and SQLite in the process's global symbol scope. A wheel whose
    native library is loaded after that binds its symbols to those system
    copies instead of its own and crashes (seen: pyogrio reading a
    GeoPackage segfaults). Loaded first, each binds to its own copies.
    """
    import importlib

    for name in ("shapely", "pyproj", "pyogrio", "rtree.index", "rasterio"):
        try:
            importlib.import_module(name)
        except ImportError:
            pass


def _load_spatialite(dbapi_conn, _record):
    from geoalchemy2.admin.dialects.sqlite import load_spatialite

    os.environ.setdefault("SPATIALITE_LIBRARY_PATH", "mod_spatialite")
    dbapi_conn.enable_load_extension(True)
    try:
        load_spatialite(dbapi_conn, init_mode="WGS84")
    except Exception as exc:  # the driver raises plain OperationalError
        msg = (
            "cannot load SpatiaLite (mod_spatialite): install Debian's "
            f"libsqlite3-mod-spatialite ({exc})"
        )
        raise RuntimeError(msg) from exc
    dbapi_conn.enable_load_extension(False)
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA busy_timeout = 30000")
    cursor.close()
    # SQLAlchemy, not the driver, starts transactions (see _begin).
    dbapi_conn.isolation_level = None


def _begin(conn) -> None:
    """BEGIN, or BEGIN IMMEDIATE for a connection with execution option `sqlite_immediate`.

    An immediate transaction takes SQLite's write lock at once, waiting up to
    the busy timeout, so writers that must see each other's commits (decisions)
    run one after the other instead of failing with "database is locked".
    """
    options = conn.get_execution_options()
    if options.get("isolation_level") == "AUTOCOMMIT":
        return  # each statement commits by itself: no transaction, no lock held between statements
    conn.exec_driver_sql("BEGIN IMMEDIATE" if options.get("sqlite_immediate") else "BEGIN")


def connected(db: Engine | Connection):
    """A connection (context manager): a new one from an engine, or `db` itself, left open, when it is one."""
    return db.connect() if isinstance(db, Engine) else nullcontext(db)


@contextmanager
def snapshot(engine: Engine) -> Iterator[Connection]:
    """One read transaction in which every table shows the same state (REPEATABLE READ on PostgreSQL; a
    SQLite transaction already does), so a registry version read in it names exactly the rows read."""
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            yield conn


def database_file(url: str) -> Path | None:
    """The file of a SpatiaLite database URL (None: a server database, or one in memory)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def writer(engine: Engine):
    """A transaction (context manager) that serialises with every other writer() on SQLite."""
    return engine.execution_options(sqlite_immediate=True).begin()


def make_engine(url: str | None = None) -> Engine:
    """An engine for PostGIS or SpatiaLite, with SpatiaLite loaded on every connection."""
    url = resolve_url(url)
    if is_sqlite(url):
        # The stock sqlite3 module of this Python cannot load extensions.
        import pysqlite3.dbapi2 as sqlite_module

        _preload_native_geo_libraries()

        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, module=sqlite_module)
        event.listen(engine, "connect", _load_spatialite)
        event.listen(engine, "begin", _begin)
        return engine
    engine = create_engine(url)
    _ping_when_idle(engine)
    return engine


_IDLE_BEFORE_PING_S = 10.0


def _ping_when_idle(engine: Engine) -> None:
    """Test a pooled connection before handing it out only when it sat idle for a while.

    SQLAlchemy's pool_pre_ping costs a round trip on every checkout, which is most of a cheap
    web request; a connection used moments ago is alive. One that waited longer (a server
    restart overnight, a firewall's idle timeout) is pinged, and replaced when dead: the pool
    retries with a fresh connection (SQLAlchemy's documented pessimistic handling).
    """

    @event.listens_for(engine, "checkin")
    def _idle_from(_dbapi_conn, record):
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping(dbapi_conn, record, _proxy):
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < _IDLE_BEFORE_PING_S:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_conn)
        except engine.dialect.loaded_dbapi.Error:
            alive = False
        if not alive:
            raise DisconnectionError("the pooled connection is gone")
