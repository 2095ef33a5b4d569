"""The JSON documents of /ogc/: landing page, conformance, collections, queryables, the OpenAPI description.

Plain functions from what they describe to JSON-ready dicts; links are absolute (`url(endpoint, **values)`
is the view's url_for with _external). The HTML pages render the same dicts.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from planner.rules.vocabulary import OPEN_APPLICANT_STATUSES
from planner.texts.interface import texts
from planner.texts.words import change_label, profile_name
from planner.web.ogc.crs import CRS84
from planner.web.ogc.features import Collection, Rows
from planner.web.ogc.query import DEFAULT_LIMIT, MAX_LIMIT

__all__ = ["CONFORMANCE", "collection_document", "conformance_document", "landing_document", "openapi_document",
           "queryables_document", "title_and_description"]

_OGC = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/"
CONFORMANCE = [_OGC + "core", _OGC + "geojson", _OGC + "html", _OGC + "oas30",
               "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs"]
GEOJSON, JSON, HTML = "application/geo+json", "application/json", "text/html"
_OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
_GREGORIAN = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"


def _link(href: str, rel: str, kind: str, title: str | None = None) -> dict:
    link = {"href": href, "rel": rel, "type": kind}
    if title:
        link["title"] = title
    return link


def self_links(url, endpoint: str, fmt: str, kind: str = JSON, **values) -> list[dict]:
    """`self` in the representation asked for and `alternate` in the other one."""
    json_href, html_href = url(endpoint, f="json", **values), url(endpoint, f="html", **values)
    if fmt == "html":
        return [_link(html_href, "self", HTML), _link(json_href, "alternate", kind)]
    return [_link(json_href, "self", kind), _link(html_href, "alternate", HTML)]


def landing_document(url, fmt: str, lang: str) -> dict:
    t = texts(lang)
    return {"title": t["ogc_title"], "description": t["ogc_intro"],
            "links": self_links(url, "ogc.landing", fmt) + [
                _link(url("ogc.openapi"), "service-desc", _OPENAPI, t["ogc_api_doc"]),
                _link(url("ogc.conformance", f="json"), "conformance", JSON, t["ogc_conformance"]),
                _link(url("ogc.collections", f="json"), "data", JSON, t["ogc_collections"])]}


def conformance_document() -> dict:
    return {"conformsTo": CONFORMANCE}


def title_and_description(collection: Collection, lang: str) -> tuple[str, str]:
    t = texts(lang)
    if collection.profile is not None:
        return (t["ogc_applicants"].format(profile=profile_name(collection.profile, lang)),
                t["ogc_desc_applicants"])
    return t[collection.id], t["ogc_desc_" + collection.id]


def _extent(rows: Rows, collection: Collection) -> dict:
    """The bbox (CRS84) and change-time interval of a collection's rows (its open applicants' for a profile)."""
    pick = np.ones(len(rows), dtype=bool)
    if collection.profile is not None and len(rows):
        pick = np.isin(rows.values["status"], OPEN_APPLICANT_STATUSES)
    if not pick.any():
        return {"spatial": {"bbox": [[-180.0, -90.0, 180.0, 90.0]], "crs": CRS84}}
    if rows.shapes is None:
        lon, lat = rows.lon[pick], rows.lat[pick]
        box = [float(lon.min()), float(lat.min()), float(lon.max()), float(lat.max())]
    else:
        import shapely

        box = [float(v) for v in shapely.total_bounds(rows.shapes[pick])]
    times = rows.updated[pick]
    times = times[~np.isnat(times)]
    extent = {"spatial": {"bbox": [box], "crs": CRS84}}
    if times.size:
        extent["temporal"] = {"interval": [[_stamp(times.min()), _stamp(times.max())]], "trs": _GREGORIAN}
    return extent


def _stamp(value: np.datetime64) -> str:
    return value.astype("datetime64[s]").item().replace(tzinfo=dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def collection_document(url, collection: Collection, rows: Rows, offered: list[str], fmt: str, lang: str,
                        *, single: bool) -> dict:
    """One collection's description (`rows`: the table's rows, for its extent)."""
    title, description = title_and_description(collection, lang)
    cid = collection.id
    links = (self_links(url, "ogc.collection", fmt, cid=cid) if single else
             [_link(url("ogc.collection", cid=cid, f="json"), "self" if fmt == "json" else "alternate", JSON)])
    links += [_link(url("ogc.items", cid=cid, f="json"), "items", GEOJSON, title),
              _link(url("ogc.items", cid=cid, f="html"), "items", HTML, title),
              _link(url("ogc.queryables", cid=cid), "http://www.opengis.net/def/rel/ogc/1.0/queryables",
                    "application/schema+json")]
    return {"id": cid, "title": title, "description": description, "itemType": "feature",
            "extent": _extent(rows, collection), "crs": offered, "storageCrs": CRS84, "links": links}


_TYPES = {"verdict": ("pass", "fail")}


def queryables_document(url, collection: Collection, lang: str) -> dict:
    """The properties a query may filter on, as a JSON Schema (OGC API – Features Part 3's form)."""
    properties = {name: {"title": change_label(name, lang) if name not in ("code", "verdict") else name,
                         "type": "string", **({"enum": list(_TYPES[name])} if name in _TYPES else {})}
                  for name in collection.queryables}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": url("ogc.queryables",
                                                                                 cid=collection.id),
            "type": "object", "title": title_and_description(collection, lang)[0], "properties": properties}


def _parameter(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description,
            "style": "form", "explode": False}


def openapi_document(url, collections: list[Collection]) -> dict:
    """An OpenAPI 3.0 description of /ogc/ (what GDAL reads for the page size it may ask)."""
    items_parameters = [
        _parameter("limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
                   "features per page"),
        _parameter("offset", {"type": "integer", "minimum": 0, "default": 0}, "features to skip"),
        _parameter("bbox", {"type": "array", "minItems": 4, "maxItems": 4, "items": {"type": "number"}},
                   "lower corner, upper corner (in bbox-crs, CRS84 by default)"),
        _parameter("bbox-crs", {"type": "string", "format": "uri"}, "the CRS of bbox"),
        _parameter("crs", {"type": "string", "format": "uri"}, "the CRS of the answer's coordinates"),
        _parameter("datetime", {"type": "string"}, "an instant or interval, compared with updated_at"),
    ]
    paths = {"/": {"get": {"summary": "Landing page", "responses": {"200": {"description": "links"}}}},
             "/conformance": {"get": {"summary": "Conformance classes",
                                      "responses": {"200": {"description": "conformsTo"}}}},
             "/collections": {"get": {"summary": "Collections", "responses": {"200": {"description": "list"}}}}}
    for collection in collections:
        base = f"/collections/{collection.id}"
        filters = [_parameter(name, {"type": "string"}, "equal to one of these comma-separated values")
                   for name in collection.queryables]
        paths[base] = {"get": {"summary": collection.id, "responses": {"200": {"description": "collection"}}}}
        paths[base + "/queryables"] = {"get": {"summary": f"Queryables of {collection.id}",
                                               "responses": {"200": {"description": "JSON Schema"}}}}
        paths[base + "/items"] = {"get": {
            "summary": f"Features of {collection.id}", "operationId": f"items-{collection.id}",
            "parameters": items_parameters + filters,
            "responses": {"200": {"description": "FeatureCollection",
                                  "content": {GEOJSON: {"schema": {"type": "object"}}}},
                          "400": {"description": "bad parameter"}}}}
        paths[base + "/items/{featureId}"] = {"get": {
            "summary": f"One feature of {collection.id} by its code",
            "parameters": [{"name": "featureId", "in": "path", "required": True, "schema": {"type": "string"}},
                           items_parameters[4]],
            "responses": {"200": {"description": "Feature"}, "400": {"description": "bad parameter"},
                          "404": {"description": "no such feature"}}}}
    return {"openapi": "3.0.3", "info": {"title": "planner OGC API – Features", "version": "1.0"},
            "servers": [{"url": url("ogc.landing").rstrip("/")}], "paths": paths,
            "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
            "security": [{"bearer": []}]}
