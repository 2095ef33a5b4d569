"""A registry on a hand-made walking network: a river with one bridge, an island road, areas on both banks.

Laid out in metres east/north of a point in Harbin (tests.roads.road_support.at): roads along the two
banks of a river 120 m apart (west x = 0, east x = 120, y = -1000…600) joined by one bridge at y = 500,
and an island road (x = 300, y = -400…-200) joined to nothing. Every figure a test expects follows from
this layout by hand.
"""

from __future__ import annotations

import csv
import json

from planner.files.imports import prepare_import
from planner.registry.roads import replace_road_network
from planner.registry.tables import load_records
from tests.roads.road_support import at, road_segments

NODES = [(0, -1000), (0, -700), (0, -500), (0, 0), (0, 500), (0, 600),  # west bank 0-5
         (120, -1000), (120, -500), (120, 0), (120, 500), (120, 600),  # east bank 6-10
         (300, -400), (300, -200)]  # the island 11-12
SEGMENTS = [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (6, 7), (7, 8), (8, 9), (9, 10), (4, 9), (11, 12)]
AREAS = {  # code: (name, (west, south, east, north) in metres, population)
    "W": ("西岸社区", (-300, -300, -5, 300), 3000),
    "E": ("东岸社区", (125, 50, 420, 350), 3000),  # beyond a walk from the island station
}


def _csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([header, *rows])
    return path


def _areas(path):
    features = []
    for code, (name, (w, s, e, n), people) in AREAS.items():
        ring = [at(w, s), at(e, s), at(e, n), at(w, n), at(w, s)]
        properties = {"代码": code, "名称": name, "级别": "社区", "人口": people, "户数": people // 3}
        features.append({"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]},
                         "properties": properties})
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


def load_river_registry(engine, folder, *, areas=False, outlets=(("O1", (125, 0)),), candidates=()):
    """Outlets, stations S1 (west bank, y = -700) and S2 (island), approved applicant R1 (y = -1000), the network;
    with `areas`, the two bank communities too; `candidates`: open applicants (code, (east, north))."""
    files = [("branches", _csv(folder / "o.csv", ["机构号", "网点名称", "类型", "经度", "纬度"],
                               [[code, f"{code}支局", "支局", *at(*place)] for code, place in outlets])),
             ("stations", _csv(folder / "s.csv", ["机构号", "名称", "状态", "经度", "纬度"],
                               [["S1", "西岸站", "营业", *at(0, -700)], ["S2", "岛上站", "营业", *at(300, -300)]])),
             ("candidates", _csv(folder / "c.csv", ["序号", "店名", "状态", "经度", "纬度"],
                                 [["R1", "已批准商店", "已批准", *at(0, -1000)],
                                  *[[code, f"{code}商店", "待勘察", *at(*place)] for code, place in candidates]]))]
    if areas:
        files.insert(0, ("areas", _areas(folder / "areas.geojson")))
    for kind, path in files:
        load_records(engine, prepare_import(path, kind), actor="test")
    replace_road_network(engine, road_segments(NODES, SEGMENTS), actor="test")
    return engine
