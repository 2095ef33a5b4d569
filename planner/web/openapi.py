"""The OpenAPI document served at /api/openapi.json."""

from __future__ import annotations

from planner.rules.profiles import BUILT_IN

__all__ = ["openapi_document"]

_ERROR = {"description": "Invalid input", "content": {"application/json": {"schema": {
    "$ref": "#/components/schemas/Error"}}}}


def _param(name, schema, description, *, required=False, where="query"):
    return {"name": name, "in": where, "required": required, "schema": schema, "description": description}


_PROFILES = list(BUILT_IN)
# Ranges are said, not declared: one rule set (planner.rules.geometry) refuses impossible positions at
# every door, with the same words, after the body's shape is checked against this document.
_LON = {"type": "number", "description": "WGS84 longitude, degrees, -180…180 (finite)"}
_LAT = {"type": "number", "description": "WGS84 latitude, degrees, -90…90 (finite)"}
_CODE = _param("code", {"type": "string"}, "the applicant's or station's id", required=True, where="path")


def _json_body(schema: dict) -> dict:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _answers(what: str) -> dict:
    return {"200": {"description": what, "content": {"application/json": {"schema": {"type": "object"}}}},
            "400": _ERROR, "401": _ERROR, "403": _ERROR, "404": _ERROR, "409": _ERROR}


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
                    _param("profile", {"type": "string", "enum": _PROFILES},
                           "add each point's nearest counted outlet and existing station (metres) and, for "
                           "open applicants, the distance verdict"),
                    _param("display", {"type": "string", "enum": ["wgs84", "gcj02"]},
                           "gcj02 shifts coordinates for an Amap base map (display only)"),
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
                    "properties": {"lon": _LON, "lat": _LAT,
                                   "profile": {"type": ["string", "null"], "enum": [*_PROFILES, "", None],
                                               "description": "yiwu (default), mianyang, shunyi"},
                                   "code": {"type": ["string", "null"],
                                            "description": "the site itself, left out"}}}}}},
                "responses": {"200": {"description": "Verdict, reasons and nearest sites", "content": {
                    "application/json": {"schema": {"type": "object"}}}}, "400": _ERROR},
            }},
            **_change_paths(),
        },
        "security": [{"bearer": []}, {"session": []}],
        "components": {"securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer",
                       "description": "A per-user token from `planner user token NAME` or the users page"},
            "session": {"type": "apiKey", "in": "cookie", "name": "session",
                        "description": "The signed-in browser session; changes also need the X-CSRF-Token header "
                                       "(the page's csrf-token meta tag)"},
        }, "schemas": {
            "Error": {"type": "object", "required": ["error", "message"],
                      "properties": {"error": {"type": "string"}, "message": {"type": "string"}}},
            "Nearest": {"type": "object", "properties": {
                "layer": {"type": "string"}, "lon": {"type": "number"}, "lat": {"type": "number"},
                "nearest": {"type": "array", "items": {"type": "object", "properties": {
                    "code": {"type": "string"}, "distance_m": {"type": "number"}}}}}},
        }},
    }


def _change_paths() -> dict:
    """Survey facts, decisions, history, relocation and transfer."""
    return {
    "/api/candidates/{code}/facts": {"post": {
        "summary": "Save survey facts of an applicant (staff); a submitted applicant becomes surveyed",
        "parameters": [_CODE],
        "requestBody": _json_body({"type": "object", "additionalProperties": False, "properties": {
            "area_m2": {"type": ["number", "null"], "minimum": 0},
            "display_m2": {"type": ["number", "null"], "minimum": 0},
            "months_in_business": {"type": ["number", "null"], "minimum": 0},
            "signage": {"type": ["boolean", "null"]}, "line": {"type": ["boolean", "null"]}}}),
        "responses": _answers("The changes made, field: [old, new]"),
    }},
    "/api/candidates/{code}/decision": {"post": {
        "summary": "Approve, reject or ask for more information, with a note (staff). An approval is "
                   "re-checked against the registry at that moment: 409 when it no longer passes",
        "parameters": [_CODE],
        "requestBody": _json_body({"type": "object", "required": ["decision", "note"], "properties": {
            "decision": {"type": "string", "enum": ["approve", "reject", "needs_info"]},
            "note": {"type": "string", "minLength": 1, "maxLength": 2000},
            "profile": {"type": "string", "enum": _PROFILES}}}),
        "responses": _answers("New status and, for an approval, the verdict"),
    }},
    "/api/{table}/{code}/history": {"get": {
        "summary": "Every recorded change of an applicant or station: who, when, what",
        "parameters": [_param("table", {"type": "string", "enum": ["candidates", "stations"]}, "kind",
                              required=True, where="path"), _CODE],
        "responses": _answers("Events, oldest first"),
    }},
    "/api/stations/{code}/relocation": {"post": {
        "summary": "Move a station (迁址) if the rules pass at the new place, the station itself excluded",
        "parameters": [_CODE],
        "requestBody": _json_body({"type": "object", "required": ["lon", "lat"], "properties": {
            "lon": _LON, "lat": _LAT, "note": {"type": "string"},
            "profile": {"type": "string", "enum": _PROFILES}}}),
        "responses": _answers("The verdict at the new place"),
    }},
    "/api/stations/{code}/transfer": {"post": {
        "summary": "Record a new operator (转让): same code, same place",
        "parameters": [_CODE],
        "requestBody": _json_body({"type": "object", "required": ["operator"], "properties": {
            "operator": {"type": "string"}, "note": {"type": "string"}}}),
        "responses": _answers("The changes made"),
    }},
    }
