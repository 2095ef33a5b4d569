"""Registry layers as GeoJSON feature collections for the API and maps."""

from __future__ import annotations

import json

from sqlalchemy import Engine

from planner.registry import read_table

__all__ = ["layer_features"]

_DROP = ("attrs", "deleted_at", "created_at", "updated_at")


def layer_features(engine: Engine, layer: str, *, bbox=None, limit: int, offset: int = 0) -> dict:
    """A FeatureCollection of one layer's active rows, optionally within a WGS84 bbox."""
    frame = read_table(engine, layer)
    if bbox is not None and len(frame):
        frame = frame.iloc[frame.sindex.query(_box(bbox), predicate="intersects")].sort_index()
    total = len(frame)
    page = frame.iloc[offset:offset + limit].drop(columns=[c for c in _DROP if c in frame.columns])
    collection = json.loads(page.to_json(na="null", drop_id=True, to_wgs84=True, default=str, ensure_ascii=False))
    collection["numberMatched"] = total
    collection["numberReturned"] = len(page)
    return collection


def _box(bbox):
    from shapely import box

    return box(*bbox)
