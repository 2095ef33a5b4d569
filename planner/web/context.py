"""What a request works with: the app's engine, one read connection, the change counters it saw, the sites
and the region in memory.

Blueprints, the fast path and the server import these from here; the package's
`__init__` holds only the application factory.
"""

from __future__ import annotations

from flask import Flask, current_app, g, request
from sqlalchemy import Connection, Engine

from planner.registry.engine import make_engine
from planner.rules.profiles import Profile
from planner.rules.region import Region
from planner.sites.cache import cached_sites
from planner.sites.district import cached_region
from planner.sites.postal import NearestSites
from planner.web.pipeline import Asking, Pipeline

__all__ = ["current_asking", "current_region", "current_sites", "engine_of", "get_engine", "pipeline_of",
           "read_connection", "request_versions"]


def get_engine() -> Engine:
    """The current app's engine, created on first use and shared by its requests."""
    return engine_of(current_app)


def engine_of(app: Flask) -> Engine:
    """`app`'s engine (outside a request too)."""
    engine = app.extensions.get("planner.engine")
    if engine is None:
        engine = make_engine(app.config["DATABASE_URL"])
        app.extensions["planner.engine"] = engine
    return engine


def read_connection() -> Connection:
    """One connection for a request's reads (who is asking, nearest sites), opened on first use.

    It runs in autocommit: a read costs one round trip with no BEGIN and ROLLBACK around it, and
    on SQLite no read lock stays held while the same request writes. Changes never use it: they
    take their own transaction.
    """
    conn = g.get("read_connection")
    if conn is None:
        conn = get_engine().connect().execution_options(isolation_level="AUTOCOMMIT")
        g.read_connection = conn
    return conn


def request_versions() -> tuple[tuple[int, int], tuple[int, int]]:
    """(registry version, accounts version) as this request first read them: one query per request."""
    return pipeline_of(current_app).read_versions(current_asking())


def current_sites(profile: Profile) -> NearestSites | None:
    """The registry's sites in memory at the version this request sees, or None while a worker
    thread reads them after a change (the caller then asks the database)."""
    return cached_sites(get_engine(), profile, version=request_versions()[0], wait=False)


def current_region(profile: Profile) -> Region:
    """The registry's region (planner.rules.region) at the version this request sees, kept per process."""
    return cached_region(get_engine(), profile, version=request_versions()[0])


def pipeline_of(app: Flask) -> Pipeline:
    """`app`'s request pipeline: the hooks every request runs, whichever door answers it."""
    pipeline = app.extensions.get("planner.pipeline")
    if pipeline is None:  # made once per app; setdefault keeps the first when two threads race
        pipeline = app.extensions.setdefault("planner.pipeline", Pipeline())
    return pipeline


def current_asking() -> Asking:
    """This request as the pipeline's hooks see it (made on first use)."""
    asking = g.get("asking")
    if asking is None:
        header = request.headers.get("Authorization", "")
        asking = g.asking = Asking(request.method, request.path, request.remote_addr or "",
                                   header[7:].strip() if header.startswith("Bearer ") else None, read_connection)
    return asking
