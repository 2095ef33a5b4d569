"""The query parameters of /ogc/…/items, validated (400 for anything unusable), and the rows they select.

`bbox` (4 numbers; in `bbox-crs`, CRS84 by default), `limit` (1…10,000, default 10), `offset`, `crs`,
`datetime` (an RFC 3339 instant, a date, or an interval `start/end` with `..` or nothing for an open end,
compared with each feature's last change, `updated_at`), and the collection's queryables as
`name=value` (several values comma-separated). Any other parameter is refused, as the standard asks of a
server that does not accept it, except the representation's own (`f`, `lang`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import shapely
from werkzeug.datastructures import MultiDict

from planner.errors import UsageError
from planner.web.ogc.crs import ServedCrs, bbox_in_crs84, parse_crs
from planner.web.ogc.features import Collection, Rows

__all__ = ["DEFAULT_LIMIT", "MAX_LIMIT", "ItemsQuery"]

DEFAULT_LIMIT, MAX_LIMIT = 10, 10_000
_OWN = {"f", "lang", "bbox", "bbox-crs", "limit", "offset", "crs", "datetime"}


@dataclass(frozen=True)
class ItemsQuery:
    limit: int
    offset: int
    bbox: tuple[float, float, float, float] | None  # west, south, east, north (CRS84)
    crs: ServedCrs
    interval: tuple[dt.datetime | None, dt.datetime | None] | None
    filters: tuple[tuple[str, tuple[str, ...]], ...]

    @classmethod
    def from_args(cls, args: MultiDict, collection: Collection, offered: list[str]) -> ItemsQuery:
        unknown = sorted(set(args) - _OWN - set(collection.queryables))
        if unknown:
            raise UsageError(f"unknown query parameter(s) {', '.join(unknown)}: this collection filters on "
                             + ", ".join(collection.queryables),
                             f"未知参数 {'、'.join(unknown)}：本集合可按 {'、'.join(collection.queryables)} 筛选")
        limit = _whole(args, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
        offset = _whole(args, "offset", 0, 0, 10**12)
        crs = parse_crs(args.get("crs"), offered)
        bbox = None
        if args.get("bbox") is not None:
            bbox = bbox_in_crs84(_bbox(args["bbox"]), parse_crs(args.get("bbox-crs"), offered, "bbox-crs"))
        elif args.get("bbox-crs") is not None:
            parse_crs(args["bbox-crs"], offered, "bbox-crs")
        interval = _interval(args["datetime"]) if args.get("datetime") is not None else None
        filters = tuple((name, tuple(v for v in args[name].split(",") if v))
                        for name in collection.queryables if args.get(name) is not None)
        return cls(limit, offset, bbox, crs, interval, filters)

    def select(self, rows: Rows) -> np.ndarray:
        """Indices of the rows this query matches, in the collection's order."""
        keep = np.ones(len(rows), dtype=bool)
        if self.bbox is not None:
            west, south, east, north = self.bbox
            if rows.shapes is None:
                keep &= (rows.lon >= west) & (rows.lon <= east) & (rows.lat >= south) & (rows.lat <= north)
            elif len(rows):
                keep &= shapely.intersects(rows.shapes, shapely.box(west, south, east, north))
        for name, wanted in self.filters:
            keep &= np.isin(rows.values[name], list(wanted))
        if self.interval is not None:
            start, end = self.interval
            if start is not None:
                keep &= rows.updated >= np.datetime64(start.replace(tzinfo=None), "us")
            if end is not None:
                keep &= rows.updated <= np.datetime64(end.replace(tzinfo=None), "us")
        return np.flatnonzero(keep)


def _whole(args: MultiDict, name: str, default: int, low: int, high: int) -> int:
    raw = args.get(name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:  # '²'.isdigit(), int('²') fails
        raise UsageError(f"{name} must be a whole number from {low} to {high}, got {raw!r}",
                         f"参数 {name} 应为 {low} 至 {high} 的整数，实际为 {raw!r}")
    return int(raw)


def _bbox(raw: str) -> tuple[float, ...]:
    try:
        box = tuple(float(v) for v in raw.split(","))
    except ValueError:
        box = ()
    if len(box) != 4 or not all(np.isfinite(box)) or box[0] > box[2] or box[1] > box[3]:
        raise UsageError(f"bbox must be four numbers, lower corner then upper corner, got {raw!r}",
                         f"bbox 应为四个数：左下角、右上角，实际为 {raw!r}")
    return box


def _instant(raw: str, *, end: bool) -> dt.datetime | None:
    if raw in ("", ".."):
        return None
    try:
        if len(raw) == 10:  # a date: the whole day
            day = dt.datetime.combine(dt.date.fromisoformat(raw), dt.time(), dt.UTC)
            return day + dt.timedelta(days=1, microseconds=-1) if end else day
        value = dt.datetime.fromisoformat(raw)
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
    except (ValueError, OverflowError):  # year 1 at +14:00 has no UTC instant
        raise UsageError(f"datetime {raw!r} is not an RFC 3339 date or time",
                         f"datetime 参数 {raw!r} 不是 RFC 3339 日期或时间") from None


def _interval(raw: str) -> tuple[dt.datetime | None, dt.datetime | None]:
    if "/" not in raw:
        if raw in ("", ".."):
            raise UsageError("datetime needs an instant or an interval", "datetime 参数应为时间点或时间区间")
        start, end = _instant(raw, end=False), _instant(raw, end=True)
        if len(raw) != 10:
            end = start
        return start, end
    first, _, second = raw.partition("/")
    start, end = _instant(first, end=False), _instant(second, end=True)
    if start is not None and end is not None and start > end:
        raise UsageError(f"datetime interval {raw!r} ends before it starts", f"datetime 区间 {raw!r} 结束早于开始")
    return start, end
