"""The OpenAPI document served at /api/openapi.json."""

from __future__ import annotations

__all__ = ["openapi_document"]

_ERROR = {"description": "Invalid input", "content": {"application/json": {"schema": {
    "$ref": "#/components/schemas/Error"}}}}


def _param(name, schema, description, *, required=False, where="query"):
    return {"name": name, "in": where, "required": required, "schema": schema, "description": description}


def openapi_document() -> dict:
    layer_names = ["outlets", "stations", "candidates", "areas"]
    return {
        "openapi": "3.1.0",
        "info": {"title": "planner API", "version": "0.1.0",
                 "description": "Registry of post outlets, convenience stations, applicants and areas (WGS84)."},
        "paths": {
            "/api/layers/{layer}": {"get": {
                "summary": "Active features of a registry layer (GeoJSON)",
                "parameters": [
                    _param("layer", {"type": "string", "enum": layer_names}, "registry layer",
                           required=True, where="path"),
                    _param("bbox", {"type": "string"}, "west,south,east,north in WGS84 degrees"),
                    _param("limit", {"type": "integer", "minimum": 1, "maximum": 50000}, "page size"),
                    _param("offset", {"type": "integer", "minimum": 0}, "rows to skip"),
                ],
                "responses": {"200": {"description": "FeatureCollection",
                                      "content": {"application/geo+json": {"schema": {"type": "object"}}}},
                              "400": _ERROR},
            }},
            "/api/nearest": {"get": {
                "summary": "Nearest active sites to a point, geodesic metres",
                "parameters": [
                    _param("lon", {"type": "number", "minimum": -180, "maximum": 180}, "WGS84 longitude",
                           required=True),
                    _param("lat", {"type": "number", "minimum": -90, "maximum": 90}, "WGS84 latitude",
                           required=True),
                    _param("layer", {"type": "string", "enum": layer_names[:3]}, "site layer"),
                    _param("k", {"type": "integer", "minimum": 1, "maximum": 100}, "how many"),
                ],
                "responses": {"200": {"description": "Nearest sites", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Nearest"}}}}, "400": _ERROR},
            }},
            "/api/check": {"post": {
                "summary": "Check one position against the registry and a rule profile",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["lon", "lat"],
                    "properties": {"lon": {"type": "number"}, "lat": {"type": "number"},
                                   "profile": {"type": "string", "description": "yiwu (default), mianyang, shunyi"},
                                   "code": {"type": "string", "description": "the site itself, left out"}}}}}},
                "responses": {"200": {"description": "Verdict, reasons and nearest sites", "content": {
                    "application/json": {"schema": {"type": "object"}}}}, "400": _ERROR},
            }},
        },
        "components": {"schemas": {
            "Error": {"type": "object", "required": ["error", "message"],
                      "properties": {"error": {"type": "string"}, "message": {"type": "string"}}},
            "Nearest": {"type": "object", "properties": {
                "layer": {"type": "string"}, "lon": {"type": "number"}, "lat": {"type": "number"},
                "nearest": {"type": "array", "items": {"type": "object", "properties": {
                    "code": {"type": "string"}, "distance_m": {"type": "number"}}}}}},
        }},
    }
