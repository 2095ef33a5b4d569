"""Folium maps for the web pages and their shared parts (base map, escaped tooltips, CSP-checked scripts); only
planner.maps imports folium.

Maps load Leaflet from the application's own static files, never from a CDN,
and draw their data layers without depending on any tile server. For an
Amap (GCJ-02) base map, data are shifted to GCJ-02 for display only.

Every text a map shows (codes, names) goes through `_Tip` or `_AreaTip`: folium's own Tooltip
puts its text raw into a JavaScript template literal (where `${…}` runs and `</script>` ends the
script) and its GeoJsonTooltip writes feature properties into innerHTML unescaped.
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass

import geopandas as gpd
import numpy as np

from planner.maps.csp import checked_script, script_hash
from planner.maps.tiles import add_base_tiles
from planner.spatial.crs import geometries_for_display, wgs84_to_display

__all__ = [
    "BASEMAPS",
    "LAYER_STYLES",
    "STATUS_FILL",
    "MapParts",
    "base_map",
    "coverage_map",
    "data_map",
    "display_crs",
    "exit_map",
    "ranking_map",
    "render_parts",
    "share_colour",
    "shift_collection",
    "tip",
]

BASEMAPS = {
    "osm": {
        "tiles": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "attr": "© OpenStreetMap contributors",
        "crs": "wgs84",
    },
    "tianditu": {
        "tiles": "https://t0.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
        "&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={key}",
        "attr": "© 天地图",
        "crs": "wgs84",
    },
    "amap": {
        "tiles": "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
        "attr": "© 高德地图",
        "crs": "gcj02",
        "subdomains": "1234",
    },
    "none": None,
}

LAYER_STYLES = {
    "areas": {"color": "#6b7280", "fill": "#c7d2fe"},
    "outlets": {"color": "#b91c1c", "fill": "#ef4444", "radius": 7},
    "stations": {"color": "#1d4ed8", "fill": "#3b82f6", "radius": 5},
    "candidates": {"color": "#b45309", "fill": "#f59e0b", "radius": 5},
}
STATUS_FILL = {  # fill of a point by its status (stations, applicants) or kind (outlets)
    "listed_for_exit": "#a855f7", "closed": "#9ca3af", "rejected": "#6b7280",
    "approved": "#0f766e", "opened": "#3b82f6", "needs_info": "#eab308", "agency": "#fb7185",
}


@dataclass(frozen=True)
class MapParts:
    """Rendered pieces a Jinja template places: <head> links, the map <div>, the script (which also sets
    `window.__planner.map`), and the CSP hashes of the inline scripts in `header` and `script`."""

    header: str
    html: str
    script: str
    map_name: str
    script_hashes: tuple[str, ...] = ()


def display_crs(basemap: str) -> str:
    """The coordinates data are drawn in on `basemap`: gcj02 for Amap, else WGS84 (also with no base map)."""
    base = BASEMAPS.get(basemap)
    return base["crs"] if base else "wgs84"


def _for_display(frame: gpd.GeoDataFrame, basemap_crs: str) -> gpd.GeoDataFrame:
    if basemap_crs == "wgs84" or frame.empty:
        return frame
    return frame.set_geometry(geometries_for_display(frame.geometry.values, basemap_crs))


def _json_ready(frame: gpd.GeoDataFrame, fields) -> gpd.GeoDataFrame:
    keep = [f for f in fields if f in frame.columns]
    out = frame[keep + [frame.geometry.name]].copy()
    for column in keep:
        out[column] = out[column].astype(object).where(out[column].notna(), "").astype(str)
    return out


def base_map(labels: dict, *, assets_url: str, basemap: str, tianditu_key: str, bounds=None):
    """A folium map with local Leaflet, the chosen tiles, fitted to WGS84 `bounds` (w, s, e, n)."""
    import folium

    base = BASEMAPS.get(basemap) or None
    basemap_crs = display_crs(basemap)
    # Quarter zoom steps: a district fitted to a phone's 390 px spans most of it (whole steps: as little as half).
    fmap = folium.Map(location=[40.13, 116.65] if bounds is None else None, zoom_start=11, tiles=None,
                      prefer_canvas=True, control_scale=True, zoom_snap=0.25)
    fmap.default_js = [("leaflet", f"{assets_url}/leaflet.js")]
    fmap.default_css = [("leaflet_css", f"{assets_url}/leaflet.css")]
    if base:  # added after the page's load, with a note when tiles fail (planner.maps.tiles)
        add_base_tiles(fmap, base, key=tianditu_key, note=labels.get("tiles_failed"))
    if bounds is not None:
        lon, lat = wgs84_to_display(np.array([bounds[0], bounds[2]]), np.array([bounds[1], bounds[3]]), basemap_crs)
        fmap.fit_bounds([[float(lat[0]), float(lon[0])], [float(lat[1]), float(lon[1])]], padding=(24, 24),
                        max_zoom=17)  # bounds of one point: without tiles Leaflet knows no zoom limit
    return fmap, basemap_crs


_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


def render_parts(fmap) -> MapParts:
    root = fmap.get_root()
    root.render()
    name = fmap.get_name()
    script = checked_script(root.script.render() + f"\nwindow.__planner = Object.assign(window.__planner || {{}}, "
                                                   f"{{map: {name}}});\n")
    header = root.header.render()
    # folium's header holds its own constant inline scripts (no data of ours reaches it).
    hashes = tuple(script_hash(body) for body in _INLINE_SCRIPT.findall(header)) + (script_hash(script),)
    return MapParts(header, root.html.render(), script, name, hashes)


@functools.cache
def _tooltip_classes():
    """folium's Tooltip and GeoJsonTooltip with templates that never parse data as HTML or JavaScript
    (made once: folium is imported only when a map is drawn)."""
    import folium
    from folium.template import Template

    class Tip(folium.Tooltip):
        _template = Template("""
            {% macro script(this, kwargs) %}
            {{ this._parent.get_name() }}.bindTooltip({{ this.text|tojson }}, {{ this.options|tojavascript }});
            {% endmacro %}""")

    class AreaTip(folium.features.GeoJsonTooltip):
        _template = Template("""
            {% macro script(this, kwargs) %}
            {{ this._parent.get_name() }}.bindTooltip(function (layer) {
                const div = L.DomUtil.create("div");
                const table = L.DomUtil.create("table", "", div);
                const aliases = {{ this.aliases|tojson }};
                {{ this.fields|tojson }}.forEach(function (field, i) {
                    const row = L.DomUtil.create("tr", "", table);
                    L.DomUtil.create("th", "", row).textContent = aliases[i];
                    const value = layer.feature.properties[field];
                    L.DomUtil.create("td", "", row).textContent = value == null ? "" : String(value);
                });
                return div;
            }, {{ this.tooltip_options|tojavascript }});
            {% endmacro %}""")

    return Tip, AreaTip


def tip(text, **options):
    """A tooltip showing `text` as text: escaped HTML handed to Leaflet as a JSON string."""
    return _tooltip_classes()[0]("<div>" + html.escape(str(text)) + "</div>", **options)


def _area_tip(fields, aliases):
    """A GeoJSON tooltip whose table is built with textContent, never innerHTML."""
    return _tooltip_classes()[1](fields=fields, aliases=aliases)


def _union_bounds(frames):
    bounds = None
    for frame in frames:
        if frame is not None and len(frame):
            b = frame.total_bounds
            bounds = b if bounds is None else np.r_[np.minimum(bounds[:2], b[:2]), np.maximum(bounds[2:], b[2:])]
    return bounds


def data_map(labels: dict, *, assets_url: str, basemap: str = "osm", tianditu_key: str = "",
             bounds=None) -> tuple[MapParts, str]:
    """An empty map whose data layers the page loads itself (large results); returns its display CRS."""
    fmap, basemap_crs = base_map(labels, assets_url=assets_url, basemap=basemap, tianditu_key=tianditu_key,
                                  bounds=bounds)
    return render_parts(fmap), basemap_crs


def shift_collection(collection: dict, basemap_crs: str, position_keys=()) -> dict:
    """Shift a point FeatureCollection (and [lon, lat] properties) for a GCJ-02 base map."""
    if basemap_crs == "wgs84" or not collection["features"]:
        return collection
    for feature in collection["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        x, y = wgs84_to_display(lon, lat, basemap_crs)
        feature["geometry"]["coordinates"] = [float(x), float(y)]
        for key in position_keys:
            if feature["properties"].get(key):
                x, y = wgs84_to_display(*feature["properties"][key], basemap_crs)
                feature["properties"][key] = [float(x), float(y)]
    return collection


GAP_COLOUR = ("#7c2d12", "#fb923c")  # a coverage gap: outline, fill
SHARE_COLOURS = ((0.0, "#b91c1c"), (0.2, "#ef4444"), (0.4, "#f97316"), (0.6, "#facc15"), (0.8, "#84cc16"),
                 (0.95, "#15803d"))
_CIRCLES_LIMIT = 3_000


def share_colour(share: float) -> str:
    colour = SHARE_COLOURS[0][1]
    for threshold, value in SHARE_COLOURS:
        if share >= threshold:
            colour = value
    return colour


def coverage_map(areas: gpd.GeoDataFrame, gaps, sites: gpd.GeoDataFrame, radius_m: float, labels: dict, *,
                 assets_url: str, basemap: str = "osm", tianditu_key: str = "") -> MapParts:
    """Areas coloured by covered share, gaps to recruit in, sites with their service circles."""
    import folium

    fmap, basemap_crs = base_map(labels, assets_url=assets_url, basemap=basemap, tianditu_key=tianditu_key,
                                  bounds=_union_bounds([areas]))
    shown = _json_ready(_for_display(areas, basemap_crs),
                        ["name", "code", "population", "covered_share", "status"])
    shares = areas["covered_share"].to_numpy(dtype=float)
    shown["_fill"] = [share_colour(s) for s in shares]
    shown["covered_share"] = [f"{s:.0%}" for s in shares]
    shown["feature_id"] = ["area:" + str(code) for code in areas["code"]]  # the areas table's rows (map_link.js)
    folium.GeoJson(
        shown, name=labels["areas"],
        style_function=lambda f: {"color": "#374151", "weight": 0.6, "fillColor": f["properties"]["_fill"],
                                  "fillOpacity": 0.55},
        tooltip=_area_tip(["name", "population", "covered_share"],
                          [labels["name"], labels["population"], labels["covered_share"]]),
    ).add_to(fmap)
    circles = folium.FeatureGroup(name=labels["service_circles"], show=len(sites) <= _CIRCLES_LIMIT)
    site_layer = folium.FeatureGroup(name=labels["sites"])
    display = _for_display(sites, basemap_crs)
    for i, (geom, role, code) in enumerate(zip(display.geometry, display["role"], display["code"])):
        colour = LAYER_STYLES["outlets" if role == "outlet" else "stations"]["fill"]
        if i < _CIRCLES_LIMIT:
            folium.Circle([geom.y, geom.x], radius=radius_m, color=colour, weight=1, fill=False,
                          opacity=0.5).add_to(circles)
        folium.CircleMarker([geom.y, geom.x], radius=3, color=colour, fill=True, fill_opacity=1, weight=1,
                            tooltip=tip(code)).add_to(site_layer)
    circles.add_to(fmap)
    site_layer.add_to(fmap)
    gap_layer = folium.FeatureGroup(name=labels["gaps"])
    top = gaps.head(30)
    if len(top):
        glon, glat = wgs84_to_display(top["lon"].to_numpy(float), top["lat"].to_numpy(float), basemap_crs)
        biggest = max(float(top["population"].max()), 1.0)
        for x, y, gap, people in zip(glon, glat, top["gap"], top["population"]):
            marker = folium.CircleMarker([float(y), float(x)], radius=3 + 7 * np.sqrt(float(people) / biggest),
                                         color=GAP_COLOUR[0], fill=True, fill_color=GAP_COLOUR[1], fill_opacity=0.8,
                                         weight=2, tooltip=tip(f"#{gap}: {float(people):,.0f}"))
            marker.options["feature_id"] = f"gap:{gap}"  # the gaps table's row (map_link.js)
            marker.add_to(gap_layer)
    gap_layer.add_to(fmap)
    folium.LayerControl(collapsed=False).add_to(fmap)
    return render_parts(fmap)


LOST_COLOUR = "#dc2626"  # cells that lose service when the listed stations close
CLOSING_COLOUR = "#a855f7"


def exit_map(lost_cells: gpd.GeoDataFrame, closing: gpd.GeoDataFrame, labels: dict, *, assets_url: str,
             basemap: str = "osm", tianditu_key: str = "", areas: gpd.GeoDataFrame | None = None) -> MapParts:
    """The areas' outlines, the cells that lose service (merged into patches, outlined so a few cells show at
    district zoom) and the closing stations (code, people who lose service)."""
    import folium
    import shapely

    fmap, basemap_crs = base_map(labels, assets_url=assets_url, basemap=basemap, tianditu_key=tianditu_key,
                                  bounds=_union_bounds([areas, lost_cells, closing]))
    if areas is not None and len(areas):
        outlines = _for_display(areas[["geometry"]], basemap_crs)
        folium.GeoJson(outlines.__geo_interface__, name=labels["areas"],
                       style_function=lambda f: {"color": "#6b7280", "weight": 0.6, "fill": False}).add_to(fmap)
    if len(lost_cells):
        patches = gpd.GeoDataFrame(geometry=[shapely.union_all(lost_cells.geometry.values)], crs=4326).explode()
        folium.GeoJson(_for_display(patches, basemap_crs).__geo_interface__, name=labels["lost_cells"],
                       style_function=lambda f: {"color": LOST_COLOUR, "weight": 1.5, "fillColor": LOST_COLOUR,
                                                 "fillOpacity": 0.5}).add_to(fmap)
    layer = folium.FeatureGroup(name=labels["closing_stations"])
    display = _for_display(closing, basemap_crs)
    for geom, code, people in zip(display.geometry, display["station_id"], display["lost_population"]):
        marker = folium.CircleMarker([geom.y, geom.x], radius=4, color="#581c87", fill=True,
                                     fill_color=CLOSING_COLOUR, fill_opacity=0.9, weight=1,
                                     tooltip=tip(f"{code}: −{float(people):,.0f}"))
        marker.options["feature_id"] = str(code)  # the exit table's row of the station (map_link.js)
        marker.add_to(layer)
    layer.add_to(fmap)
    folium.LayerControl(collapsed=False).add_to(fmap)
    return render_parts(fmap)


RANK_COLOUR = ("#065f46", "#10b981")  # a ranked pick: outline and its service area, fill


def ranking_map(picks, radius_m: float, labels: dict, *, assets_url: str, basemap: str = "osm",
                tianditu_key: str = "", sites=None) -> MapParts:
    """The best-N picks as numbered markers (rank, code, name, people added) with their service circles, over
    the existing `sites` around them (rows with code, role 'outlet'/'station', lon, lat).

    `picks`: rows with code, name, lon, lat (WGS84), rank and added_population, in rank order."""
    import folium

    lon = picks["lon"].to_numpy(float)
    lat = picks["lat"].to_numpy(float)
    bounds = None
    if len(picks):
        dlat = radius_m / 111_320.0
        dlon = dlat / max(float(np.cos(np.radians(lat.mean()))), 0.05)
        bounds = (lon.min() - dlon, lat.min() - dlat, lon.max() + dlon, lat.max() + dlat)
    fmap, basemap_crs = base_map(labels, assets_url=assets_url, basemap=basemap, tianditu_key=tianditu_key,
                                  bounds=bounds)
    if sites is not None and len(sites):
        existing = folium.FeatureGroup(name=f"{labels['outlets']} · {labels['stations']}")
        sx, sy = wgs84_to_display(sites["lon"].to_numpy(float), sites["lat"].to_numpy(float), basemap_crs)
        for px, py, code, role in zip(sx, sy, sites["code"], sites["role"]):
            style = LAYER_STYLES["outlets" if role == "outlet" else "stations"]
            folium.CircleMarker([float(py), float(px)], radius=4, color=style["color"], fill=True,
                                fill_color=style["fill"], fill_opacity=0.9, weight=1,
                                tooltip=tip(code)).add_to(existing)
        existing.add_to(fmap)
    x, y = wgs84_to_display(lon, lat, basemap_crs)
    areas = folium.FeatureGroup(name=labels["service_circles"])
    markers = folium.FeatureGroup(name=labels["ranked_picks"])
    for px, py, row in zip(x, y, picks.itertuples()):
        where = [float(py), float(px)]
        circle = folium.Circle(where, radius=radius_m, color=RANK_COLOUR[0], weight=1, fill=True,
                               fill_color=RANK_COLOUR[1], fill_opacity=0.15)
        circle.options["feature_id"] = str(row.code)  # the table's rows find their pick by it (map_link.js)
        circle.add_to(areas)
        number = int(row.rank)  # only a number reaches the icon's HTML
        icon = folium.DivIcon(html=f'<span class="rank-pin">{number}</span>', icon_size=(24, 24),
                              icon_anchor=(12, 12), class_name="rank-icon")
        text = f"{number}. {row.code} {row.name or ''} +{float(row.added_population):,.0f}"
        folium.Marker(where, icon=icon, tooltip=tip(text), feature_id=str(row.code)).add_to(markers)
    areas.add_to(fmap)
    markers.add_to(fmap)
    folium.LayerControl(collapsed=True).add_to(fmap)
    return render_parts(fmap)
