import time

from planner.registry.accounts import issue_token
from planner.spatial.geodesic import GEOD
from tests.web.api_support import TokenClient


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


def test_openapi_document_describes_every_api_route(client, app):
    import re

    doc = client.get("/api/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    routes = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") and rule.rule != "/api/openapi.json":
            path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
            routes.setdefault(path, set()).update(m.lower() for m in rule.methods - {"HEAD", "OPTIONS"})
    documented = {path: set(ops) for path, ops in doc["paths"].items()}
    assert routes == documented


def test_single_site_check(anonymous, engine):
    from tests.check_support import load_small_registry, offset

    client = TokenClient(anonymous, issue_token(engine, "alice"))
    load_small_registry(engine)
    near = offset("O1", 300, 0)
    data = client.post("/api/check", json={"lon": near[0], "lat": near[1], "profile": "yiwu"}).get_json()
    assert data["verdict"] == "fail" and data["nearest_outlet"]["code"] == "O1"
    assert abs(data["nearest_outlet"]["distance_m"] - 300) < 0.01 and "O1" in data["reasons"][0]
    far = client.post("/api/check?lang=en", json={"lon": 116.628, "lat": 40.1035}).get_json()
    assert far["verdict"] == "pass" and far["reasons"] == []
    # An approved applicant checked at its own place is not its own neighbour.
    own = client.post("/api/check", json={"lon": 116.645, "lat": 40.115, "code": "R1"}).get_json()
    assert own["nearest_station"]["code"] != "R1"
    for bad in ({"lon": "x", "lat": 40}, {"lat": 40}, [1, 2], {"lon": 116, "lat": 40, "profile": "nowhere"}):
        response = client.post("/api/check", json=bad)
        assert response.status_code == 400 and response.get_json()["message"]


def test_the_check_sees_a_decision_at_once_and_then_answers_from_memory(anonymous, engine, tmp_path):
    from planner.registry.changes import registry_version
    from planner.rules.profiles import load_profile
    from planner.sites.cache import cached_sites
    from planner.workflow.decisions import decide
    from tests.check_support import offset
    from tests.decision_support import load_waiting_at
    from tests.geometry_files import GOOD

    load_waiting_at(engine, tmp_path, {"E": GOOD})  # inside the district: the check refuses places outside it
    client = TokenClient(anonymous, issue_token(engine, "alice"))
    near = offset(GOOD, 120.0, 0.0)
    question = {"lon": near[0], "lat": near[1], "profile": "yiwu"}
    before = client.post("/api/check", json=question).get_json()
    assert before["nearest_station"] is None or before["nearest_station"]["code"] != "E"
    decide(engine, "E", "approve", "ok", actor="alice", profile=load_profile("yiwu"))
    after = client.post("/api/check", json=question).get_json()  # the very next request
    assert after["verdict"] == "fail" and after["nearest_station"]["code"] == "E"
    assert abs(after["nearest_station"]["distance_m"] - 120.0) < 0.01
    version = registry_version(engine)
    deadline = time.time() + 60
    while cached_sites(engine, load_profile("yiwu"), version=version, wait=False) is None:
        assert time.time() < deadline, "the worker never read the new registry"
        time.sleep(0.05)
    assert client.post("/api/check", json=question).get_json() == after


def test_layers_revalidate_by_etag_and_come_gzipped_when_asked(client, engine, tmp_path):
    import gzip
    import json

    from planner.files.imports import prepare_import
    from planner.registry.tables import load_records
    from tests.check_support import load_small_registry

    path = tmp_path / "stations.csv"
    path.write_text("机构号,名称,状态,经度,纬度\n" + "".join(f"S{i},站{i},营业,{116.5 + i / 1000},40.1\n"
                                                          for i in range(100)), encoding="utf-8")
    load_records(engine, prepare_import(path, "stations"), actor="t")
    plain = client.get("/api/layers/stations")
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers and len(plain.data) > 2048
    zipped = client.get("/api/layers/stations", headers={"Accept-Encoding": "gzip, deflate"})
    assert zipped.headers["Content-Encoding"] == "gzip" and len(zipped.data) < len(plain.data) / 2
    assert json.loads(gzip.decompress(zipped.data)) == plain.get_json()
    assert zipped.headers["ETag"] != plain.headers["ETag"] and "Accept-Encoding" in zipped.headers["Vary"]
    for answer in (plain, zipped):
        again = client.get("/api/layers/stations", headers={"If-None-Match": answer.headers["ETag"]})
        assert again.status_code == 304 and not again.data
    load_small_registry(engine)  # any change to the registry makes every answer stale
    changed = client.get("/api/layers/stations", headers={"If-None-Match": plain.headers["ETag"]})
    assert changed.status_code == 200 and changed.headers["ETag"] != plain.headers["ETag"]


def test_the_overview_shows_the_registry_as_it_is_now(client, engine):
    from tests.check_support import load_small_registry

    first = client.get("/").get_data(as_text=True)
    load_small_registry(engine)
    second = client.get("/").get_data(as_text=True)
    assert first != second  # counts and the fitted extent follow the change at once
