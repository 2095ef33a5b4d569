"""A district one cell tall, whose populations are counted in whole cells by hand.

Every area is a strip y = 0…100 m (metres from coverage_support's X0, Y0 in
EPSG:4548, the Gauss-Krüger plane the grid itself picks here), with edges on
multiples of 100 m. With 100 m cells each area is one row of cells whose
centres lie on the line y = 50 at x = …, 50, 150, 250, …, and its people are
spread evenly over them. Sites stand on the same line at x ≡ 25 (mod 100), so
every cell centre is at least 25 m inside or outside a 500 m service disc
(the plane's scale error here is 7 mm): a site at x covers exactly the cells
with |centre − x| ≤ 500.

Reach under yiwu (branches and open stations count; agencies and closed
stations do not), cells named by their centre x:

    W1  0…1000, 1000 people, 10 cells of 100
        O1 (25) reaches 50…450, S1 (325) 50…750, S2 (625) 150…1050
        → 50: 2 sites; 150, 250, 350, 450: 3 sites; 550, 650, 750: 2; 850, 950: 1
        → covered 1000, reached by two or more 800 (only once: 200)
    W2  1000…2000, 2000 people, 10 cells of 200
        S2 reaches 1050; S3 (1825) reaches 1350…1950; 1150 and 1250 lie under the
        agency O2 and the closed S4 (1225) only → covered 8 cells = 1600, share 0.8
    W3  5000…5300, 300 people, 3 cells of 100, no site → covered 0
    W4  −3000…−1700, 1300 people, 13 cells of 100
        S5 (−2975) reaches −2950…−2550 (5 cells) → covered 500

Applicants for W4 (`P`, `Q`): P at x = −2375 (600 m from S5) reaches −2850…−1950:
service 10 cells = 1000, of which −2850…−2550 (4 cells) S5 already serves:
marginal 600. Q stands 400.00 m (geodesic) east of P, at x ≈ −1975; W4 ends at
−1700, so Q reaches only −2450…−1750: service 8 cells = 800, all new:
marginal 800. By service P comes first, by marginal Q does.
"""

from __future__ import annotations

import geopandas as gpd
import shapely

from planner.files.imports import prepare_import
from planner.registry.tables import load_records
from planner.spatial.geodesic import GEOD
from tests.check_support import write_list
from tests.coverage_support import CRS, X0, Y0, to_lonlat

STRIPS = {  # code: (name, west, east, population), all villages, y = 0…100
    "W1": ("三站村", 0, 1000, 1000),
    "W2": ("东村", 1000, 2000, 2000),
    "W3": ("远村", 5000, 5300, 300),
    "W4": ("西村", -3000, -1700, 1300),
}
SITES = {  # code: (kind or status, x); all at y = 50
    "O1": ("branch", 25), "O2": ("agency", 1225),
    "S1": ("open", 325), "S2": ("open", 625), "S3": ("open", 1825), "S4": ("closed", 1225), "S5": ("open", -2975),
}
P = to_lonlat(-2375, 50)
Q = tuple(float(v) for v in GEOD.fwd(*P, 90.0, 400.0)[:2])
R = to_lonlat(5125, 50)  # in W3: reaches its three cells, 300 people, nobody served yet
T = to_lonlat(2225, 50)  # 400 m from S3: breaks the station distance rule
X = to_lonlat(5275, 50)  # rejected: never ranked, never existing
CANDIDATES = {"P": ("submitted", P), "Q": ("surveyed", Q), "R": ("submitted", R), "T": ("submitted", T),
              "X": ("rejected", X)}


def strip(west, east):
    return shapely.box(X0 + west, Y0, X0 + east, Y0 + 100)


def load_strips(engine, folder, *, candidates: bool = True):
    """The strip district into the registry (with the applicants P, Q, R, T and X unless told not to)."""
    areas = gpd.GeoDataFrame(
        {"代码": list(STRIPS), "名称": [s[0] for s in STRIPS.values()], "级别": ["village"] * len(STRIPS),
         "人口": [s[3] for s in STRIPS.values()]},
        geometry=[strip(s[1], s[2]) for s in STRIPS.values()], crs=CRS)
    areas.to_file(folder / "strips.gpkg", layer="areas")
    files = [("areas", folder / "strips.gpkg"),
             ("branches", write_list(folder / "strip_outlets.csv", headers=["机构号", "类型", "经度", "纬度"],
                                     rows=[[c, k, *to_lonlat(x, 50)] for c, (k, x) in SITES.items() if c[0] == "O"])),
             ("stations", write_list(folder / "strip_stations.csv", headers=["机构号", "状态", "经度", "纬度"],
                                     rows=[[c, k, *to_lonlat(x, 50)] for c, (k, x) in SITES.items() if c[0] == "S"]))]
    if candidates:
        files.append(("candidates", write_list(folder / "strip_candidates.csv",
                                               headers=["序号", "状态", "经度", "纬度"],
                                               rows=[[c, s, *p] for c, (s, p) in CANDIDATES.items()])))
    for kind, path in files:
        load_records(engine, prepare_import(path, kind), actor="test")
    return engine
