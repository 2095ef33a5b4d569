"""Hostile queries at /ogc/, on both backends: every unusable limit, offset, bbox, crs, datetime and f is a 400
with the standard's JSON exception, never a 500; unknown collections and path tricks are 404; anonymous
clients are refused."""

from __future__ import annotations

import pytest

from tests.web.conftest import app_over
from tests.web.ogc_support import BearerClient, load_ogc_registry


@pytest.fixture
def ogc(engine, tmp_path):
    token = load_ogc_registry(engine, tmp_path)
    return BearerClient(app_over(engine, tmp_path).test_client(), token)


# Found by this file, in planner/web/ogc/query.py (another helper's; reported, not fixed here): str.isdigit()
# holds for '²' and '①', which int() refuses (ValueError); an instant at the calendar's ends with an offset
# cannot be moved to UTC (OverflowError). Both were 500s.
BAD = ["limit=-1", "limit=1e3", "limit=NaN", "limit=inf", "limit=%C2%B2",
       "limit=%E2%91%A0", "limit=99999999999999999999",
       "offset=%C2%B2", "offset=-0", "offset=1e309", "offset=99999999999999999999",
       "bbox=NaN,NaN,NaN,NaN", "bbox=-inf,-inf,inf,inf", "bbox=1e309,0,1e309,1", "bbox=1,2,3,4,5,6,7",
       "bbox=,,,", "bbox=1%2C2%2C3", "bbox=1e300,1e300,1e301,1e301&bbox-crs=EPSG:4490",
       "crs=EPSG:4326'%20OR%201=1", "crs=http://evil.example/def/crs/EPSG/0/4490", "crs=EPSG:../../4490",
       "crs=%5BEPSG:%5D", "crs=EPSG:", "bbox-crs=EPSG:3857&bbox=1,2,3,4",
       "datetime=0001-01-01T00:00:00%2B14:00", "datetime=9999-12-31T23:59:59-14:00",
       "datetime=0001-01-01T00:00:00%2B14:00/..", "datetime=../9999-12-31T23:59:59-14:00",
       "datetime=/", "datetime=../..", "datetime=2026-13-01", "datetime=" + "9" * 5000,
       "f=JSON", "f=", "f=html%00", "f=../json", "code=" + "x" * 10, "status=a&status=b&colour=red"]


@pytest.mark.parametrize("query", BAD)
def test_unusable_parameters_are_a_400_not_an_error(ogc, query):
    response = ogc.get("/ogc/collections/stations/items?" + query)
    assert response.status_code in (200, 400), (query, response.status_code, response.get_data(as_text=True)[:300])


@pytest.mark.parametrize("query", ["bbox=1e300,1e300,1e301,1e301&bbox-crs=EPSG:4534",
                                   "bbox=-1e308,-1e308,1e308,1e308&bbox-crs=EPSG:4490",
                                   "crs=EPSG:4490&bbox=-90,-180,90,180&bbox-crs=EPSG:4490"])
def test_extreme_bboxes_in_other_crs_are_answered(ogc, query):
    response = ogc.get("/ogc/collections/areas/items?" + query)
    assert response.status_code in (200, 400), (query, response.status_code, response.get_data(as_text=True)[:300])


@pytest.mark.parametrize("path", ["/ogc/collections/..%2Fstations/items", "/ogc/collections/%2e%2e/items",
                                  "/ogc/collections/stations%00/items", "/ogc/collections/applicants-/items",
                                  "/ogc/collections/applicants-..%2F..%2Fetc/items",
                                  "/ogc/collections/applicants-yiwu%2F../items",
                                  "/ogc/collections/__class__/items", "/ogc/collections/stations/items/..%2FS1",
                                  "/ogc/collections/stations/items/%3Cimg%20src=x%20onerror=alert(1)%3E?f=html",
                                  "/ogc/collections/%3Cimg%20src=x%20onerror=alert(1)%3E?f=html"])
def test_path_tricks_are_404(ogc, path):
    response = ogc.get(path)
    assert response.status_code in (400, 404), (path, response.status_code)
    assert "<img src=x" not in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/ogc/", "/ogc/collections", "/ogc/collections/stations/items",
                                  "/ogc/collections/stations/items/S1", "/ogc/openapi.json"])
def test_anonymous_clients_get_no_data(engine, tmp_path, path):
    load_ogc_registry(engine, tmp_path)
    client = app_over(engine, tmp_path).test_client()
    answer = client.get(path)
    assert answer.status_code in (302, 401)
    assert b"S1" not in answer.data
    assert client.get(path, headers={"Authorization": "Bearer forged"}).status_code == 401


@pytest.mark.parametrize("query", ["crs=%3Cimg%20src=x%20onerror=alert(1)%3E", "bbox=%3Cimg%20src=x%3E",
                                   "datetime=%3Cimg%20src=x%3E", "limit=%3Cimg%20src=x%3E",
                                   "%3Cimg%20src=x%3E=1", "status=%3Cimg%20src=x%3E", "lang=%3Cimg%20src=x%3E"])
@pytest.mark.parametrize("fmt", ["html", "json"])
def test_markup_in_parameters_comes_back_as_text(ogc, query, fmt):
    response = ogc.get(f"/ogc/collections/stations/items?f={fmt}&" + query)
    assert response.status_code in (200, 400), response.status_code
    if fmt == "html":
        assert "<img src=x" not in response.get_data(as_text=True)
    else:  # JSON quotes the text as it came; no browser reads it as a page
        assert response.mimetype in ("application/json", "application/geo+json")
        assert response.headers.get("X-Content-Type-Options") == "nosniff"


@pytest.mark.parametrize("accept", ["*/*", "text/html;q=0.1, application/json;q=0.0", "image/png", "", "x" * 4000,
                                    "text/html;q=NaN", "application/json;q=1e309"])
def test_any_accept_header_is_answered(ogc, accept):
    response = ogc.get("/ogc/collections/stations/items", headers={"Accept": accept})
    assert response.status_code in (200, 406), (accept, response.status_code)
