"""A small registry with one of everything an export carries: every site kind, areas, monthly counts, a
soft-deleted station, a station opened from an applicant, accounts (one with a token, one
disabled), a population raster and a road network; on both backends."""

from __future__ import annotations

import numpy as np
import pytest
import rasterio
from rasterio.transform import Affine

from planner.registry.accounts import add_user, issue_token, set_disabled
from planner.registry.population_raster import import_raster
from planner.registry.roads import replace_road_network
from planner.registry.site_changes import add_site, changing_sites, record_event
from planner.roads.segments import RoadSegments
from tests.conftest import DATA
from tests.file_support import load_file, write_points

STATION_CODES = ["S1", "S2", "S3"]


def _stations(tmp_path, codes, name):
    lon = [116.60 + 0.01 * i for i in range(len(codes))]
    lat = [40.10 + 0.005 * i for i in range(len(codes))]
    return write_points(tmp_path / name, {"code": codes, "name": [f"站{c}" for c in codes],
                                          "operator": ["张三"] * len(codes), "备注": ["x"] * len(codes)}, lon, lat)


def _population(engine, tmp_path):
    path = tmp_path / "pop.tif"
    with rasterio.open(path, "w", driver="GTiff", height=4, width=5, count=1, dtype="float32", crs="EPSG:4326",
                       transform=Affine(0.01, 0, 116.55, 0, -0.01, 40.15), nodata=-1) as dst:
        dst.write(np.arange(20, dtype="float32").reshape(4, 5), 1)
    import_raster(engine, path, actor="tester")


def fill_registry(engine, tmp_path) -> None:
    load_file(engine, DATA / "branches_zh.csv", "branches")
    load_file(engine, DATA / "areas.geojson", "areas")
    load_file(engine, _stations(tmp_path, STATION_CODES, "stations.gpkg"), "stations")
    load_file(engine, _stations(tmp_path, STATION_CODES[:2], "fewer.gpkg"), "stations", replace=True)  # S3 retired
    load_file(engine, _stations(tmp_path, ["S1", "S4"], "s4.gpkg"), "stations")
    candidates = write_points(tmp_path / "candidates.gpkg",
                              {"code": ["C1", "C2"], "name": ["小卖部", None], "area_m2": [30.5, None],
                               "signage": ["有", None], "months_in_business": [14, None]},
                              [116.63, 116.64], [40.11, 40.12])
    load_file(engine, candidates, "candidates")
    with changing_sites(engine) as conn:  # a station opened from applicant C1
        cid = conn.exec_driver_sql("SELECT id FROM candidates WHERE code = 'C1'").scalar()
        add_site(conn, "stations", "S9", 116.63, 40.11, status="open", operator="小卖部", candidate_id=cid)
        record_event(conn, "tester", "stations", "S9", "create", {"candidate": ["", "C1"]})
    (tmp_path / "tx.csv").write_text("station_id,month,count\nS1,2026-08,12\nS1,2026-09,0\nS2,2026-09,7\n")
    load_file(engine, tmp_path / "tx.csv", "transactions")
    add_user(engine, "admin", "admin", "a-long-password")
    add_user(engine, "former", "staff", "a-long-password")
    issue_token(engine, "admin")
    set_disabled(engine, "former", True)
    _population(engine, tmp_path)
    nodes = np.array([116.60, 116.61, 116.62]), np.array([40.10, 40.10, 40.11])
    replace_road_network(engine, RoadSegments(*nodes, np.array([0, 1]), np.array([1, 2]), "roads"), actor="tester")


@pytest.fixture
def filled(engine, tmp_path):
    """The migrated registry on each backend, filled."""
    fill_registry(engine, tmp_path)
    return engine
