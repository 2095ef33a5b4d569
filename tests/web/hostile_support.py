"""A registry whose every user-supplied text is a script-injection payload, for the browser tests.

Codes, names, addresses, operators, area names, notes, user names and an
uploaded list (ids, names, its file name) all carry the payloads below, placed
around one plain applicant (R0) so that its page shows them as neighbours and
nearest sites.
"""

from __future__ import annotations

import csv
import json

from planner.files.imports import prepare_import
from planner.registry.accounts import add_user
from planner.registry.tables import load_records
from planner.rules.profiles import load_profile
from planner.spatial.geodesic import GEOD
from planner.workflow.decisions import decide, transfer_station

PAYLOADS = (
    "<script>window.__xss=1</script>",
    "</script><script>window.__xss=1</script>",
    "${window.__xss=1}",
    '"><img src=x onerror="window.__xss=1">',
    "' onmouseover='window.__xss=1",
    "javascript:window.__xss=1",
    "`+(window.__xss=1)+`",
    "<img src=x onerror=alert(1)>",
)
CENTRE = (116.628, 40.118)  # R0, a plain applicant with hostile neighbours
FILE_NAME = '"><img src=x onerror="window.__xss=1">${window.__xss=1}.csv'


def code(payload: str, kind: str) -> str:
    """The code a payload gets in table `kind` (o, s, c, a): the payload first, so it can break out."""
    return f"{payload}~{kind}{PAYLOADS.index(payload)}"


def in_path(payload: str) -> bool:
    """Whether a page address can carry this code (a '/' would split the path)."""
    return "/" not in payload


def around(metres: float, i: int) -> tuple[float, float]:
    lon, lat, _ = GEOD.fwd(*CENTRE, 45.0 * i, metres)
    return float(lon), float(lat)


def _csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _area(i: int, payload: str) -> dict:
    x0, y0 = 116.56 + 0.006 * i, 40.16
    ring = [[x0, y0], [x0 + 0.004, y0], [x0 + 0.004, y0 + 0.004], [x0, y0 + 0.004], [x0, y0]]
    return {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]},
            "properties": {"代码": code(payload, "a"), "名称": payload, "级别": "村", "人口": 500 + i, "所属": ""}}


def load_hostile(engine, folder) -> None:
    """Every payload in every table, decisions and a transfer recorded under hostile user names."""
    areas = {"type": "FeatureCollection", "features": [_area(i, p) for i, p in enumerate(PAYLOADS)]}
    (folder / "areas.geojson").write_text(json.dumps(areas, ensure_ascii=False), encoding="utf-8")
    files = {
        "areas": folder / "areas.geojson",
        "branches": _csv(folder / "outlets.csv", ["机构号", "网点名称", "类型", "地址", "经度", "纬度"],
                         [[code(p, "o"), p, "支局", p, *around(350 + 40 * i, i)] for i, p in enumerate(PAYLOADS)]),
        "stations": _csv(folder / "stations.csv", ["机构号", "名称", "地址", "状态", "经营者", "经度", "纬度"],
                         [[code(p, "s"), p, p, "营业", p, *around(900 + 40 * i, i)] for i, p in enumerate(PAYLOADS)]),
        "candidates": _csv(folder / "candidates.csv", ["序号", "店名", "地址", "状态", "经度", "纬度"],
                           [["R0", "普通商店", "普通地址", "待勘察", *CENTRE]]
                           + [[code(p, "c"), p, p, "待勘察", *around(1500 + 40 * i, i)]
                              for i, p in enumerate(PAYLOADS)]),
    }
    for kind, path in files.items():
        load_records(engine, prepare_import(path, kind), actor=PAYLOADS[0])
    for payload in PAYLOADS:
        add_user(engine, payload, "staff", "correct horse battery")
    yiwu = load_profile("yiwu")
    for i, payload in enumerate(PAYLOADS):
        if i % 2:
            decide(engine, code(payload, "c"), "reject", payload, actor=payload, profile=yiwu)
        else:
            decide(engine, code(payload, "c"), "needs_info", payload, actor=payload, profile=yiwu)
        transfer_station(engine, code(payload, "s"), payload + " (new)", actor=payload, note=payload)


def hostile_list(folder):
    """An applicant list whose ids and names are payloads, each row beside a hostile outlet (so it fails
    naming it)."""
    rows = [[code(p, "l"), p, *(x + 0.0003 for x in around(350 + 40 * i, i))] for i, p in enumerate(PAYLOADS)]
    return _csv(folder / "upload.csv", ["序号", "店名", "经度", "纬度"], rows)
