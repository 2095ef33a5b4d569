"""Registry layers as GeoJSON feature collections for the API and the overview map.

Point layers are written straight from coordinate arrays (a province's 60,000
sites in well under a second); areas go through geopandas. With a profile,
every point also carries its nearest counted post outlet and nearest
existing station (never itself) in geodesic metres, and open applicants the
distance verdict of that profile.
"""

from __future__ import annotations

import json

import numpy as np
import shapely
from sqlalchemy import Engine

from planner.profiles import Profile
from planner.registry import read_table
from planner.spatial.crs import wgs84_to_display

__all__ = ["layer_features"]

_DROP = ("attrs", "deleted_at", "created_at", "updated_at", "id", "candidate_id")
_POINT_FIELDS = {
    "outlets": ("code", "name", "kind", "address"),
    "stations": ("code", "name", "status", "operator", "address"),
    "candidates": ("code", "name", "status", "reported_on", "address"),
}
_OPEN = ("submitted", "surveyed", "needs_info")


def layer_features(engine: Engine, layer: str, *, bbox=None, limit: int, offset: int = 0,
                   profile: Profile | None = None, display: str = "wgs84") -> dict:
    """A FeatureCollection of one layer's active rows, optionally within a WGS84 bbox.

    `display="gcj02"` shifts coordinates for an Amap base map (display only).
    """
    frame = read_table(engine, layer, columns=_POINT_FIELDS.get(layer))
    if bbox is not None and len(frame):
        frame = frame.iloc[frame.sindex.query(shapely.box(*bbox), predicate="intersects")].sort_index()
    total = len(frame)
    page = frame.iloc[offset:offset + limit]
    if layer in _POINT_FIELDS:
        collection = _point_collection(engine, layer, page, profile, display)
    else:
        page = page.drop(columns=[c for c in _DROP if c in page.columns])
        if display != "wgs84" and len(page):
            page = page.set_geometry(shapely.transform(page.geometry.values, _shifter(display)))
        collection = json.loads(page.to_json(na="null", drop_id=True, default=str, ensure_ascii=False))
    collection["numberMatched"] = total
    collection["numberReturned"] = len(page)
    return collection


def _shifter(display):
    def shift(coords):
        x, y = wgs84_to_display(coords[:, 0], coords[:, 1], display)
        return np.column_stack([x, y])

    return shift


def _plain(value):
    if value is None or value != value:
        return None
    return value.isoformat() if hasattr(value, "isoformat") else value


def _point_collection(engine, layer, page, profile, display) -> dict:
    lon, lat = page.geometry.x.to_numpy(), page.geometry.y.to_numpy()
    columns = {name: [_plain(v) for v in page[name]] for name in _POINT_FIELDS[layer] if name in page.columns}
    if profile is not None and len(page):
        columns.update(nearest_context(engine, layer, page["code"].to_numpy(), lon, lat, profile))
    x, y = wgs84_to_display(lon, lat, display)
    names = list(columns)
    rows = zip(*[columns[n] for n in names]) if names else [()] * len(page)
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [round(float(a), 7), round(float(b), 7)]},
                 "properties": dict(zip(names, values))} for a, b, values in zip(x, y, rows)]
    return {"type": "FeatureCollection", "features": features}


def nearest_context(engine, layer, codes, lon, lat, profile: Profile) -> dict:
    """Per point: nearest counted outlet and existing station (never itself), metres, and a verdict."""
    from planner.network import load_network

    network = load_network(engine, profile)
    out = {}
    for key, sites, index in (("outlet", network.outlets, network.outlet_index),
                              ("station", network.stations, network.station_index)):
        names, metres = _nearest_other(index, sites["code"].to_numpy(), codes, lon, lat)
        out[f"nearest_{key}"], out[f"nearest_{key}_m"] = names, metres
    if layer == "candidates":
        statuses = read_table(engine, "candidates", columns=("code", "status")).set_index("code")["status"]
        verdicts = []
        for code, outlet_m, station_m in zip(codes, out["nearest_outlet_m"], out["nearest_station_m"]):
            if statuses.get(code) not in _OPEN:
                verdicts.append(None)
                continue
            too_close = ((outlet_m is not None and outlet_m < profile.min_outlet_distance_m)
                         or (station_m is not None and station_m < profile.min_station_distance_m))
            verdicts.append("fail" if too_close else "pass")
        out["verdict"] = verdicts
    return out


def _nearest_other(index, site_codes, codes, lon, lat):
    if not len(index):
        return [None] * len(codes), [None] * len(codes)
    k = min(2, len(index))
    found = index.query(lon, lat, k=k)
    first_is_self = site_codes[found.index[:, 0]] == codes
    pick = np.where(first_is_self & (k > 1), 1 if k > 1 else 0, 0)
    rows = np.arange(len(codes))
    chosen = found.index[rows, pick]
    metres = found.distance_m[rows, pick]
    usable = (chosen >= 0) & ~(first_is_self & (k == 1))
    names = [str(site_codes[i]) if ok else None for i, ok in zip(chosen, usable)]
    return names, [round(float(m), 2) if ok else None for m, ok in zip(metres, usable)]
