"""The web doors under impossible positions: /api/check (and its fast path), the check upload,
the relocation form and API — and pages that must not break on geometry stored before the rules."""

from __future__ import annotations

import math
import re
import time

import shapely

from planner.registry.accounts import issue_token
from planner.registry.tables import read_table
from planner.rules.reasons import reason
from tests.check_support import SITES, load_small_registry
from tests.decision_support import load_pair
from tests.geometry_files import GOOD, write_shapes
from tests.stored_geometry import spoil
from tests.web.api_support import TokenClient
from tests.web.conftest import csrf

RAW_BODIES = ('{"lon": NaN, "lat": 40.1}', '{"lon": 116.6, "lat": Infinity}', '{"lon": 1e308, "lat": 1e308}',
              '{"lon": -Infinity, "lat": NaN}')


def _answers(client, body, **kw):
    response = client.post("/api/check", data=body, content_type="application/json", **kw)
    return response.status_code, response.headers.get("Content-Type", ""), response.get_json(silent=True)


def test_api_check_refuses_nan_infinity_and_1e308_with_a_json_400(client, anonymous, engine):
    load_small_registry(engine)
    token_client = TokenClient(anonymous, issue_token(engine, "alice"))
    assert token_client.post("/api/check", json={"lon": GOOD[0], "lat": GOOD[1]}).status_code == 200  # token known
    session = {"headers": {"X-CSRF-Token": csrf(client)}}
    for which, kw in ((client, session), (token_client, {})):  # the Flask view; requests the fast path sees first
        for body in RAW_BODIES:
            status, kind, answer = _answers(which, body, **kw)
            assert status == 400 and kind.startswith("application/json"), (body, status)
            assert answer["error"] == "UsageError" and "lon/lat" in answer["message"], answer
    status, _, answer = _answers(client, RAW_BODIES[2], **session)
    assert "(1e+308, 1e+308) 不是以度为单位的经纬度" in answer["message"], answer


def _token(client):
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get("/check/").get_data(as_text=True)).group(1)


def test_a_nan_row_in_an_uploaded_check_list_is_an_error_not_a_pass(client, engine, tmp_path):
    load_small_registry(engine)
    path = write_shapes(tmp_path / "list.geojson", [shapely.Point(GOOD), shapely.Point(math.nan, 40.1),
                                                    shapely.Point(1e308, 1e308)], codes=["good", "nan", "huge"])
    response = client.post("/check/", data={"csrf_token": _token(client), "profile": "yiwu", "crs": "wgs84",
                                            "file": (open(path, "rb"), "list.geojson")})
    location = response.headers["Location"]
    for _ in range(400):
        status = client.get(location + "/status").get_json()
        if status["state"] in ("done", "failed"):
            break
        time.sleep(0.05)
    assert status["state"] == "done" and status["counts"] == {"pass": 1, "fail": 0, "error": 2}
    features = client.get(location + "/rows.geojson").get_json()["features"]
    assert [f["properties"]["id"] for f in features] == ["good"]  # impossible rows are not drawn


def test_the_relocation_form_refuses_impossible_places_and_other_countries(client, engine, tmp_path):
    load_pair(engine, tmp_path)
    token = csrf(client)
    for lon, lat, says in (("1e308", "0", "不是以度为单位的经纬度"), ("nan", "40.1", "不是有限的经纬度"),
                           ("2.35", "48.85", reason("outside_china", "zh", lon=2.35, lat=48.85))):
        response = client.post("/stations/S1/relocate", data={"csrf_token": token, "lon": lon, "lat": lat},
                               follow_redirects=True)
        assert response.status_code == 200
        problem = re.search(r'data-flash="problem">([^<]*)<', response.get_data(as_text=True))
        assert problem and says in problem.group(1), (lon, lat, response.get_data(as_text=True)[:500])
        point = read_table(engine, "stations", codes=["S1"]).geometry.iloc[0]
        assert (point.x, point.y) == SITES["S1"]
    preview = client.get("/stations/S1?lon=1e308&lat=0&lang=en")
    assert preview.status_code == 400 and "1e+308" in preview.get_data(as_text=True)


def test_the_relocation_api_refuses_them_with_a_json_400(anonymous, engine, tmp_path):
    load_pair(engine, tmp_path)
    api = TokenClient(anonymous, issue_token(engine, "alice"))
    huge = api.post("/api/stations/S1/relocation?lang=en", json={"lon": 1e308, "lat": 0})
    assert huge.status_code == 400 and "(1e+308, 0.0) is not a longitude/latitude" in huge.get_json()["message"]
    nan = api.post("/api/stations/S1/relocation?lang=en", data='{"lon": NaN, "lat": 40.1}',
                   content_type="application/json")
    assert nan.status_code == 400 and "not a finite" in nan.get_json()["message"]
    abroad = api.post("/api/stations/S1/relocation?lang=en", json={"lon": 2.35, "lat": 48.85})
    assert abroad.status_code == 400
    assert abroad.get_json()["message"] == reason("outside_china", "en", lon=2.35, lat=48.85)
    point = read_table(engine, "stations", codes=["S1"]).geometry.iloc[0]
    assert (point.x, point.y) == SITES["S1"]


def test_pages_and_layers_survive_impossible_stored_geometry(client, engine):
    load_small_registry(engine)
    spoil(engine, "candidates", "R2", shapely.Point(1e308, 1e308))
    spoil(engine, "stations", "S1", shapely.Point(math.nan, 40.1))
    spoil(engine, "areas", "A1", shapely.MultiPolygon([shapely.box(-1e308, -1e308, 1e308, 1e308)]))
    for url in ("/", "/coverage/", "/review/", "/api/layers/areas", "/api/layers/stations?profile=yiwu"):
        assert client.get(url).status_code == 200, url
    layer = client.get("/api/layers/candidates?profile=yiwu")
    assert layer.status_code == 200
    assert [f["properties"]["code"] for f in layer.get_json()["features"]] == ["R1"]
    page = client.get("/candidates/R2?lang=en")
    assert page.status_code == 409 and "unusable stored position" in page.get_data(as_text=True)
    for _ in range(2):  # from the database, then (once a worker thread has read them) from the sites in memory
        check = client.post("/api/check", json={"lon": GOOD[0], "lat": GOOD[1]},
                            headers={"X-CSRF-Token": csrf(client)})
        assert check.status_code == 200 and check.get_json()["nearest_station"]["code"] != "S1"
        time.sleep(0.5)
