"""How much of a user's file planner will read, and the settings that say so.

Every limit has a default and an environment variable. They are read when a
file is read (not at import), so a test or an operator can change them
without restarting anything. A file over a limit is refused with one line
naming the file (its own name, never a server path), and where it applies
the row and column, before the file's content is held in memory.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from planner.errors import UsageError

__all__ = ["Limits", "current_limits", "env_number", "unusable_file"]

_MB = 1024 * 1024


def env_number(name: str, default: float, *, minimum: float = 0, integer: bool = True):
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
        file_bytes=env_number("PLANNER_MAX_FILE_MB", 256, minimum=1) * _MB,
        unpacked_bytes=env_number("PLANNER_MAX_UNPACKED_MB", 1024, minimum=1) * _MB,
        zip_ratio=env_number("PLANNER_MAX_ZIP_RATIO", 100.0, minimum=1, integer=False),
        rows=env_number("PLANNER_MAX_ROWS", 2_000_000, minimum=1),
        columns=env_number("PLANNER_MAX_COLUMNS", 500, minimum=1),
        cells=env_number("PLANNER_MAX_CELLS", 20_000_000, minimum=1),
        line_bytes=env_number("PLANNER_MAX_LINE_KB", 1024, minimum=1) * 1024,
        cell_chars=env_number("PLANNER_MAX_CELL_CHARS", 32_767, minimum=1),
        geojson_bytes=env_number("PLANNER_MAX_GEOJSON_MB", 32, minimum=1) * _MB,
    )


def unusable_file(path, en: str, zh: str, *, row: int | None = None, column: str | None = None) -> UsageError:
    """A file planner cannot use, named by its own name (no folder), with the row and column if known."""
    name = Path(str(path)).name
    where_en = "".join([f", row {row}" if row is not None else "", f", column {column!r}" if column else ""])
    where_zh = "".join([f"，第 {row} 行" if row is not None else "", f"，列“{column}”" if column else ""])
    return UsageError(f"{name}{where_en}: {en}", f"{name}{where_zh}：{zh}")
