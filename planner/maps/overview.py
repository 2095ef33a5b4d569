"""The overview service: a base map fitted to the registry, counts, and what the page's script loads.

The data layers are not inlined: the page fetches them from /api/layers as
GeoJSON and draws them on one canvas, which keeps a province (tens of
thousands of sites) responsive.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from planner.maps.render import LAYER_STYLES, STATUS_FILL, MapParts, data_map
from planner.registry.tables import count_rows, extent

__all__ = ["VERDICT_FILL", "Overview", "build_overview"]

POINT_LAYERS = ("outlets", "stations", "candidates")
VERDICT_FILL = {"pass": "#22c55e", "fail": "#dc2626"}


@dataclass(frozen=True)
class Overview:
    map: MapParts
    counts: dict[str, int]
    display: str  # coordinates the layers are fetched in: wgs84, or gcj02 under an Amap base map
    styles: dict


def build_overview(engine: Engine, labels: dict, *, assets_url: str, basemap: str,
                   tianditu_key: str = "") -> Overview:
    parts, display = data_map(labels, assets_url=assets_url, basemap=basemap, tianditu_key=tianditu_key,
                              bounds=extent(engine))
    styles = {"layers": LAYER_STYLES, "status": STATUS_FILL, "verdict": VERDICT_FILL}
    return Overview(parts, count_rows(engine), display, styles)
