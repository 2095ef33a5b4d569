"""Every PLANNER_* setting in one table, read here and nowhere else; and how much of a user's file planner reads.

`SETTINGS` names each environment variable with its default and meaning (the
README's settings table is this table). `setting(name)` reads one when it is
needed (not at import), so a test or an operator can change it without
restarting anything; a number that is not a number, or is below its minimum,
is refused with a message naming the variable. The command line and the app
factory take every setting through here.

The file limits: a file over a limit is refused with one line naming the file
(its own name, never a server path), and where it applies the row and column,
before the file's content is held in memory.
"""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from planner.errors import UsageError

__all__ = ["DEFAULT_PROFILE", "SETTINGS", "Limits", "Setting", "configure_logging", "current_limits",
           "setting", "unusable_file"]

_MB = 1024 * 1024
DEFAULT_PROFILE = "yiwu"  # the rule profile when none is named


@dataclass(frozen=True)
class Setting:
    default: object  # None: no default (the value must be given where it is needed)
    meaning: str
    kind: str = "int"  # "int", "float", "text" or "flag" ("1" turns it on)
    minimum: float = 0


SETTINGS: dict[str, Setting] = {
    # where and who
    "PLANNER_DATABASE_URL": Setting(None, "the registry: postgresql://… or sqlite:///…; default the embedded "
                                          "SpatiaLite file instance/planner.sqlite", "text"),
    "PLANNER_USER": Setting(None, "the name command-line changes are recorded under; default the login name", "text"),
    "PLANNER_PASSWORD": Setting(None, "the password for `planner user add/password` without a prompt", "text"),
    "PLANNER_LANG": Setting("zh", "language of command-line messages: zh or en", "text"),
    "PLANNER_LOG_LEVEL": Setting("WARNING", "level of planner's log on stderr (DEBUG, INFO, WARNING, ERROR)",
                                 "text"),
    # the web application
    "PLANNER_PROFILE": Setting(DEFAULT_PROFILE, "the rule profile pages use by default", "text"),
    "PLANNER_BASEMAP": Setting("osm", "the default base map: osm, amap, tianditu or none", "text"),
    "PLANNER_TIANDITU_KEY": Setting("", "a Tianditu key, for the tianditu base map", "text"),
    "PLANNER_SECURE_COOKIES": Setting(False, "1: session cookies only over HTTPS", "flag"),
    "PLANNER_SESSION_IDLE_MIN": Setting(8 * 60, "minutes a session may stay idle", minimum=1),
    "PLANNER_SESSION_MAX_HOURS": Setting(7 * 24, "hours a session may last", minimum=1),
    "PLANNER_PROXY_HOPS": Setting(0, "trusted reverse proxies in front of the server (X-Forwarded-For)"),
    "PLANNER_MAX_UPLOAD_MB": Setting(50, "largest upload of one request", minimum=1),
    "PLANNER_CHECK_WORKERS": Setting(2, "batch checks one web process runs at once", minimum=1),
    "PLANNER_CHECK_QUEUE": Setting(8, "batch checks waiting beyond those"),
    "PLANNER_CHECK_TIMEOUT_S": Setting(600.0, "seconds a batch check may run", "float", minimum=1),
    "PLANNER_UPLOAD_RETENTION_DAYS": Setting(30.0, "days uploads and results of web checks are kept", "float"),
    # work kept between runs
    "PLANNER_CACHE_DIR": Setting("", "folder for the grid sums kept per registry version ('off': keep none); "
                                     "default cache/ beside a SpatiaLite file, else ~/.cache/planner", "text"),
    # imports
    "PLANNER_IMPORT_WAIT_S": Setting(30.0, "seconds an import waits for another to finish", "float"),
    # what a user's file may hold
    "PLANNER_MAX_FILE_MB": Setting(256, "a file on disk", minimum=1),
    "PLANNER_MAX_UNPACKED_MB": Setting(1024, "all parts of a zip (.xlsx, zipped shapefile) unpacked", minimum=1),
    "PLANNER_MAX_ZIP_RATIO": Setting(100.0, "unpacked / packed size of one zip part over 1 MB", "float", minimum=1),
    "PLANNER_MAX_ROWS": Setting(2_000_000, "rows", minimum=1),
    "PLANNER_MAX_COLUMNS": Setting(500, "columns", minimum=1),
    "PLANNER_MAX_CELLS": Setting(20_000_000, "rows × columns", minimum=1),
    "PLANNER_MAX_LINE_KB": Setting(1024, "one line of text, one row of a sheet", minimum=1),
    "PLANNER_MAX_CELL_CHARS": Setting(32_767, "characters in one cell (Excel's own limit)", minimum=1),
    "PLANNER_MAX_GEOJSON_MB": Setting(32, "a GeoJSON document (GDAL holds it whole, at ~25× its size)", minimum=1),
}


def configure_logging() -> None:
    """Log records of planner's modules to stderr at $PLANNER_LOG_LEVEL (the command line, the server and each
    check worker call this; only planner's loggers are touched: libraries keep theirs, and a command's stderr
    stays the one line it promises unless something is worth a warning)."""
    level = str(setting("PLANNER_LOG_LEVEL")).upper()
    logger = logging.getLogger("planner")
    logger.setLevel(level if level in logging.getLevelNamesMapping() else "WARNING")
    if not any(getattr(h, "planner", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.planner = True  # type: ignore[attr-defined]
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(process)d]: %(message)s"))
        logger.addHandler(handler)


def setting(name: str):
    """The value of setting `name` now: from the environment, else its default."""
    spec = SETTINGS[name]
    if spec.kind in ("int", "float"):
        return _env_number(name, spec.default, minimum=spec.minimum, integer=spec.kind == "int")
    raw = os.environ.get(name, "").strip()
    if spec.kind == "flag":
        return raw == "1" if raw else bool(spec.default)
    return raw or spec.default


def _env_number(name: str, default: float, *, minimum: float = 0, integer: bool = True):
    """The number in $`name`, else `default`; a value that is not a number, or below `minimum`, is refused."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw) if integer else float(raw)
    except ValueError:
        value = None
    if value is None or value < minimum:
        kind = "a whole number" if integer else "a number"
        raise UsageError(f"${name} must be {kind} of at least {minimum:g} (got {raw!r})",
                         f"环境变量 {name} 应为不小于 {minimum:g} 的{'整数' if integer else '数'}（当前为 {raw!r}）")
    return value


@dataclass(frozen=True)
class Limits:
    """What one input file may hold (bytes, rows, columns) before planner refuses it."""

    file_bytes: int  # PLANNER_MAX_FILE_MB: the file on disk (an upload is also capped per request)
    unpacked_bytes: int  # PLANNER_MAX_UNPACKED_MB: all parts of a zip (.xlsx, zipped shapefile) unpacked
    zip_ratio: float  # PLANNER_MAX_ZIP_RATIO: unpacked / packed size of one part larger than 1 MB
    rows: int  # PLANNER_MAX_ROWS
    columns: int  # PLANNER_MAX_COLUMNS
    cells: int  # PLANNER_MAX_CELLS: rows × columns
    line_bytes: int  # PLANNER_MAX_LINE_KB: one line of text, one row of a sheet
    cell_chars: int  # PLANNER_MAX_CELL_CHARS: one cell (Excel's own limit by default)
    geojson_bytes: int  # PLANNER_MAX_GEOJSON_MB: GDAL holds a whole GeoJSON document, at ~25× its size


def current_limits() -> Limits:
    """The limits in force now (environment, else defaults)."""
    return Limits(
        file_bytes=setting("PLANNER_MAX_FILE_MB") * _MB,
        unpacked_bytes=setting("PLANNER_MAX_UNPACKED_MB") * _MB,
        zip_ratio=setting("PLANNER_MAX_ZIP_RATIO"),
        rows=setting("PLANNER_MAX_ROWS"),
        columns=setting("PLANNER_MAX_COLUMNS"),
        cells=setting("PLANNER_MAX_CELLS"),
        line_bytes=setting("PLANNER_MAX_LINE_KB") * 1024,
        cell_chars=setting("PLANNER_MAX_CELL_CHARS"),
        geojson_bytes=setting("PLANNER_MAX_GEOJSON_MB") * _MB,
    )


def unusable_file(path, en: str, zh: str, *, row: int | None = None, column: str | None = None) -> UsageError:
    """A file planner cannot use, named by its own name (no folder), with the row and column if known."""
    name = Path(str(path)).name
    where_en = "".join([f", row {row}" if row is not None else "", f", column {column!r}" if column else ""])
    where_zh = "".join([f"，第 {row} 行" if row is not None else "", f"，列“{column}”" if column else ""])
    return UsageError(f"{name}{where_en}: {en}", f"{name}{where_zh}：{zh}")
