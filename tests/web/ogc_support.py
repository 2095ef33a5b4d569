"""A registry for the OGC API – Features tests: the small paper registry plus a few dozen stations to page through,
the test accounts, and a bearer token."""

from __future__ import annotations

import csv

from planner.files.imports import prepare_import
from planner.registry.accounts import issue_token
from planner.registry.tables import load_records
from tests.check_support import load_small_registry
from tests.web.conftest import add_test_users

EXTRA_STATIONS = 23  # with S1 and S2: 25 stations
CGCS2000 = "http://www.opengis.net/def/crs/EPSG/0/4490"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"


def load_ogc_registry(engine, tmp_path):
    """The small registry (areas, outlets, stations S1/S2, applicants R1/R2) and stations P01…P23 on a line."""
    load_small_registry(engine)
    path = tmp_path / "more_stations.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["机构号", "名称", "状态", "经度", "纬度"])
        for i in range(1, EXTRA_STATIONS + 1):
            writer.writerow([f"P{i:02d}", f"线上服务站{i}", "营业" if i % 4 else "待退出", 116.60 + i * 0.002,
                             40.10 + i * 0.001])
    load_records(engine, prepare_import(path, "stations"), actor="test")
    add_test_users(engine)
    return issue_token(engine, "alice")


class BearerClient:
    """A test client that sends `Authorization: Bearer <token>` beside any headers of the call, and no cookies."""

    def __init__(self, client, token):
        self.client, self.token = client, token

    def get(self, url, headers=None, **kw):
        return self.client.get(url, headers={"Authorization": f"Bearer {self.token}", **(headers or {})}, **kw)
