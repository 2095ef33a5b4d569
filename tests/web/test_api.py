from planner.spatial.geodesic import GEOD


def test_layer_geojson_with_bbox_and_paging(client):
    data = client.get("/api/layers/outlets").get_json()
    assert data["type"] == "FeatureCollection" and data["numberMatched"] == 3
    box = client.get("/api/layers/outlets?bbox=116.64,40.12,116.68,40.14").get_json()
    assert sorted(f["properties"]["code"] for f in box["features"]) == ["B001", "B002"]
    page = client.get("/api/layers/outlets?limit=1&offset=1").get_json()
    assert page["numberReturned"] == 1 and page["numberMatched"] == 3


def test_nearest_reports_geodesic_metres(client):
    data = client.get("/api/nearest?lon=116.66&lat=40.13&layer=outlets&k=2").get_json()
    codes = [n["code"] for n in data["nearest"]]
    assert codes == ["B001", "B002"]
    expected = GEOD.inv(116.66, 40.13, 116.654, 40.130)[2]
    assert abs(data["nearest"][0]["distance_m"] - expected) < 0.01


def test_bad_input_is_a_json_400(client):
    for url in ("/api/nearest?lon=abc&lat=40", "/api/nearest?lon=200&lat=40", "/api/layers/nothing",
                "/api/layers/outlets?bbox=1,2,3"):
        response = client.get(url + ("&lang=en" if "?" in url else "?lang=en"))
        assert response.status_code == 400, url
        assert response.get_json()["message"], url


def test_openapi_document_lists_the_paths(client):
    doc = client.get("/api/openapi.json").get_json()
    assert doc["openapi"].startswith("3.") and {"/api/layers/{layer}", "/api/nearest"} <= set(doc["paths"])
