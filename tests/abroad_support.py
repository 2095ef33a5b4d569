"""A small registry in Helsinki (a test city outside China): two branches, one open station, one community.

Places are worked out with pyproj.Geod from the sites, so the distances in the tests are known by hand.
"""

from __future__ import annotations

import json

from tests.file_support import load_file

HELSINKI = (24.94, 60.17)  # in the community, 500 m or more from every site
SITES = {  # code: (lon, lat)
    "HO1": (24.930, 60.175),  # branch
    "HO2": (24.960, 60.178),  # branch
    "HS1": (24.945, 60.160),  # open station
}
AREA = ((24.90, 60.15), (24.99, 60.15), (24.99, 60.19), (24.90, 60.19), (24.90, 60.15))  # community HA1
ESPOO = (24.65, 60.21)  # about 16 km west of the community: outside the district
SHANGHAI = (121.47, 31.23)  # in China, far from any registry here


def load_helsinki(engine, tmp_path):
    """The Helsinki registry, imported the way `planner import` does."""
    outlets = tmp_path / "helsinki_outlets.csv"
    outlets.write_text("机构号,网点名称,类型,经度,纬度\n"
                       + "".join(f"{c},Helsinki {c},支局,{p[0]},{p[1]}\n" for c, p in SITES.items() if c[1] == "O"),
                       encoding="utf-8")
    stations = tmp_path / "helsinki_stations.csv"
    stations.write_text("机构号,名称,状态,经度,纬度\n"
                        + "".join(f"{c},Kioski {c},营业,{p[0]},{p[1]}\n" for c, p in SITES.items() if c[1] == "S"),
                        encoding="utf-8")
    areas = tmp_path / "helsinki_areas.geojson"
    areas.write_text(json.dumps({"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"代码": "HA1", "名称": "Kluuvi", "级别": "社区", "人口": 5000, "户数": 2500},
        "geometry": {"type": "Polygon", "coordinates": [list(map(list, AREA))]}}]}), encoding="utf-8")
    load_file(engine, areas, "areas")
    load_file(engine, outlets, "branches")
    load_file(engine, stations, "stations")
    return engine
