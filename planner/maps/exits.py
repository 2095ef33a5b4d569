"""The map of what closing stations costs: the cells that lose service and the stations closing."""

from __future__ import annotations

import geopandas as gpd

from planner.maps.render import MapParts, _base_map, _for_display, _render, _tip, _union_bounds

__all__ = ["LOST_COLOUR", "exit_map"]

LOST_COLOUR = "#dc2626"
CLOSING_COLOUR = "#a855f7"


def exit_map(lost_cells: gpd.GeoDataFrame, closing: gpd.GeoDataFrame, labels: dict, *, assets_url: str,
             basemap: str = "osm", tianditu_key: str = "") -> MapParts:
    """Cells that lose service (shaded by nobody else serving them) and the closing stations (code, people)."""
    import folium

    fmap, basemap_crs = _base_map(labels, assets_url=assets_url, basemap=basemap, tianditu_key=tianditu_key,
                                  bounds=_union_bounds([lost_cells, closing]))
    if len(lost_cells):
        shown = _for_display(lost_cells, basemap_crs)
        folium.GeoJson(shown.__geo_interface__, name=labels["lost_cells"],
                       style_function=lambda f: {"color": LOST_COLOUR, "weight": 0, "fillColor": LOST_COLOUR,
                                                 "fillOpacity": 0.45}).add_to(fmap)
    layer = folium.FeatureGroup(name=labels["closing_stations"])
    display = _for_display(closing, basemap_crs)
    for geom, code, people in zip(display.geometry, display["station_id"], display["lost_population"]):
        folium.CircleMarker([geom.y, geom.x], radius=6, color="#581c87", fill=True, fill_color=CLOSING_COLOUR,
                            fill_opacity=0.9, weight=2, tooltip=_tip(f"{code}: −{float(people):,.0f}")).add_to(layer)
    layer.add_to(fmap)
    folium.LayerControl(collapsed=False).add_to(fmap)
    return _render(fmap)
