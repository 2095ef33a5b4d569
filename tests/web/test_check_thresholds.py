"""POST /api/check at the distance thresholds, on both backends: the signed-in page's path (Flask)
and a script's bearer-token path (answered before Flask once the token and the sites are known).

Positions are placed with pyproj.Geod.fwd exactly 500 m (以上 includes it: pass) and 499.99 m
(fail) from a post outlet, an open station and an applicant approved in the registry."""

from __future__ import annotations

from planner.registry.accounts import issue_token
from tests.check_support import load_small_registry, offset
from tests.web.api_support import TokenClient
from tests.web.conftest import csrf

# (site, which nearest site it is, directions): the first directions give a geodesic a hair
# under 500 m from the chord formula, the last ones a hair over.
AT_500 = (("O1", "nearest_outlet", (140, 230, 320, 50)), ("S1", "nearest_station", (40, 130, 220, 310)),
          ("R1", "nearest_station", (90,)))


def _clients(app, client, engine):
    """Ask every question through the session (Flask view) and a bearer token (the fast path)."""
    load_small_registry(engine)
    bearer = TokenClient(app.test_client(), issue_token(engine, "alice"))
    headers = {"X-CSRF-Token": csrf(client)}
    return (lambda body: client.post("/api/check", json=body, headers=headers).get_json(),
            lambda body: bearer.post("/api/check", json=body).get_json())


def test_exactly_500_m_passes_on_every_path(app, client, engine):
    asks = _clients(app, client, engine)
    for site, nearest, azimuths in AT_500:
        for azimuth in azimuths:
            lon, lat = offset(site, 500, azimuth)
            for ask in asks:
                answer = ask({"lon": lon, "lat": lat})
                assert (answer["verdict"], answer["reasons"], answer[nearest]) == (
                    "pass", [], {"code": site, "distance_m": 500.0}), (site, azimuth)


def test_a_centimetre_short_fails_with_the_compared_metres_on_every_path(app, client, engine):
    asks = _clients(app, client, engine)
    for site, nearest, text in (("O1", "nearest_outlet", "距邮政网点 O1 499.99 米，不足 500 米"),
                                ("S1", "nearest_station", "距已有便民服务站 S1 499.99 米，不足 500 米"),
                                ("R1", "nearest_station", "距已有便民服务站 R1 499.99 米，不足 500 米")):
        lon, lat = offset(site, 499.99, 140)
        for ask in asks:
            answer = ask({"lon": lon, "lat": lat})
            assert (answer["verdict"], answer["reasons"], answer[nearest]) == (
                "fail", [text], {"code": site, "distance_m": 499.99}), site
