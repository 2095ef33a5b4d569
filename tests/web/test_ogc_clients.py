"""Real clients read /ogc/ from a live server on both backends: GDAL's OAPIF driver (through pyogrio) and OWSLib's
Features, each with the bearer token.

GDAL's OAPIF driver sends an `Accept` header of its own through CPLHTTPFetch's HEADERS option, which takes the place
of GDAL_HTTP_HEADERS: the token goes through GDAL_HTTP_AUTH=BEARER and GDAL_HTTP_BEARER (GDAL ≥ 3.9) instead,
or a GDAL_HTTP_HEADER_FILE."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pyogrio
import pytest

from planner.registry.tables import read_table
from tests.web.ogc_support import EXTRA_STATIONS, load_ogc_registry

ROOT = Path(__file__).resolve().parents[2]


class _Served:
    """The server process and the requests it answered so far."""

    def __init__(self, process, log):
        self.process, self.log = process, log

    @property
    def requests(self) -> list[str]:
        return [line.strip() for line in self.log.read_text(encoding="utf-8").splitlines()[1:]]


@pytest.fixture
def served(engine, tmp_path):
    token = load_ogc_registry(engine, tmp_path)
    log = tmp_path / "requests.log"
    with open(log, "w", encoding="utf-8") as out:
        process = subprocess.Popen([sys.executable, "-m", "tests.web.ogc_server",
                                    engine.url.render_as_string(hide_password=False),
                                    str(tmp_path / "instance")], stdout=out, stderr=subprocess.DEVNULL, cwd=ROOT)
    try:
        for _ in range(600):
            lines = log.read_text(encoding="utf-8").splitlines()
            if lines:
                break
            assert process.poll() is None, "the server did not start"
            time.sleep(0.05)
        yield f"http://127.0.0.1:{int(lines[0])}", token, _Served(process, log)
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def gdal_token(served):
    url, token, seen = served
    options = {"GDAL_HTTP_AUTH": "BEARER", "GDAL_HTTP_BEARER": token, "GDAL_HTTP_TIMEOUT": "60"}
    pyogrio.set_gdal_config_options(options)
    yield url, seen
    pyogrio.set_gdal_config_options(dict.fromkeys(options))


def test_gdal_reads_every_station_across_pages(gdal_token, engine):
    url, seen = gdal_token
    frame = pyogrio.read_dataframe(f"OAPIF:{url}/ogc/collections/stations", PAGE_SIZE=4)
    registry = read_table(engine, "stations")
    assert len(frame) == len(registry) == EXTRA_STATIONS + 2
    assert sorted(frame["code"]) == sorted(registry["code"])
    merged = frame.set_index("code").loc[list(registry["code"])]
    assert list(merged["name"]) == list(registry["name"])
    assert list(merged["status"]) == list(registry["status"])
    assert merged.geometry.x.to_numpy() == pytest.approx(registry.geometry.x.to_numpy(), abs=1e-7)
    assert merged.geometry.y.to_numpy() == pytest.approx(registry.geometry.y.to_numpy(), abs=1e-7)
    pages = [r for r in seen.requests if r.startswith("/ogc/collections/stations/items")]
    assert len(pages) >= 7, pages  # 25 features, 4 a page: GDAL followed the next links


def test_gdal_lists_the_collections_from_the_landing_page(gdal_token, engine):
    url, _ = gdal_token
    layers = {name for name, _ in pyogrio.list_layers(f"OAPIF:{url}/ogc/")}
    assert {"outlets", "stations", "candidates", "areas", "applicants-yiwu"} <= layers
    areas = pyogrio.read_dataframe(f"OAPIF:{url}/ogc/", layer="areas")
    registry = read_table(engine, "areas")
    assert sorted(areas["code"]) == sorted(registry["code"])
    assert set(areas.geometry.geom_type) <= {"Polygon", "MultiPolygon"}


def test_owslib_features_reads_collections_and_items(served, engine):
    from owslib.ogcapi.features import Features

    url, token, _ = served
    api = Features(f"{url}/ogc/", headers={"Authorization": f"Bearer {token}"})
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in api.conformance()["conformsTo"]
    ids = [c["id"] for c in api.collections()["collections"]]
    assert "stations" in ids and "applicants-yiwu" in ids
    assert api.collection("outlets")["id"] == "outlets"
    page = api.collection_items("stations", limit=5, offset=20)
    assert page["numberMatched"] == EXTRA_STATIONS + 2 and page["numberReturned"] == 5
    outlets = api.collection_items("outlets", limit=100)
    assert sorted(f["id"] for f in outlets["features"]) == sorted(read_table(engine, "outlets")["code"])
    assert api.collection_item("stations", "S1")["properties"]["name"] == "东庄便民站"
    assert set(api.collection_queryables("stations")["properties"]) == {"code", "status"}
