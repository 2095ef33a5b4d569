"""OGC API – Features under /ogc/, tested from the standard's abstract test suite (OGC 17-069r4 Annex A: Core,
GeoJSON, HTML; OGC 18-058r1: CRS by reference), on both backends, through a bearer token as a GIS client sends it."""

from __future__ import annotations

import gzip

import pytest
from pyproj import Transformer

from planner.registry.tables import read_table
from tests.web.conftest import app_over, sign_in
from tests.web.ogc_support import CGCS2000, CRS84, EXTRA_STATIONS, BearerClient, load_ogc_registry

CORE = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/"


@pytest.fixture
def ogc(engine, tmp_path):
    token = load_ogc_registry(engine, tmp_path)
    app = app_over(engine, tmp_path)
    return BearerClient(app.test_client(), token)


def _rels(document):
    return {link["rel"]: link for link in document["links"]}


def test_landing_page_links_the_api_conformance_and_data(ogc):
    """/conf/core/root-op, /conf/core/root-success."""
    response = ogc.get("/ogc/")
    assert response.status_code == 200 and response.mimetype == "application/json"
    rels = _rels(response.get_json())
    assert {"self", "service-desc", "conformance", "data", "alternate"} <= set(rels)
    assert ogc.get(rels["service-desc"]["href"]).get_json()["openapi"].startswith("3.0")
    assert ogc.get(rels["conformance"]["href"]).status_code == 200
    assert ogc.get(rels["data"]["href"]).status_code == 200


def test_conformance_declares_the_classes_served(ogc):
    """/conf/core/conformance-op, -success: every class we test here is declared."""
    conforms = ogc.get("/ogc/conformance").get_json()["conformsTo"]
    assert {CORE + "core", CORE + "geojson", CORE + "html", CORE + "oas30",
            "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs"} == set(conforms)


def test_collections_list_every_collection_with_extent_and_crs(ogc, engine):
    """/conf/core/fc-md-op, -success, -links, -extent; /conf/crs/crs-list, storageCrs."""
    document = ogc.get("/ogc/collections").get_json()
    ids = [c["id"] for c in document["collections"]]
    assert {"outlets", "stations", "candidates", "areas", "applicants-yiwu", "applicants-shunyi"} <= set(ids)
    stations = next(c for c in document["collections"] if c["id"] == "stations")
    frame = read_table(engine, "stations")
    west, south, east, north = stations["extent"]["spatial"]["bbox"][0]
    assert (west, south, east, north) == pytest.approx(tuple(frame.total_bounds))
    assert stations["crs"][:2] == [CRS84, CGCS2000]
    district = stations["crs"][2]
    assert district == "http://www.opengis.net/def/crs/EPSG/0/4548"  # 116.6°E: CGCS2000 GK zone CM 117E
    assert stations["storageCrs"] == CRS84
    assert any(link["rel"] == "items" and link["type"] == "application/geo+json" for link in stations["links"])
    one = ogc.get("/ogc/collections/stations").get_json()
    assert one["id"] == "stations" and _rels(one)["self"]["href"].endswith("/ogc/collections/stations?f=json")


def test_items_are_the_registry_s_features(ogc, engine):
    """/conf/core/fc-op, fc-response, fc-links, fc-numberMatched, fc-numberReturned, fc-timeStamp; /conf/geojson."""
    response = ogc.get("/ogc/collections/stations/items?limit=100")
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    assert response.headers["Content-Crs"] == f"<{CRS84}>"
    data = response.get_json()
    frame = read_table(engine, "stations")
    assert data["type"] == "FeatureCollection" and data["numberMatched"] == len(frame) == EXTRA_STATIONS + 2
    assert data["numberReturned"] == len(data["features"]) == len(frame)
    assert data["timeStamp"].endswith("Z")
    by_code = {f["id"]: f for f in data["features"]}
    for code, name, status, point in zip(frame["code"], frame["name"], frame["status"], frame.geometry):
        feature = by_code[code]
        assert feature["properties"]["name"] == name and feature["properties"]["status"] == status
        assert feature["geometry"]["coordinates"] == pytest.approx([point.x, point.y], abs=1e-7)


def test_limit_default_maximum_and_next_links_walk_every_feature(ogc):
    """/conf/core/fc-limit-definition, -response; fc-links (next, prev)."""
    assert ogc.get("/ogc/collections/stations/items").get_json()["numberReturned"] == 10
    seen, url, pages = [], "/ogc/collections/stations/items?limit=7", 0
    while url:
        page = ogc.get(url).get_json()
        assert page["numberReturned"] <= 7 and page["numberMatched"] == EXTRA_STATIONS + 2
        seen += [f["id"] for f in page["features"]]
        rels = _rels(page)
        assert ("prev" in rels) == (pages > 0)
        url = rels["next"]["href"] if "next" in rels else None
        pages += 1
    assert pages == 4 and len(seen) == len(set(seen)) == EXTRA_STATIONS + 2
    assert ogc.get("/ogc/collections/stations/items?limit=10000").status_code == 200


@pytest.mark.parametrize("query", ["limit=0", "limit=10001", "limit=ten", "offset=-1", "bbox=1,2,3",
                                   "bbox=a,b,c,d", "bbox=117,40,116,41", "crs=EPSG:3857", "bbox-crs=nope&bbox=1,2,3,4",
                                   "datetime=yesterday", "datetime=2026-02-01/2026-01-01", "colour=red", "f=xml"])
def test_bad_parameters_are_400_with_a_json_exception(ogc, query):
    """/conf/core/query-param-invalid, -unknown."""
    response = ogc.get("/ogc/collections/stations/items?" + query)
    assert response.status_code == 400, query
    body = response.get_json()
    assert body["code"] == "UsageError" and body["description"]


def test_unknown_collections_and_items_are_404(ogc):
    """/conf/core/fc-md-op (unknown id), /conf/core/f-op (unknown feature)."""
    for url in ("/ogc/collections/nothing", "/ogc/collections/nothing/items", "/ogc/collections/stations/items/NOPE",
                "/ogc/nothing", "/ogc/collections/stations/items/S1/more"):
        response = ogc.get(url)
        assert response.status_code == 404, url
        assert response.get_json()["code"] == "NotFoundError"


def test_single_feature_by_code(ogc):
    """/conf/core/f-op, f-success, f-links."""
    data = ogc.get("/ogc/collections/stations/items/S1").get_json()
    assert data["type"] == "Feature" and data["id"] == "S1"
    assert data["geometry"]["coordinates"] == pytest.approx([116.615, 40.115])
    assert {"self", "alternate", "collection"} <= set(_rels(data))


def test_bbox_selects_points_and_intersecting_areas(ogc, engine):
    """/conf/core/fc-bbox-definition, -response."""
    data = ogc.get("/ogc/collections/stations/items?bbox=116.61,40.11,116.62,40.12&limit=100").get_json()
    frame = read_table(engine, "stations")
    inside = {c for c, p in zip(frame["code"], frame.geometry)
              if 116.61 <= p.x <= 116.62 and 40.11 <= p.y <= 40.12}
    assert {f["id"] for f in data["features"]} == inside and "S1" in inside
    areas = ogc.get("/ogc/collections/areas/items?bbox=116.615,40.105,116.616,40.106").get_json()
    polygons = read_table(engine, "areas")
    import shapely

    expected = set(polygons["code"][shapely.intersects(polygons.geometry.values,
                                                      shapely.box(116.615, 40.105, 116.616, 40.106))])
    assert {f["id"] for f in areas["features"]} == expected and expected


def test_property_filters_and_datetime(ogc):
    """Queryables as query parameters; datetime against the last change."""
    listed = ogc.get("/ogc/collections/stations/items?status=listed_for_exit&limit=100").get_json()
    assert listed["numberMatched"] == EXTRA_STATIONS // 4
    assert all(f["properties"]["status"] == "listed_for_exit" for f in listed["features"])
    both = ogc.get("/ogc/collections/stations/items?code=S1,S2").get_json()
    assert sorted(f["id"] for f in both["features"]) == ["S1", "S2"]
    queryables = ogc.get("/ogc/collections/stations/queryables").get_json()
    assert set(queryables["properties"]) == {"code", "status"}
    assert ogc.get("/ogc/collections/stations/items?datetime=../2000-01-01").get_json()["numberMatched"] == 0
    assert ogc.get("/ogc/collections/stations/items?datetime=2000-01-01T00:00:00Z/..").get_json()[
        "numberMatched"] == EXTRA_STATIONS + 2
    changed = ogc.get("/ogc/collections/stations/items/S1").get_json()["properties"]["updated_at"]
    assert changed.endswith("Z") and len(changed) == 20  # RFC 3339, to the second
    at = ogc.get(f"/ogc/collections/stations/items?datetime={changed}&limit=100").get_json()
    assert "S1" in {f["id"] for f in at["features"]}
    assert all(f["properties"]["updated_at"] == changed for f in at["features"])


def test_crs_parameter_answers_in_cgcs2000_latitude_first_and_gauss_kruger(ogc):
    """/conf/crs/fc-crs-valid-value, fc-crs-action, fc-crs-content-crs; f-crs."""
    response = ogc.get(f"/ogc/collections/stations/items/S1?crs={CGCS2000}")
    assert response.headers["Content-Crs"] == f"<{CGCS2000}>"
    expected = Transformer.from_crs("OGC:CRS84", "EPSG:4490").transform(116.615, 40.115)
    assert response.get_json()["geometry"]["coordinates"] == pytest.approx(list(expected), abs=1e-7)
    assert expected[0] == pytest.approx(40.115, abs=1e-6)  # EPSG:4490 is latitude first
    district = "http://www.opengis.net/def/crs/EPSG/0/4548"
    projected = ogc.get(f"/ogc/collections/stations/items?code=S1&crs={district}")
    assert projected.headers["Content-Crs"] == f"<{district}>"
    northing, easting = Transformer.from_crs("OGC:CRS84", "EPSG:4548").transform(116.615, 40.115)
    assert projected.get_json()["features"][0]["geometry"]["coordinates"] == pytest.approx([northing, easting],
                                                                                         abs=0.01)
    assert northing > 4_000_000 and 400_000 < easting < 600_000


def test_bbox_crs_in_cgcs2000_axis_order(ogc):
    """/conf/crs/fc-bbox-crs-action: the bbox in EPSG:4490's order (latitude first)."""
    latlon = ogc.get(f"/ogc/collections/stations/items?bbox=40.11,116.61,40.12,116.62&bbox-crs={CGCS2000}"
                     "&limit=100").get_json()
    lonlat = ogc.get("/ogc/collections/stations/items?bbox=116.61,40.11,116.62,40.12&limit=100").get_json()
    assert {f["id"] for f in latlon["features"]} == {f["id"] for f in lonlat["features"]}


def test_applicants_per_profile_carry_the_check_s_verdict(ogc, engine):
    """Open applicants only, with the single-site check's verdict and nearest sites."""
    from planner.check.site import check_site
    from planner.rules.profiles import load_profile

    data = ogc.get("/ogc/collections/applicants-yiwu/items").get_json()
    assert [f["id"] for f in data["features"]] == ["R2"]  # R1 is approved: not open
    feature = data["features"][0]
    expected = check_site(engine, load_profile("yiwu"), *feature["geometry"]["coordinates"], code="R2",
                          facts={}, lang="zh")
    assert feature["properties"]["verdict"] == expected.verdict
    assert feature["properties"]["nearest_station"] == expected.nearest_station[0]
    assert feature["properties"]["nearest_station_m"] == pytest.approx(expected.nearest_station[1], abs=0.01)


def test_html_representation_by_f_and_accept(ogc):
    """/conf/html/content, /conf/core/http (content negotiation)."""
    for url in ("/ogc/?f=html", "/ogc/collections?f=html", "/ogc/collections/stations?f=html",
                "/ogc/collections/stations/items?f=html", "/ogc/collections/stations/items/S1?f=html"):
        response = ogc.get(url)
        assert response.status_code == 200 and response.mimetype == "text/html", url
    page = ogc.get("/ogc/collections/stations/items?limit=5", headers={"Accept": "text/html"})
    assert page.mimetype == "text/html" and 'rel="next"' in page.get_data(as_text=True)
    english = ogc.get("/ogc/collections?f=html&lang=en").get_data(as_text=True)
    assert "Collections" in english and "Open applicants (Yiwu rules)" in english


def test_anonymous_is_refused_with_401_and_a_browser_is_sent_to_sign_in(engine, tmp_path):
    load_ogc_registry(engine, tmp_path)
    client = app_over(engine, tmp_path).test_client()
    response = client.get("/ogc/collections/stations/items")
    assert response.status_code == 401 and response.get_json()["code"] == "SignInError"
    assert client.get("/ogc/", headers={"Accept": "text/html"}).status_code == 302
    bad = client.get("/ogc/", headers={"Authorization": "Bearer not-a-token"})
    assert bad.status_code == 401 and bad.get_json()["code"] == "SignInError"
    signed = sign_in(client, "alice")
    assert signed.get("/ogc/collections/stations/items").status_code == 200


def test_etag_304_and_gzip_as_the_layer_api(ogc):
    url = "/ogc/collections/stations/items?limit=100"
    first = ogc.get(url)
    tag = first.headers["ETag"]
    assert ogc.get(url, headers={"If-None-Match": tag}).status_code == 304
    zipped = ogc.get(url, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip" and zipped.headers["ETag"] != tag
    assert gzip.decompress(zipped.data) == first.data
    assert ogc.get(url, headers={"If-None-Match": zipped.headers["ETag"]}).status_code == 304
    assert {"Accept", "Accept-Encoding"} <= {v.strip() for v in first.headers["Vary"].split(",")}


def test_every_profile_s_applicants_have_a_verdict_or_none(ogc):
    """A walking profile without a road network gives no verdict (as the review queue), never an error."""
    from planner.rules.profiles import BUILT_IN

    for name in BUILT_IN:
        data = ogc.get(f"/ogc/collections/applicants-{name}/items").get_json()
        assert [f["id"] for f in data["features"]] == ["R2"], name
        assert data["features"][0]["properties"]["verdict"] in ("pass", "fail", None)


def test_an_empty_registry_answers_with_no_features(empty_engine, tmp_path):
    from planner.registry.accounts import issue_token
    from planner.registry.schema import upgrade_schema
    from tests.web.conftest import add_test_users

    upgrade_schema(empty_engine)
    add_test_users(empty_engine)
    client = BearerClient(app_over(empty_engine, tmp_path).test_client(), issue_token(empty_engine, "alice"))
    collections = client.get("/ogc/collections").get_json()["collections"]
    assert all(c["crs"] == [CRS84, CGCS2000] for c in collections)  # no district without data
    for cid in ("outlets", "stations", "areas", "applicants-yiwu"):
        data = client.get(f"/ogc/collections/{cid}/items").get_json()
        assert data["numberMatched"] == 0 and data["features"] == [], cid
