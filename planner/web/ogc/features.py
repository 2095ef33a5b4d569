"""The features of each /ogc/ collection, read once per registry version and written as GeoJSON text.

A collection's rows are read in one query (point tables through the driver's own cursor, as /api/layers
reads them; areas through geopandas) and kept per process while the registry version stays put, each
feature's properties already as JSON text: a page of 10,000 features is then a filter over arrays and a
join of strings. The applicants of a rule profile carry the verdict the single-site check gives them — the
review queue's and the applicant page's (planner.check.site.check_site with the survey facts, distances
from the sites in memory) — and their nearest counted outlet and existing station.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from json.encoder import encode_basestring

import numpy as np
import pandas as pd
import shapely
from sqlalchemy import Engine

from planner.check.site import check_site
from planner.errors import PlannerError
from planner.recent import Recent
from planner.registry.models import Base
from planner.registry.tables import read_point_columns, read_table
from planner.rules.profiles import BUILT_IN, load_profile
from planner.rules.vocabulary import OPEN_APPLICANT_STATUSES, SURVEY_FACTS
from planner.sites.cache import cached_sites
from planner.spatial.compared import compared_metres
from planner.web.ogc.crs import ServedCrs, geometries_to_crs, to_crs

__all__ = ["APPLICANTS", "COLLECTIONS", "Collection", "Rows", "collection_rows", "feature_texts"]

# A feature's time is its last change (what `datetime` filters on). The row's first registration is left out:
# every GIS client parses each date of each feature on every read (GDAL's OAPIF driver slows visibly with one
# more), and the site's whole history is on its page.
_STAMPS = ("updated_at",)
APPLICANTS = "applicants-"


@dataclass(frozen=True)
class Collection:
    """One collection: the table it reads, its properties in order, those a query may filter on."""

    id: str
    table: str
    properties: tuple[str, ...]
    queryables: tuple[str, ...]
    profile: str | None = None

    @property
    def points(self) -> bool:
        return self.table != "areas"


_CANDIDATE = ("code", "name", "status", "reported_on", "address") + SURVEY_FACTS
COLLECTIONS = {c.id: c for c in (
    Collection("outlets", "outlets", ("code", "name", "kind", "address") + _STAMPS, ("code", "kind")),
    Collection("stations", "stations", ("code", "name", "status", "operator", "opened_on", "address") + _STAMPS,
               ("code", "status")),
    Collection("candidates", "candidates", _CANDIDATE + _STAMPS, ("code", "status")),
    Collection("areas", "areas", ("code", "name", "level", "population", "households", "parent_code") + _STAMPS,
               ("code", "level")),
    *(Collection(APPLICANTS + name, "candidates",
                 _CANDIDATE + ("verdict", "reasons", "nearest_outlet", "nearest_outlet_m", "nearest_station",
                               "nearest_station_m") + _STAMPS, ("code", "status", "verdict"), profile=name)
      for name in BUILT_IN),
)}


@dataclass
class Rows:
    """A collection's features at one registry version: codes, positions (or shapes), change times, values
    of the queryables, and each feature's properties as JSON text; feature texts per CRS made on demand."""

    codes: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    shapes: np.ndarray | None  # areas: the polygons (WGS84); points: None
    updated: np.ndarray  # datetime64[s], UTC
    values: dict[str, np.ndarray]
    properties: list[str]
    texts: dict[str, list[str]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.codes)


_ROWS = Recent(16)  # (database URL, collection, registry version, lang) -> Rows


def collection_rows(engine: Engine, collection: Collection, version, lang: str) -> Rows:
    """The collection's features at registry `version` (read now unless this process holds them)."""
    key = (engine.url.render_as_string(hide_password=True), collection.id, version,
           lang if collection.profile else "")
    found = _ROWS.get(key)
    if found is None:
        found = _read(engine, collection, lang)
        _ROWS.put(key, found)
    return found


def _read(engine: Engine, collection: Collection, lang: str) -> Rows:
    if not collection.points:
        return _read_areas(engine, collection)
    stored = [name for name in collection.properties if name in Base.metadata.tables[collection.table].c]
    values, lon, lat = read_point_columns(engine, collection.table, stored)
    columns = {name: _typed(collection.table, name, values[name]) for name in stored}
    if collection.profile is not None:
        open_rows = np.flatnonzero(np.isin(np.asarray(columns["status"], dtype=object), OPEN_APPLICANT_STATUSES))
        columns = {name: column[open_rows] if isinstance(column, np.ndarray) else [column[i] for i in open_rows]
                   for name, column in columns.items()}
        lon, lat = lon[open_rows], lat[open_rows]
        columns.update(_verdicts(engine, collection.profile, columns, lon, lat, lang))
    return _rows(collection, columns, lon, lat, None)


def _read_areas(engine: Engine, collection: Collection) -> Rows:
    frame = read_table(engine, "areas", columns=collection.properties)
    columns = {name: _stamps(frame[name].tolist()) if name in _STAMPS else
               [None if _missing(v) else v for v in frame[name].tolist()] for name in collection.properties}
    shapes = frame.geometry.values
    centres = shapely.get_coordinates(shapely.centroid(shapes)) if len(frame) else np.zeros((0, 2))
    return _rows(collection, columns, centres[:, 0], centres[:, 1], np.asarray(shapes, dtype=object))


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def _typed(table: str, name: str, values: list) -> list:
    """Values as the driver's own cursor gave them, in the column's Python type (SQLite gives text for dates
    and times, integers for flags)."""
    kind = Base.metadata.tables[table].c[name].type.python_type
    if kind is bool:
        return [None if v is None else bool(v) for v in values]
    if kind is dt.datetime:
        return _stamps(values)
    if kind is dt.date:
        return [v if v is None or isinstance(v, dt.date) else dt.date.fromisoformat(str(v)[:10]) for v in values]
    return values


def _stamps(values: list) -> np.ndarray:
    """Times as UTC datetime64[s] (NaT for none): SQLite's text and PostgreSQL's aware datetimes alike, to the
    second — as the features show them and as `datetime` compares them."""
    if not len(values):
        return np.array([], dtype="datetime64[s]")
    return pd.to_datetime(pd.Series(values, dtype=object), utc=True, format="ISO8601").dt.floor("s").dt.tz_localize(
        None).to_numpy(dtype="datetime64[s]")


def _verdicts(engine: Engine, profile_name: str, columns: dict, lon, lat, lang: str) -> dict:
    """Per open applicant: the single-site check's verdict and reasons with its survey facts, and the nearest
    counted outlet and existing station (never itself) in the profile's metres."""
    profile = load_profile(profile_name)
    sites = cached_sites(engine, profile)
    out: dict[str, list] = {name: [] for name in ("verdict", "reasons", "nearest_outlet", "nearest_outlet_m",
                                                   "nearest_station", "nearest_station_m")}
    for i, code in enumerate(columns["code"]):
        facts = {fact: None if _missing(columns[fact][i]) else columns[fact][i] for fact in SURVEY_FACTS}
        try:
            found = check_site(engine, profile, float(lon[i]), float(lat[i]), code=code, facts=facts, lang=lang,
                               sites=sites)
        except PlannerError:  # a walking profile without a road network: no verdict to give (as the queue)
            found = None
        out["verdict"].append(None if found is None else found.verdict)
        out["reasons"].append(None if found is None else "; ".join(found.reasons))
        for kind in ("outlet", "station"):
            site = None if found is None else getattr(found, f"nearest_{kind}")
            out[f"nearest_{kind}"].append(None if site is None else site[0])
            out[f"nearest_{kind}_m"].append(None if site is None else compared_metres(site[1]))
    return out


def _rows(collection: Collection, columns: dict, lon, lat, shapes) -> Rows:
    names = list(collection.properties)
    count = len(columns["code"])
    encoded = [[encode_basestring(name) + ":" + text for text in _encoded(columns[name])] for name in names]
    properties = [",".join(parts) for parts in zip(*encoded)] if count else []
    values = {name: np.asarray(columns[name], dtype=object) for name in collection.queryables}
    return Rows(np.asarray(columns["code"], dtype=object), np.asarray(lon, float), np.asarray(lat, float),
                shapes, columns["updated_at"], values, properties)


def _encoded(column) -> list[str]:
    """A column's values as JSON texts: times as RFC 3339 UTC, text fast, anything else by its type."""
    if isinstance(column, np.ndarray) and column.dtype.kind == "M":
        texts = np.char.add(np.char.add('"', np.datetime_as_string(column, unit="s")), 'Z"')
        return np.where(np.isnat(column), "null", texts).tolist()
    if all(value is None or type(value) is str for value in column):
        return [encode_basestring(value) if value is not None else "null" for value in column]
    return [_encode(value) for value in column]


def _encode(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, str):
        return encode_basestring(value)
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, int | float | np.integer | np.floating):
        return "null" if value != value else repr(value.item() if hasattr(value, "item") else value)
    if isinstance(value, dt.date):
        return '"' + value.isoformat() + '"'
    return encode_basestring(str(value))


def feature_texts(rows: Rows, crs: ServedCrs) -> list[str]:
    """Every feature of `rows` as GeoJSON text in `crs` (made once per CRS and kept with the rows)."""
    found = rows.texts.get(crs.uri)
    if found is not None:
        return found
    ids = [encode_basestring(str(code)) for code in rows.codes]
    if rows.shapes is None:
        first, second = to_crs(rows.lon, rows.lat, crs)
        form = f'{{{{"type":"Point","coordinates":[{{:.{crs.decimals}f}},{{:.{crs.decimals}f}}]}}}}'
        geometries = [form.format(a, b) for a, b in zip(first.tolist(), second.tolist())]
    else:
        shapes = geometries_to_crs(rows.shapes, crs)
        geometries = shapely.to_geojson(shapes).tolist() if len(shapes) else []
    found = [f'{{"type":"Feature","id":{i},"geometry":{g},"properties":{{{p}}}}}'
             for i, g, p in zip(ids, geometries, rows.properties)]
    rows.texts[crs.uri] = found
    return found
