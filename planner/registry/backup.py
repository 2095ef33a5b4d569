"""Backup and restore of a whole registry: pg_dump/pg_restore for PostGIS, SQLite's online backup for SpatiaLite.

A backup is one file: PostgreSQL's custom format (`pg_dump -Fc`) or a copy of
the SpatiaLite database made by SQLite's online backup API (consistent while
the application keeps running). It is written beside FILE first and renamed
into place when complete, so a failed backup never leaves a half-written file.

A restore goes into an empty database (one without planner's tables) and
refuses a non-empty one unless forced; on PostgreSQL it runs in one
transaction. Afterwards the schema is upgraded to this planner's revision and
the database gets a new identity in the change counters, so no running web
worker mistakes the restored registry for what it had cached.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import inspect, text, update
from sqlalchemy.engine import make_url

from planner.errors import PlannerError, UsageError
from planner.registry.engine import is_sqlite, make_engine, resolve_url
from planner.registry.models import Base, ChangeCounter
from planner.registry.schema import upgrade_schema

__all__ = ["backup", "restore"]

_TOOLS = Path("/usr/lib/postgresql")
_PG_MAGIC = b"PGDMP"
_SQLITE_MAGIC = b"SQLite format 3\x00"


def backup(db_url: str | None, file) -> str:
    """Write the database at `db_url` to `file`; returns a one-line summary."""
    url, file = resolve_url(db_url), Path(file)
    if not file.parent.is_dir():
        raise UsageError(f"{file}: the folder does not exist", f"{file}：文件夹不存在")
    partial = file.with_name(file.name + ".partial")
    try:
        if is_sqlite(url):
            _backup_sqlite(_sqlite_path(url), partial)
        else:
            _run_pg("pg_dump", url, ["--format=custom", f"--file={partial}"])
        os.replace(partial, file)
    finally:
        partial.unlink(missing_ok=True)
    return f"backup written: {file} ({file.stat().st_size:,} bytes)"


def restore(db_url: str | None, file, *, force: bool = False) -> str:
    """Load the backup `file` into the database at `db_url` (empty, unless `force`); returns a summary."""
    url, file = resolve_url(db_url), Path(file)
    kind = _backup_kind(file)
    engine = make_engine(url)
    try:
        if kind != ("sqlite" if is_sqlite(url) else "postgresql"):
            raise UsageError(f"{file} is a {kind} backup and cannot be restored into this database",
                             f"{file} 是 {kind} 备份，不能恢复到这个数据库")
        found = _planner_tables(engine)
        if found and not force:
            raise UsageError(f"the database already holds a registry ({', '.join(sorted(found)[:4])}, …): "
                             "restore into an empty database, or add --force to replace it",
                             "数据库中已有登记库数据：请恢复到空数据库，或加 --force 覆盖")
        engine.dispose()
        if kind == "sqlite":
            _restore_sqlite(file, _sqlite_path(url))
        else:
            _restore_pg(engine, url, file, clean=bool(found))
        revision = upgrade_schema(engine)
        with engine.begin() as conn:  # a new identity: caches of the database before never match it
            conn.execute(update(ChangeCounter).where(ChangeCounter.name == "database")
                         .values(n=secrets.randbits(62)))
    finally:
        engine.dispose()
    return f"restored {file} into {make_url(url).render_as_string(hide_password=True)} (schema at revision {revision})"


def _sqlite_path(url: str) -> Path:
    return Path(make_url(url).database)


def _planner_tables(engine) -> set[str]:
    """The planner tables the database has (SpatiaLite's and PostGIS's own do not count)."""
    return set(inspect(engine).get_table_names()) & (set(Base.metadata.tables) | {"alembic_version"})


def _backup_kind(file: Path) -> str:
    try:
        with open(file, "rb") as f:
            head = f.read(16)
    except OSError as exc:
        raise UsageError(f"{file}: cannot read the backup ({exc.strerror})",
                         f"{file}：无法读取备份文件（{exc.strerror}）") from exc
    if head.startswith(_PG_MAGIC):
        return "postgresql"
    if head == _SQLITE_MAGIC:
        return "sqlite"
    raise UsageError(f"{file} is not a planner backup (neither pg_dump's custom format nor an SQLite database)",
                     f"{file} 不是 planner 备份文件（既不是 pg_dump 自定义格式，也不是 SQLite 数据库）")


def _sqlite():
    import pysqlite3.dbapi2 as sqlite  # the module planner.registry.engine uses

    return sqlite


def _backup_sqlite(path: Path, target: Path) -> None:
    if not path.is_file():
        raise UsageError(f"no database at {path}", f"{path} 处没有数据库")
    sqlite = _sqlite()
    source = sqlite.connect(f"file:{quote(str(path))}?mode=ro", uri=True)
    try:
        copy = sqlite.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
    finally:
        source.close()


def _restore_sqlite(file: Path, path: Path) -> None:
    sqlite = _sqlite()
    source = sqlite.connect(f"file:{quote(str(file))}?mode=ro", uri=True)
    try:
        if not source.execute("SELECT 1 FROM sqlite_master WHERE name = 'alembic_version'").fetchone():
            raise UsageError(f"{file} is an SQLite database but not a planner backup (no schema revision)",
                             f"{file} 是 SQLite 数据库，但不是 planner 备份（没有结构版本）")
        path.parent.mkdir(parents=True, exist_ok=True)
        target = sqlite.connect(path, timeout=30)
        try:
            source.backup(target)  # replaces every page of the target, under its write lock
        finally:
            target.close()
    finally:
        source.close()


def _restore_pg(engine, url: str, file: Path, *, clean: bool) -> None:
    """pg_restore in one transaction, without owners and grants (the restoring user owns everything)."""
    with engine.connect() as conn:
        has_postgis = conn.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'postgis'")).first() is not None
    options = ["--single-transaction", "--exit-on-error", "--no-owner", "--no-privileges"]
    if clean:
        options += ["--clean", "--if-exists"]
    with tempfile.TemporaryDirectory() as folder:
        if has_postgis:  # the extension is there already: restore what is in it, not the extension again
            listing = _run_pg("pg_restore", None, ["--list", str(file)], major=_server_major(url))
            kept = [line for line in listing.splitlines() if not re.search(r"\bEXTENSION\b.*\bpostgis\b", line)]
            toc = Path(folder) / "toc.list"
            toc.write_text("\n".join(kept) + "\n", encoding="utf-8")
            options.append(f"--use-list={toc}")
        _run_pg("pg_restore", url, options + [str(file)])
    with engine.begin() as conn:
        conn.execute(text("REVOKE UPDATE, DELETE, TRUNCATE ON events FROM PUBLIC"))


def _server_major(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SHOW server_version_num")).scalar_one()) // 10000
    finally:
        engine.dispose()


def _tool(name: str, major: int) -> str:
    """`name` of the server's major version, else of a newer one (they read older servers and dumps)."""
    versions = sorted(int(p.name) for p in _TOOLS.glob("*") if p.name.isdigit() and (p / "bin" / name).exists())
    for version in versions:
        if version >= major:
            return str(_TOOLS / str(version) / "bin" / name)
    found = shutil.which(name)
    if found:
        answer = subprocess.run([found, "--version"], capture_output=True, text=True, check=False).stdout
        numbers = re.search(r"(\d+)(?:\.\d+)?", answer)
        if numbers and int(numbers.group(1)) >= major:
            return found
    raise UsageError(f"{name} for PostgreSQL {major} was not found: install Debian's postgresql-client-{major}",
                     f"未找到 PostgreSQL {major} 的 {name}：请安装 Debian 软件包 postgresql-client-{major}")


def _run_pg(name: str, url: str | None, arguments: list[str], *, major: int | None = None) -> str:
    """Run pg_dump or pg_restore (against `url`, its password passed in the environment); its stdout."""
    env, target = dict(os.environ), []
    if url is not None:
        parsed = make_url(url)
        if parsed.password:
            env["PGPASSWORD"] = parsed.password
        plain = parsed.set(drivername="postgresql", password=None)
        target = [f"--dbname={plain.render_as_string(hide_password=False)}"]
        major = _server_major(url)
    done = subprocess.run([_tool(name, major), *target, *arguments], capture_output=True, text=True, env=env,
                          check=False)
    if done.returncode != 0:
        said = " ".join(done.stderr.strip().splitlines()[:3]) or f"exit code {done.returncode}"
        raise PlannerError(f"{name} failed: {said}", f"{name} 失败：{said}")
    return done.stdout
