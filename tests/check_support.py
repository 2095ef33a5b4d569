"""A small registry whose answers can be worked out on paper, and applicant files for it."""

from __future__ import annotations

import csv

from planner.files.imports import prepare_import
from planner.registry.tables import load_records
from planner.spatial.geodesic import GEOD
from tests.conftest import DATA
from tests.file_support import write_xlsx

CHECK_DATA = DATA / "check"
SITES = {  # code: (lon, lat)
    "O1": (116.605, 40.105),  # branch
    "O2": (116.635, 40.115),  # agency
    "S1": (116.615, 40.115),  # open station
    "S2": (116.625, 40.105),  # closed station
    "R1": (116.645, 40.115),  # applicant approved in the registry
}
HEADERS = ["序号", "店名", "经度", "纬度", "营业面积", "展示面积", "经营月数", "户外标识位", "通信线路",
           "联系电话", "身份证号"]


def load_small_registry(engine):
    for kind, name in (("areas", "areas.geojson"), ("branches", "outlets.csv"), ("stations", "stations.csv"),
                       ("candidates", "candidates.csv")):
        load_records(engine, prepare_import(CHECK_DATA / name, kind), actor="test")
    return engine


def offset(code_or_point, metres: float, azimuth: float = 90.0):
    """The point `metres` (geodesic) from a site or point in direction `azimuth`."""
    lon, lat = SITES[code_or_point] if isinstance(code_or_point, str) else code_or_point
    lon2, lat2, _ = GEOD.fwd(lon, lat, azimuth, metres)
    return float(lon2), float(lat2)


def row(code, point, *, name="商店", area=20, display=2, months=12, signage="有", line="有",
        phone="13800000000", id_card="110113199001011234"):
    return [code, name, point[0], point[1], area, display, months, signage, line, phone, id_card]


def write_list(path, rows, *, headers=HEADERS, title=None):
    """An applicant list as CSV or XLSX by the path's extension."""
    if str(path).endswith(".xlsx"):
        return write_xlsx(path, headers, rows, title=title)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows(rows)
    return path
