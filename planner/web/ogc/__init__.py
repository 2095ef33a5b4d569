"""OGC API – Features under /ogc/: the registry for QGIS, ArcGIS, GDAL and OWSLib.

Part 1 Core with GeoJSON and HTML, the OpenAPI 3.0 description, and Part 2 (CRS by reference: CRS84,
CGCS2000 EPSG:4490 and the district's Gauss-Krüger zone). Collections: `outlets`, `stations`,
`candidates`, `areas`, and per built-in rule profile `applicants-<profile>`, the open applicants with the
single-site check's verdict and their nearest outlet and station.

Written here rather than with pygeoapi and a provider over the registry: pygeoapi brings its own
application, YAML configuration, templates, OpenAPI generator and a large dependency tree (Babel,
pygeofilter, tinydb, …), answers through its own framework wrapper, and has no notion of our accounts,
roles, bearer tokens, ETags or per-version caches — all of which would have to be bolted around it. The
endpoints a GIS client needs are a few hundred lines over what the registry already reads fast
(planner.web.ogc.features), and they go through the same request pipeline as every page: a session or a
bearer token (anonymous JSON requests get 401 as /api/ gives it; a browser is sent to sign in), the
same roles as /api/layers (any signed-in account), and the same ETag, 304 and gzip helpers
(planner.web.api.cached_answer / cached_response), keyed by the registry version.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from flask import Blueprint, Response, g, request, url_for

from planner.errors import NotFoundError, PlannerError, UsageError
from planner.recent import Recent
from planner.web.api import cached_answer, cached_response
from planner.web.context import get_engine, request_versions
from planner.web.error_pages import error_response
from planner.web.i18n import current_lang
from planner.web.ogc.crs import parse_crs, served_crs
from planner.web.ogc.documents import (
    GEOJSON,
    collection_document,
    conformance_document,
    landing_document,
    openapi_document,
    queryables_document,
)
from planner.web.ogc.features import COLLECTIONS, collection_rows, feature_texts
from planner.web.ogc.pages import render_page
from planner.web.ogc.query import ItemsQuery

__all__ = ["bp"]

bp = Blueprint("ogc", __name__, url_prefix="/ogc")
_ANSWERS = Recent(8)  # this door's recent answers, apart from the layer API's (neither evicts the other's pages)


def _url(endpoint: str, **values) -> str:
    return url_for(endpoint, _external=True, **values)


def _format() -> str:
    """`json` or `html`: the `f` parameter, else the Accept header (JSON unless HTML is preferred)."""
    asked = request.args.get("f")
    if asked is not None:
        if asked not in ("json", "html"):
            raise UsageError(f"f must be json or html, got {asked!r}", f"参数 f 只能是 json 或 html，实际为 {asked!r}")
        return asked
    best = request.accept_mimetypes.best_match([GEOJSON, "application/json", "text/html"], default=GEOJSON)
    return "html" if best == "text/html" else "json"


def _answer(make, *, mimetype: str = "application/json", content_crs: str | None = None) -> Response:
    """A JSON answer as /api/layers sends its own: ETag from the registry version and the question, 304,
    this process's recent answers, gzip."""
    zipped = request.accept_encodings["gzip"] > 0
    question = (request_versions()[0], request.host_url, request.full_path, current_lang())
    tag = "ogc-" + hashlib.sha256(repr(question).encode()).hexdigest()[:32]
    tag, body = cached_answer(tag, make, gzip_tag=zipped, answers=_ANSWERS)
    headers = {"Vary": "Accept, Accept-Encoding"}  # JSON or HTML by the Accept header, when no `f` says
    if content_crs:
        headers["Content-Crs"] = f"<{content_crs}>"
    return cached_response(tag, body, zipped=zipped, mimetype=mimetype, headers=headers)


def _dumps(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def _collection(cid: str):
    collection = COLLECTIONS.get(cid)
    if collection is None:
        raise NotFoundError(f"no collection {cid!r}: see /ogc/collections", f"没有集合“{cid}”：见 /ogc/collections")
    return collection


def _rows(collection):
    return collection_rows(get_engine(), collection, request_versions()[0], current_lang())


def _offered() -> list[str]:
    return served_crs(get_engine(), request_versions()[0])


@bp.get("/")
def landing():
    fmt, lang = _format(), current_lang()
    if fmt == "html":
        return render_page("ogc/landing.html", document=landing_document(_url, fmt, lang),
                           conformance=conformance_document()["conformsTo"])
    return _answer(lambda: _dumps(landing_document(_url, fmt, lang)))


@bp.get("/conformance")
def conformance():
    if _format() == "html":
        return render_page("ogc/landing.html", document=landing_document(_url, "html", current_lang()),
                           conformance=conformance_document()["conformsTo"])
    return _answer(lambda: _dumps(conformance_document()))


@bp.get("/openapi.json")
def openapi():
    return _answer(lambda: _dumps(openapi_document(_url, list(COLLECTIONS.values()))),
                   mimetype="application/vnd.oai.openapi+json;version=3.0")


def _described(collection, fmt: str, *, single: bool) -> dict:
    base = COLLECTIONS["candidates"] if collection.profile is not None else collection
    return collection_document(_url, collection, _rows(base), _offered(), fmt, current_lang(), single=single)


@bp.get("/collections")
def collections():
    fmt = _format()

    def document():
        found = [_described(c, fmt, single=False) for c in COLLECTIONS.values()]
        links = [{"href": _url("ogc.collections", f="json"), "rel": "self" if fmt == "json" else "alternate",
                  "type": "application/json"},
                 {"href": _url("ogc.collections", f="html"), "rel": "self" if fmt == "html" else "alternate",
                  "type": "text/html"}]
        return {"links": links, "collections": found}

    if fmt == "html":
        return render_page("ogc/collections.html", document=document())
    return _answer(lambda: _dumps(document()))


@bp.get("/collections/<cid>")
def collection(cid: str):
    found, fmt = _collection(cid), _format()
    if fmt == "html":
        return render_page("ogc/collection.html", document=_described(found, fmt, single=True),
                           queryables=found.queryables)
    return _answer(lambda: _dumps(_described(found, fmt, single=True)))


@bp.get("/collections/<cid>/queryables")
def queryables(cid: str):
    found = _collection(cid)
    return _answer(lambda: _dumps(queryables_document(_url, found, current_lang())),
                   mimetype="application/schema+json")


def _page_links(cid: str, query: ItemsQuery, matched: int, fmt: str) -> list[dict]:
    args = {k: v for k, v in request.args.items() if k not in ("f", "offset")}
    kind = GEOJSON if fmt == "json" else "text/html"
    other = "html" if fmt == "json" else "json"
    links = [{"href": _url("ogc.items", cid=cid, f=fmt, offset=query.offset, **args), "rel": "self", "type": kind},
             {"href": _url("ogc.items", cid=cid, f=other, offset=query.offset, **args), "rel": "alternate",
              "type": GEOJSON if other == "json" else "text/html"},
             {"href": _url("ogc.collection", cid=cid, f="json"), "rel": "collection", "type": "application/json"}]
    if query.offset + query.limit < matched:
        links.append({"href": _url("ogc.items", cid=cid, f=fmt, offset=query.offset + query.limit, **args),
                      "rel": "next", "type": kind})
    if query.offset > 0:
        links.append({"href": _url("ogc.items", cid=cid, f=fmt, offset=max(0, query.offset - query.limit), **args),
                      "rel": "prev", "type": kind})
    return links


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@bp.get("/collections/<cid>/items")
def items(cid: str):
    found, fmt = _collection(cid), _format()
    query = ItemsQuery.from_args(request.args, found, _offered())
    rows = _rows(found)
    picked = query.select(rows)
    page = picked[query.offset:query.offset + query.limit]
    if fmt == "html":
        return render_page("ogc/items.html", collection=found, rows=rows, page=page, matched=len(picked),
                           query=query, links=_page_links(cid, query, len(picked), fmt))

    def text() -> str:
        features = feature_texts(rows, query.crs)
        links = _dumps(_page_links(cid, query, len(picked), fmt))
        return (f'{{"type":"FeatureCollection","features":[{",".join(features[i] for i in page.tolist())}],'
                f'"numberMatched":{len(picked)},"numberReturned":{len(page)},"timeStamp":"{_now()}",'
                f'"links":{links}}}')

    return _answer(text, mimetype=GEOJSON, content_crs=query.crs.uri)


@bp.get("/collections/<cid>/items/<code>")
def item(cid: str, code: str):
    found, fmt = _collection(cid), _format()
    unknown = sorted(set(request.args) - {"f", "lang", "crs"})
    if unknown:
        raise UsageError(f"unknown query parameter(s) {', '.join(unknown)}", f"未知参数 {'、'.join(unknown)}")
    crs = parse_crs(request.args.get("crs"), _offered())
    rows = _rows(found)
    where = [i for i, c in enumerate(rows.codes.tolist()) if c == code]
    if not where:
        raise NotFoundError(f"no feature {code!r} in {cid}", f"集合 {cid} 中没有要素“{code}”")
    if fmt == "html":
        return render_page("ogc/items.html", collection=found, rows=rows, page=where, matched=1, query=None,
                           links=[], single=True)

    def text() -> str:
        links = [{"href": _url("ogc.item", cid=cid, code=code, f="json"), "rel": "self", "type": GEOJSON},
                 {"href": _url("ogc.item", cid=cid, code=code, f="html"), "rel": "alternate", "type": "text/html"},
                 {"href": _url("ogc.collection", cid=cid, f="json"), "rel": "collection",
                  "type": "application/json"}]
        return feature_texts(rows, crs)[where[0]][:-1] + f',"links":{_dumps(links)}}}'

    return _answer(text, mimetype=GEOJSON, content_crs=crs.uri)


@bp.get("/<path:rest>")
def unknown(rest: str):
    """Any other path under /ogc/: 404 as the standard's JSON exception (or the error page for HTML)."""
    raise NotFoundError(f"nothing at /ogc/{rest}: see /ogc/", f"/ogc/{rest} 不存在：见 /ogc/")


@bp.errorhandler(PlannerError)
def _error(exc: PlannerError):
    """Errors as the standard's JSON exception (code, description), or the site's error page for HTML."""
    lang = current_lang()
    message = exc.message(lang)
    wants_html = request.args.get("f") == "html" or (
        request.args.get("f") is None and request.accept_mimetypes.best_match(
            [GEOJSON, "application/json", "text/html"], default=GEOJSON) == "text/html")
    if wants_html:
        return error_response(exc.http_status, exc.en, exc.zh, type(exc).__name__)
    return _exception(type(exc).__name__, message, exc.http_status)


def _exception(name: str, message: str, status: int) -> Response:
    """The standard's exception body (code, description), with the API's own keys (error, message) beside."""
    body = {"code": name, "description": message, "error": name, "message": message}
    return Response(_dumps(body), status=status, mimetype="application/json")


@bp.after_request
def _refuse_anonymous_json(response: Response) -> Response:
    """An anonymous client that asked for JSON gets 401 (as /api/ answers), not the sign-in page's redirect."""
    if (response.status_code != 302 or g.get("user") is not None
            or "/signin" not in response.headers.get("Location", "") or _format_quietly() == "html"):
        return response
    words = {"en": "sign in first (session or `Authorization: Bearer <token>`)",
             "zh": "请先登录（会话或 Authorization: Bearer 令牌）"}
    message = words["en" if current_lang() == "en" else "zh"]
    refused = _exception("SignInError", message, 401)
    refused.headers["WWW-Authenticate"] = "Bearer"
    return refused

def _format_quietly() -> str:
    try:
        return _format()
    except UsageError:  # a bad `f`: refused as JSON
        return "json"
