"""The heilongjiang profile on the pages and the API: walking metres, and the walk drawn on the candidate map."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest

from tests.check_support import row, write_list
from tests.roads.road_support import at
from tests.walking_support import load_river_registry
from tests.web.conftest import (
    ARTIFACTS,
    add_test_users,
    app_over,
    csrf,
    sign_in,
    signed_in_page,
    wait_for_check,
    wait_until,
)


@pytest.fixture
def river_app(engine, tmp_path):
    """An app over the river registry (tests.walking_support) with applicant C1 on the west bank."""
    load_river_registry(engine, tmp_path, candidates=(("C1", (5, 0)),))
    return app_over(add_test_users(engine), tmp_path)


@pytest.fixture
def river_url(river_app):
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, river_app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_the_api_answers_in_walking_metres(river_app):
    client = sign_in(river_app.test_client())
    headers = {"X-CSRF-Token": csrf(client)}
    for _ in range(2):  # from the database, then from the sites in memory
        answer = client.post("/api/check", json={"lon": at(5, 0)[0], "lat": at(5, 0)[1],
                                                 "profile": "heilongjiang"}, headers=headers).get_json()
        assert answer.get("verdict") == "pass", answer
        assert answer["metric"] == "walking"
        assert answer["nearest_outlet"]["distance_m"] == pytest.approx(1130, abs=1)
        assert answer["nearest_outlet_straight"]["distance_m"] == pytest.approx(120, abs=0.5)
    off_road = client.post("/api/check", json={"lon": at(400, 300)[0], "lat": at(400, 300)[1],
                                               "profile": "heilongjiang"}, headers=headers).get_json()
    assert off_road["verdict"] == "error" and "可步行道路" in off_road["reasons"][0]


def test_an_uploaded_list_is_checked_on_foot(river_app, tmp_path):
    client = sign_in(river_app.test_client())
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/check/").get_data(as_text=True)).group(1)
    path = write_list(tmp_path / "list.csv", [row("A1", at(5, 0)), row("A3", at(0, -600))])
    response = client.post("/check/", data={"csrf_token": token, "profile": "heilongjiang", "crs": "wgs84",
                                            "file": (open(path, "rb"), "list.csv")})
    location = response.headers["Location"]
    status = wait_for_check(client, location)
    assert status["state"] == "done", status
    assert status["counts"] == {"pass": 1, "fail": 1, "error": 0}
    result = pd.read_csv(io.BytesIO(client.get(location + "/download").data), dtype={"序号": str})
    assert result["nearest_outlet_m"].iloc[0] == pytest.approx(1130, abs=1)
    assert "步行 100.00 米" in result["reasons"].iloc[1]


def test_the_candidate_page_draws_the_walk_beside_the_straight_line(browser, river_url, backend):
    page = signed_in_page(browser, river_url)
    page.goto(river_url + "/candidates/C1?profile=heilongjiang")
    wait_until(page, "window.__mapReady === true")
    assert page.locator("#verdict").inner_text() == "通过"
    assert "步行 1,130" in page.locator("#nearest-outlet").inner_text()
    assert "直线 O1 · 120.0" in page.locator("#nearest-outlet").inner_text()
    labels = page.locator(".leaflet-tooltip").all_inner_texts()
    assert any(text.startswith("O1: 步行 1,13") for text in labels), labels
    # The map draws on a canvas: ask Leaflet for the route's points.
    routes = page.evaluate("""() => {
        const map = Object.keys(window).filter(k => k.startsWith('map_')).map(k => window[k])[0];
        const found = [];
        map.eachLayer(l => { if ((l.options.className || '').includes('walking-route-outlet'))
                                 found.push(l.getLatLngs().map(p => [p.lng, p.lat])); });
        return found; }""")
    assert len(routes) == 1
    north = max(lat for _, lat in routes[0])
    assert north == pytest.approx(at(0, 500)[1], abs=1e-6)  # the walk goes up to the bridge, not across the water
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"candidate-walking-{backend}.png"))
    page.close()
