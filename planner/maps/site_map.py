"""The map of one site's page (an applicant or a station): the place, its nearest outlet and station with the
distances labelled beside their lines, the rule rings, the walks along the roads and the neighbouring applicants.
Built from the shared parts of planner.maps.render (base map, escaped tooltips, the CSP-checked script)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np

from planner.maps.render import LAYER_STYLES, MapParts, base_map, render_parts, tip
from planner.spatial.crs import wgs84_to_display
from planner.spatial.geodesic import geodesic_distance

__all__ = ["NEIGHBOUR_COLOUR", "ORIGIN_COLOUR", "candidate_map"]

NEIGHBOUR_COLOUR = "#6b7280"  # other applicants on a site page
ORIGIN_COLOUR = ("#111827", "#9ca3af")  # where a relocated station stands now: outline, fill
_LABEL_SIDES = {"top": [0, -8], "bottom": [0, 8]}  # where a distance label stands from its line's middle


def _label_sides(centre, outlet, station) -> dict:
    """'outlet'/'station' -> (direction, offset) of the distance labels: each on the side of its line's
    middle away from the other line's, so the two labels part instead of covering each other."""
    middle = {k: (centre[0] + there[0]) / 2 for k, there in (("outlet", outlet), ("station", station)) if there}
    upper = "station" if middle.get("station", 0.0) > middle.get("outlet", 0.0) else "outlet"
    return {kind: ("top", _LABEL_SIDES["top"]) if kind == upper else ("bottom", _LABEL_SIDES["bottom"])
            for kind in ("outlet", "station")}


def _site_bounds(points, centre, circles_m) -> tuple[float, float, float, float]:
    """WGS84 (w, s, e, n) holding `points` (lon, lat) and the rule circles of `circles_m` metres round `centre`."""
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    reach = max([m for m in circles_m if m] + [150.0])
    dlat = reach / 111_320.0
    dlon = dlat / max(np.cos(np.radians(centre[1])), 0.05)
    return (min(*lons, centre[0] - dlon), min(*lats, centre[1] - dlat),
            max(*lons, centre[0] + dlon), max(*lats, centre[1] + dlat))


def candidate_map(shop, outlet, station, neighbours: gpd.GeoDataFrame, thresholds: dict, labels: dict, *,
                  assets_url: str, basemap: str = "osm", tianditu_key: str = "", origin=None,
                  routes=None) -> MapParts:
    """A shop with its nearest outlet and station (lines labelled in metres), the rule circles, neighbours.

    `shop`, `outlet`, `station` are (code, lon, lat[, metres]) tuples or None; `origin` (lon, lat) is
    where a station stands now when `shop` is the new place of a relocation. For a walking profile,
    `routes` ('outlet'/'station' -> (metres, [(lon, lat), …])) are drawn along the roads and labelled
    with the walking metres beside the straight line and its geodesic metres. The map is fitted to the
    shop, its nearest outlet and station, the place it moves from and the rule circles; the distance
    labels stand beside their line's middle, so the points stay visible.
    """
    import folium

    lon0, lat0 = shop[1], shop[2]
    rings = ((thresholds.get("min_outlet_distance_m", 0), LAYER_STYLES["outlets"]["color"]),
             (thresholds.get("min_station_distance_m", 0), LAYER_STYLES["stations"]["color"]))
    shown = [(lon0, lat0)] + [(s[1], s[2]) for s in (outlet, station) if s is not None] + \
        ([tuple(origin)] if origin is not None else []) + \
        [tuple(point) for route in (routes or {}).values() if route and route[1] for point in route[1]]
    fmap, basemap_crs = base_map(labels, assets_url=assets_url, basemap=basemap, tianditu_key=tianditu_key,
                                  bounds=_site_bounds(shown, (lon0, lat0), [r for r, _ in rings]))

    def here(lon, lat):
        x, y = wgs84_to_display(lon, lat, basemap_crs)
        return [float(y), float(x)]

    centre = here(lon0, lat0)
    for radius, colour in rings:
        if radius:
            folium.Circle(centre, radius=radius, color=colour, weight=1, dash_array="6 4", fill=False,
                          tooltip=tip(f"{radius:g} m")).add_to(fmap)
    others = folium.FeatureGroup(name=labels["candidates"])
    for code, geom in zip(neighbours.get("code", []), neighbours.geometry if len(neighbours) else []):
        folium.CircleMarker(here(geom.x, geom.y), radius=4, color=NEIGHBOUR_COLOUR, fill=True, fill_opacity=0.7,
                            tooltip=tip(code)).add_to(others)
    others.add_to(fmap)
    routes = routes or {}
    sides = _label_sides(centre, *(here(s[1], s[2]) if s is not None else None for s in (outlet, station)))
    for site, layer, kind in ((outlet, "outlets", "outlet"), (station, "stations", "station")):
        if site is None:
            continue
        style = LAYER_STYLES[layer]
        there = here(site[1], site[2])
        side, shift = sides[kind]
        route = routes.get(kind)
        if route and route[1]:
            folium.PolyLine([here(*point) for point in route[1]], color=style["color"], weight=4, opacity=0.85,
                            className=f"walking-route walking-route-{kind}",
                            tooltip=tip(f"{site[0]}: {labels['on_foot']} {route[0]:,.1f} {labels['metres']}",
                                         permanent=True, direction=side, offset=shift)).add_to(fmap)
        line_metres = float(geodesic_distance(lon0, lat0, site[1], site[2])) if route else site[3]
        line_label = f"{labels['straight_line']} " if route else ""
        folium.PolyLine([centre, there], color=style["color"], weight=2, dash_array="5 5",
                        tooltip=tip(f"{site[0]}: {line_label}{line_metres:,.1f} {labels['metres']}",
                                     permanent=not route, direction=side, offset=shift,
                                     className=f"distance-label distance-label-{kind}")).add_to(fmap)
        folium.CircleMarker(there, radius=7, color=style["color"], fill=True, fill_color=style["fill"],
                            fill_opacity=1, tooltip=tip(site[0])).add_to(fmap)
    if origin is not None:
        was = here(*origin)
        folium.PolyLine([was, centre], color=ORIGIN_COLOUR[0], weight=2, tooltip=tip(labels["relocate"])).add_to(fmap)
        folium.CircleMarker(was, radius=6, color=ORIGIN_COLOUR[0], fill=True, fill_color=ORIGIN_COLOUR[1],
                            fill_opacity=1, tooltip=tip(f"{shop[0]} ({labels['relocate']})")).add_to(fmap)
    folium.CircleMarker(centre, radius=9, color=LAYER_STYLES["candidates"]["color"], fill=True,
                        fill_color=LAYER_STYLES["candidates"]["fill"], fill_opacity=1,
                        tooltip=tip(shop[0])).add_to(fmap)
    return render_parts(fmap)
