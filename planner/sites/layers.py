"""Registry layers as GeoJSON text for the API and the overview map.

Point layers are read with one plain query and written straight to JSON
text (a province's 60,000 sites in a fraction of a second); areas go through
geopandas. With a profile, every point also carries its nearest counted post
outlet and nearest existing station (never itself) in geodesic metres, and
open applicants the distance verdict of that profile.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring

import numpy as np
import shapely
from sqlalchemy import Engine

from planner.registry.tables import read_point_columns, read_table
from planner.rules.profiles import Profile
from planner.rules.verdict import too_close
from planner.rules.vocabulary import OPEN_APPLICANT_STATUSES
from planner.spatial.areas import containing_area, stations_per_area
from planner.spatial.crs import geometries_for_display, wgs84_to_display
from planner.spatial.nearest import nearest_other

__all__ = ["POINT_FIELDS", "layer_geojson", "nearest_context"]

_DROP = ("attrs", "deleted_at", "created_at", "updated_at", "id", "candidate_id")
POINT_FIELDS = {
    "outlets": ("code", "name", "kind", "address"),
    "stations": ("code", "name", "status", "operator", "address"),
    "candidates": ("code", "name", "status", "reported_on", "address"),
}


def layer_geojson(engine: Engine, layer: str, *, bbox=None, limit: int, offset: int = 0,
                  profile: Profile | None = None, display: str = "wgs84", fields=None, code=None) -> str:
    """A FeatureCollection (JSON text) of one layer's active rows, optionally within a WGS84 bbox.

    `display="gcj02"` shifts coordinates for an Amap base map (display only);
    `fields` limits the properties (the code always comes; the nearest-site
    context only when asked for or when no fields are given); `code` picks one row.
    """
    if layer not in POINT_FIELDS:
        return _area_geojson(engine, layer, bbox, limit, offset, display)
    wanted = [f for f in POINT_FIELDS[layer] if f == "code" or not fields or f in fields]
    read = wanted + (["status"] if "status" in POINT_FIELDS[layer] and "status" not in wanted else [])
    values, lon, lat = read_point_columns(engine, layer, read, code=code)
    if bbox is not None:
        keep = np.flatnonzero((lon >= bbox[0]) & (lon <= bbox[2]) & (lat >= bbox[1]) & (lat <= bbox[3]))
    else:
        keep = np.arange(lon.size)
    total = int(keep.size)
    keep = keep[offset:offset + limit]
    columns = {name: [values[name][i] for i in keep] for name in wanted}
    if profile is not None and keep.size:
        context = nearest_context(engine, layer, np.array([values["code"][i] for i in keep], dtype=object),
                                  lon[keep], lat[keep], profile,
                                  [values["status"][i] for i in keep] if "status" in values else None)
        columns.update({k: v for k, v in context.items() if not fields or k in fields or
                        (k.startswith("nearest_") and f"nearest_{k.split('_')[1]}" in fields)})
    x, y = wgs84_to_display(lon[keep], lat[keep], display)
    return _points_text(x, y, columns, total)


def _encode(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, str):
        return encode_basestring(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return "null" if value != value else repr(value)
    if hasattr(value, "isoformat"):
        return '"' + value.isoformat() + '"'
    return encode_basestring(str(value))


def _points_text(x, y, columns: dict, total: int) -> str:
    keys = [encode_basestring(name) + ":" for name in columns]
    encoded = [[key + _encode(v) for v in values] for key, values in zip(keys, columns.values())]
    properties = (",".join(parts) for parts in zip(*encoded)) if encoded else ("" for _ in range(len(x)))
    features = ",".join(
        f'{{"type":"Feature","geometry":{{"type":"Point","coordinates":[{a:.7f},{b:.7f}]}},"properties":{{{p}}}}}'
        for a, b, p in zip(x, y, properties))
    return (f'{{"type":"FeatureCollection","features":[{features}],'
            f'"numberMatched":{total},"numberReturned":{len(x)}}}')


def _area_geojson(engine, layer, bbox, limit, offset, display) -> str:
    frame = read_table(engine, layer)
    if bbox is not None and len(frame):
        frame = frame.iloc[frame.sindex.query(shapely.box(*bbox), predicate="intersects")].sort_index()
    total = len(frame)
    page = frame.iloc[offset:offset + limit]
    page = page.drop(columns=[c for c in _DROP if c in page.columns])
    if len(page):
        page = page.set_geometry(geometries_for_display(page.geometry.values, display))
    collection = json.loads(page.to_json(na="null", drop_id=True, default=str, ensure_ascii=False))
    collection["numberMatched"] = total
    collection["numberReturned"] = len(page)
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":"))


def nearest_context(engine, layer, codes, lon, lat, profile: Profile, statuses=None) -> dict:
    """Per point: nearest counted outlet and existing station (never itself), metres, and a verdict."""
    from planner.sites.cache import cached_sites

    sites = cached_sites(engine, profile)
    out = {}
    # A point is never its own neighbour; a site of another table that shares its code is one.
    none = np.full(len(codes), None, dtype=object)
    own = (codes if layer == "outlets" else none, codes if layer in ("stations", "candidates") else none)
    off_road = unreachable = np.zeros(len(codes), bool)
    if profile.metric == "walking" and sites.walking is not None:  # the profile's own metres: on foot
        found, off_m, unreachable = sites.walking.nearest_many(
            np.asarray(lon, float), np.asarray(lat, float), own, (sites.outlet_index, sites.outlet_codes),
            (sites.station_index, sites.station_codes), (profile.min_outlet_distance_m, profile.min_station_distance_m))
        off_road = ~(off_m <= profile.max_road_distance_m)
    else:
        found = [nearest_other(sites.outlet_index, sites.outlet_codes, own[0], lon, lat),
                 nearest_other(sites.station_index, sites.station_codes, own[1], lon, lat)]
    for key, (names, metres) in zip(("outlet", "station"), found):
        out[f"nearest_{key}"], out[f"nearest_{key}_m"] = names, metres
    if layer == "candidates" and profile.metric == "walking" and sites.walking is None:
        out["verdict"] = [None] * len(codes)  # no road network: no walking verdict to show
    elif layer == "candidates":
        # too_close reads the metres as floats: a missing site (None) becomes NaN, never too close.
        outlet_close, station_close = too_close(profile, out["nearest_outlet_m"], out["nearest_station_m"])
        failing = outlet_close | station_close | unreachable
        if profile.max_stations_per_area > 0:
            failing |= _area_full(engine, profile, sites, lon, lat)
        out["verdict"] = [None if status not in OPEN_APPLICANT_STATUSES or far else "fail" if close else "pass"
                          for status, close, far in zip(statuses, failing.tolist(), off_road.tolist())]
    return out


def _area_full(engine, profile: Profile, sites, lon, lat) -> np.ndarray:
    """Per point, judged alone as the single-site check judges it: outside every area of the profile's levels,
    or in one that already holds `max_stations_per_area` existing stations. Only open applicants get a
    verdict, and an open applicant is never among the existing stations, so none counts itself."""
    areas = read_table(engine, "areas", columns=("code", "level"))
    polygons = areas.geometry.values[np.isin(areas["level"].to_numpy(dtype=object), list(profile.area_levels))]
    if len(polygons) == 0:
        return np.ones(np.asarray(lon).size, dtype=bool)  # no area of those levels: every point is outside
    area = containing_area(polygons, lon, lat)
    held = stations_per_area(containing_area(polygons, sites.station_index.lon, sites.station_index.lat),
                             len(polygons))
    return (area < 0) | (held[np.maximum(area, 0)] >= profile.max_stations_per_area)
