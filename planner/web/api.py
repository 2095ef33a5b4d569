"""JSON API: registry layers as GeoJSON, single-site nearest query, OpenAPI document."""

from __future__ import annotations

import gzip
import hashlib
import threading
from dataclasses import dataclass

from flask import Blueprint, Response, jsonify, request

from planner.errors import UsageError
from planner.recent import Recent
from planner.registry.nearest import nearest_in_db
from planner.registry.tables import SITE_TABLES
from planner.rules.geometry import require_position
from planner.sites.layers import layer_geojson
from planner.web.answers import CheckQuestion, check_answer
from planner.web.context import (
    current_region,
    current_sites,
    get_engine,
    read_connection,
    request_versions,
)
from planner.web.i18n import current_lang
from planner.web.openapi import openapi_document
from planner.web.preferences import builtin_profile

bp = Blueprint("api", __name__, url_prefix="/api")

_LAYERS = SITE_TABLES + ("areas",)


class LayerBody:
    """One layer answer: the GeoJSON text, and its gzip encoding once a client asked for it."""

    def __init__(self, text: str):
        self.text, self._gzipped, self._lock = text, None, threading.Lock()

    def gzipped(self) -> bytes:
        with self._lock:
            if self._gzipped is None:
                # Level 1: 4 MB of point GeoJSON shrinks about 8× in ~20 ms (level 6: 10× in ~55 ms).
                self._gzipped = gzip.compress(self.text.encode("utf-8"), compresslevel=1, mtime=0)
            return self._gzipped


_ANSWERS = Recent(8)  # ETag (registry version + query) -> LayerBody
_MAX_CACHED_CHARS = 64_000_000
_MAX_LIMIT = 50_000
_GZIP_FROM_BYTES = 2_048
_GZIP_SUFFIX = "-gzip"  # the gzip encoding's ETag: the plain one's plus this


def _bad(en: str, zh: str) -> UsageError:
    return UsageError(en, zh)


def _number(name: str, *, low: float | None = None, high: float | None = None) -> float:
    raw = request.args.get(name)
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise _bad(f"query parameter {name!r} must be a number, got {raw!r}",
                   f"参数 {name} 必须是数字，实际为 {raw!r}") from None
    if low is not None and not low <= value <= high:
        raise _bad(f"{name}={value} is outside [{low}, {high}]", f"{name}={value} 超出范围 [{low}, {high}]")
    return value


def _integer(name: str, *, low: int, high: int) -> int:
    value = _number(name, low=low, high=high)
    if value != int(value):
        raise _bad(f"query parameter {name!r} must be a whole number, got {value!r}",
                   f"参数 {name} 必须是整数，实际为 {value!r}")
    return int(value)


@dataclass(frozen=True)
class LayerQuery:
    layer: str
    bbox: tuple[float, float, float, float] | None
    limit: int
    offset: int
    display: str
    fields: tuple[str, ...] | None
    code: str | None

    @classmethod
    def from_request(cls, layer: str) -> LayerQuery:
        if layer not in _LAYERS:
            raise _bad(f"unknown layer {layer!r}: use " + ", ".join(_LAYERS), f"未知图层 {layer!r}")
        bbox = None
        if request.args.get("bbox"):
            try:
                bbox = tuple(float(v) for v in request.args["bbox"].split(","))
            except ValueError:
                bbox = ()
            if len(bbox) != 4:
                raise _bad("bbox must be west,south,east,north in degrees", "bbox 应为 西,南,东,北（度）")
            require_position(bbox[0], bbox[1], where="bbox")
            require_position(bbox[2], bbox[3], where="bbox")
        limit = _integer("limit", low=1, high=_MAX_LIMIT) if "limit" in request.args else _MAX_LIMIT
        offset = _integer("offset", low=0, high=10**12) if "offset" in request.args else 0
        display = request.args.get("display", "wgs84")
        if display not in ("wgs84", "gcj02"):
            raise _bad(f"display must be wgs84 or gcj02, got {display!r}",
                       f"display 只能是 wgs84 或 gcj02，实际为 {display!r}")
        fields = tuple(f for f in request.args.get("fields", "").split(",") if f) or None
        return cls(layer, bbox, limit, offset, display, fields, request.args.get("code") or None)


@bp.get("/layers/<layer>")
def layer(layer: str):
    """Active features of one registry layer as a GeoJSON FeatureCollection.

    The answer carries an ETag from the registry's version and the query: an
    unchanged registry answers a revalidation with 304, and a repeated query
    from this process's small cache of recent answers. Clients that accept gzip
    get it (a province's stations shrink from 4 MB to 0.5 MB), under an ETag
    of its own.
    """
    zipped = request.accept_encodings["gzip"] > 0
    tag, body = layer_answer(layer, gzip_tag=zipped)
    return cached_response(tag, body, zipped=zipped)


def cached_response(tag: str, body: LayerBody | None, *, zipped: bool, mimetype: str = "application/geo+json",
                    headers: dict | None = None) -> Response:
    """The answer known by `tag` as /api/layers sends it: 304 when `body` is None, else the text or, for a
    client that takes gzip and a body worth it, its gzip encoding under the gzip ETag; revalidated each use."""
    headers = {"Cache-Control": "private, no-cache", "Vary": "Accept-Encoding", **(headers or {})}
    if body is None:
        return Response(status=304, headers={"ETag": f'"{tag}"', **headers})
    if zipped and len(body.text) >= _GZIP_FROM_BYTES:
        response = Response(body.gzipped(), mimetype=mimetype, headers={"Content-Encoding": "gzip"})
    else:
        tag = tag.removesuffix(_GZIP_SUFFIX)
        response = Response(body.text, mimetype=mimetype)
    response.set_etag(tag)
    response.headers.update(headers)
    return response


def layer_answer(layer: str, *, gzip_tag: bool = False) -> tuple[str, LayerBody | None]:
    """The ETag and answer for the current request's layer query (None: the client has it).

    With `gzip_tag` the ETag is the gzip encoding's (the plain one with a suffix)."""
    query = LayerQuery.from_request(layer)
    profile = builtin_profile(request.args["profile"]) if request.args.get("profile") else None
    tag = hashlib.sha256(repr((request_versions()[0], request.full_path)).encode()).hexdigest()[:32]
    return cached_answer(tag, lambda: layer_geojson(
        get_engine(), query.layer, bbox=query.bbox, limit=query.limit, offset=query.offset, profile=profile,
        display=query.display, fields=query.fields, code=query.code), gzip_tag=gzip_tag)


def cached_answer(tag: str, make, *, gzip_tag: bool = False,
                  answers: Recent = _ANSWERS) -> tuple[str, LayerBody | None]:
    """The ETag and body of the answer known by `tag` (a hash of the registry version and the question):
    None when the client's If-None-Match holds either encoding of it, else from this process's recent
    `answers` (the layer API's unless another door keeps its own), else `make()`'s text (kept when not too
    large). With `gzip_tag` the ETag is the gzip one's."""
    answer_tag = tag + _GZIP_SUFFIX if gzip_tag else tag
    for held in (tag, tag + _GZIP_SUFFIX):  # either encoding of the same answer is up to date
        if held in request.if_none_match:
            return held, None
    body = answers.get(tag)
    if body is None:
        body = LayerBody(make())
        if len(body.text) <= _MAX_CACHED_CHARS:
            answers.put(tag, body)
    return answer_tag, body


@bp.get("/nearest")
def nearest():
    """The k nearest active sites of a layer to a WGS84 point, in geodesic metres."""
    layer = request.args.get("layer", "outlets")
    if layer not in SITE_TABLES:
        raise _bad(f"unknown layer {layer!r}: use " + ", ".join(SITE_TABLES), f"未知图层 {layer!r}")
    lon, lat = require_position(_number("lon"), _number("lat"))
    k = _integer("k", low=1, high=100) if "k" in request.args else 1
    found = nearest_in_db(get_engine(), layer, lon, lat, k)
    return jsonify({"layer": layer, "lon": lon, "lat": lat,
                    "nearest": [{"code": code, "distance_m": round(d, 3)} for code, d in found]})


@bp.post("/check")
def check():
    """Check one WGS84 position against the registry and a rule profile.

    Plain token requests are answered before they get here (planner.web.check_fast_path), with
    the same answer; this view answers the rest, and every error."""
    question = CheckQuestion.from_body(request.get_json(silent=True))
    profile = builtin_profile(question.profile)
    sites = current_sites(profile)
    return jsonify(check_answer(question, profile, db=read_connection(), sites=sites,
                                region=current_region(profile), lang=current_lang()))


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 description of this API."""
    return jsonify(openapi_document())
