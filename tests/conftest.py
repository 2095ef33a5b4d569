"""Fixtures: a fresh registry on both backends, real files, a Flask app.

PostGIS comes from $PLANNER_TEST_DATABASE_URL, else the local PostgreSQL on
127.0.0.1:5432 (user postgres, trust auth). Each test gets a throw-away
database cloned from a template with the postgis extension. A missing or
unreachable PostGIS fails the run: it never skips.
"""

from __future__ import annotations

import itertools
import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from planner.registry.engine import make_engine
from planner.registry.schema import upgrade_schema

DATA = Path(__file__).parent / "data"
DEFAULT_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
BACKENDS = ("spatialite", "postgis")
_counter = itertools.count()


def _admin_url() -> str:
    url = os.environ.get("PLANNER_TEST_DATABASE_URL") or DEFAULT_ADMIN_URL
    if url.startswith(("postgresql://", "postgres://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


@pytest.fixture(scope="session")
def postgis_admin():
    """An autocommit connection to the PostgreSQL server and a template database with PostGIS."""
    admin = create_engine(_admin_url(), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # any driver error means no server
        pytest.fail(f"PostGIS is required for the registry tests and is not reachable at "
                    f"{make_url(_admin_url()).render_as_string(hide_password=True)}: {exc}")
    template = f"planner_tmpl_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{template}"'))
    tmpl_engine = create_engine(make_url(_admin_url()).set(database=template))
    try:
        with tmpl_engine.begin() as conn:
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
    except Exception as exc:
        pytest.fail(f"CREATE EXTENSION postgis failed (install postgresql-15-postgis-3): {exc}")
    finally:
        tmpl_engine.dispose()
    yield admin, template
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{template}"'))
    admin.dispose()


def _postgis_url(request, admin_and_template):
    admin, template = admin_and_template
    name = f"planner_t_{os.getpid()}_{next(_counter)}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    request.addfinalizer(drop)
    return make_url(_admin_url()).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path):
    """URL of an empty database on each backend (no schema yet)."""
    if request.param == "spatialite":
        return str(tmp_path / "registry.sqlite")
    return _postgis_url(request, request.getfixturevalue("postgis_admin"))


@pytest.fixture
def second_database_url(request, database_url, tmp_path):
    """Another empty database on the same backend as `database_url` (restores, copies)."""
    if "://" not in database_url:
        return str(tmp_path / "second.sqlite")
    return _postgis_url(request, request.getfixturevalue("postgis_admin"))


@pytest.fixture
def empty_engine(database_url):
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(empty_engine):
    """A migrated, empty registry on each backend."""
    upgrade_schema(empty_engine)
    return empty_engine


@pytest.fixture
def backend(engine) -> str:
    return "spatialite" if engine.dialect.name == "sqlite" else "postgis"


def prepared_database(url: str, load) -> str:
    """Migrate the database at `url`, fill it with `load(engine)`, and hand the URL to a command."""
    engine = make_engine(url)
    try:
        upgrade_schema(engine)
        load(engine)
    finally:
        engine.dispose()
    return url
