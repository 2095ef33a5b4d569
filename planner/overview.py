"""The overview service: registry layers and counts for the district map."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from planner.maps import MapParts, overview_map
from planner.registry import count_rows, read_table

__all__ = ["Overview", "build_overview"]

_LAYERS = ("areas", "outlets", "stations", "candidates")


@dataclass(frozen=True)
class Overview:
    map: MapParts
    counts: dict[str, int]


def build_overview(engine: Engine, labels: dict, *, assets_url: str, basemap: str,
                   tianditu_key: str = "") -> Overview:
    layers = {name: read_table(engine, name) for name in _LAYERS}
    parts = overview_map(layers, labels, assets_url=assets_url, basemap=basemap, tianditu_key=tianditu_key)
    return Overview(parts, count_rows(engine))
