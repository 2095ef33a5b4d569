"""The oracle of bench/walking.py: walking metres with every position inserted into the network as a node.

Independent of planner.roads: each position (the sampled applicants, their
straight-line neighbours within the spacing, every site) joins its nearest
segment found by shapely in an azimuthal equidistant plane centred on the
network, at the foot of the perpendicular there; the segment is split at the
feet on it (in order along it), every piece and the off-network leg measured
with pyproj.Geod, and networkx Dijkstra walks the result. Answers within
TOL_M of a threshold are not judged.
"""

from __future__ import annotations

import numpy as np

__all__ = ["TOL_M", "oracle"]

TOL_M = 0.5


def _oracle_graph(d: dict, plon, plat):
    """networkx graph of the segments with every position inserted: position k is node n + P + k, tied by
    its off-network leg to node n + k, its foot on its nearest segment, which splits that segment."""
    import networkx as nx
    import shapely
    from pyproj import CRS, Geod, Transformer

    geod = Geod(ellps="WGS84")
    lon, lat, u, v = d["node_lon"], d["node_lat"], d["u"], d["v"]
    n, count = lon.size, plon.size
    plane = CRS.from_proj4(f"+proj=aeqd +lat_0={lat.mean()} +lon_0={lon.mean()} +datum=WGS84 +units=m")
    fwd, back = (Transformer.from_crs(a, b, always_xy=True) for a, b in ((4326, plane), (plane, 4326)))
    x, y = fwd.transform(lon, lat)
    lines = shapely.linestrings(np.stack([np.c_[x[u], y[u]], np.c_[x[v], y[v]]], axis=1))
    points = shapely.points(*fwd.transform(plon, plat))
    found = shapely.STRtree(lines).query_nearest(points, all_matches=False)
    seg = np.empty(count, np.int64)
    seg[found[0]] = found[1]
    along = shapely.line_locate_point(lines[seg], points)
    feet = shapely.line_interpolate_point(lines[seg], along)
    flon, flat = back.transform(shapely.get_x(feet), shapely.get_y(feet))
    off = geod.inv(plon, plat, flon, flat)[2]
    order = np.lexsort((along, seg))
    s = seg[order]
    first, last = np.r_[True, s[1:] != s[:-1]], np.r_[s[1:] != s[:-1], True]
    before = np.r_[order[0], order[:-1]]
    prev_node = np.where(first, u[s], n + before)
    piece = geod.inv(np.where(first, lon[u[s]], flon[before]), np.where(first, lat[u[s]], flat[before]),
                     flon[order], flat[order])[2]
    tail = geod.inv(flon[order[last]], flat[order[last]], lon[v[s[last]]], lat[v[s[last]]])[2]
    whole = np.ones(u.size, bool)
    whole[seg] = False
    graph = nx.MultiGraph()
    graph.add_nodes_from(range(n + 2 * count))
    for a, b, m in ((u[whole], v[whole], geod.inv(lon[u[whole]], lat[u[whole]], lon[v[whole]], lat[v[whole]])[2]),
                    (prev_node, n + order, piece), (n + order[last], v[s[last]], tail),
                    (n + np.arange(count), n + count + np.arange(count), off)):
        graph.add_edges_from(zip(a.tolist(), b.tolist(), ({"w": w} for w in m.tolist())))
    return graph, n + count, off, fwd


def _straight_near(plon, plat, slon, slat, fwd) -> tuple[np.ndarray, np.ndarray]:
    """The 16 nearest sites of each point in a straight line and their geodesic metres (plane candidates,
    refined with pyproj.Geod): the sites the unreachable rule looks at."""
    from pyproj import Geod
    from scipy.spatial import cKDTree

    k = min(16, slon.size)
    _, cand = cKDTree(np.column_stack(fwd.transform(slon, slat))).query(np.column_stack(fwd.transform(plon, plat)), k=k)
    cand = cand.reshape(plon.size, k)
    metres = Geod(ellps="WGS84").inv(np.repeat(plon, k), np.repeat(plat, k), slon[cand].ravel(),
                                     slat[cand].ravel())[2].reshape(plon.size, k)
    return cand, metres


def _close_on_foot(graph, q, sample_k, partner_k, off, spacing, max_road) -> tuple[set, set]:
    """Partners closer than the spacing on foot, and those too near the spacing or the road limit to judge."""
    import networkx as nx

    reach = nx.single_source_dijkstra_path_length(graph, q + sample_k, cutoff=spacing + 1, weight="w")
    close, unsure = set(), set()
    for k in partner_k:
        if k == sample_k or off[k] > max_road + TOL_M:
            continue
        metres = reach.get(q + k, np.inf)
        if abs(off[k] - max_road) <= TOL_M or abs(metres - spacing) <= TOL_M:
            unsure.add(k)
        elif metres < spacing:
            close.add(k)
    return close, unsure


def _judge_rows(graph, q, off, apps, at, near, ours, fail, unsure, profile) -> dict:
    """Verdicts and same-list conflicts of the sampled rows against the oracle's (unsure rows left out)."""
    spacing, max_road = profile.min_spacing_m, profile.max_road_distance_m
    position = {int(a): k for k, a in enumerate(apps.tolist())}
    verdict, conflicts, reasons = (ours[c].to_numpy() for c in ("verdict", "conflicts_with", "reasons"))
    found = {"unsure_rows": int(unsure.sum()), "verdicts_disagree": 0, "distance_reasons_disagree": 0,
             "conflicts_disagree": 0}
    words = {"outlet": "post outlet", "station": "existing station"}  # only these rules' reasons name them
    for t in np.flatnonzero(~unsure).tolist():
        if off[at[t]] > max_road:
            found["verdicts_disagree"] += int(verdict[t] != "error")
            continue
        partner_k = [position[int(j)] for j in near[t]]
        close, doubt = _close_on_foot(graph, q, int(at[t]), partner_k, off, spacing, max_road)
        listed = {position.get(int(c[2:]), -1) for c in conflicts[t].split(", ") if c}
        found["conflicts_disagree"] += int((listed - doubt) != close)
        failed = any(fail[kind][t] for kind in words)
        found["distance_reasons_disagree"] += int(any(fail[kind][t] != (word in reasons[t])
                                                      for kind, word in words.items()))
        expected = {"fail"} if failed else {"pass", "fail"} if close or doubt else {"pass"}
        found["verdicts_disagree"] += int(verdict[t] not in expected)
    return found


def oracle(d: dict, ours, peer, profile) -> dict:
    """Ours (a frame of the sample's output rows) and the peer (its metres there) against networkx."""
    import networkx as nx
    from scipy.spatial import cKDTree

    spacing, max_road = profile.min_spacing_m, profile.max_road_distance_m
    sample, app_lon, app_lat = d["sample"], d["app_lon"], d["app_lat"]
    kx, ky = 111_320.0 * np.cos(np.radians(app_lat.mean())), 110_574.0
    xy = np.c_[app_lon * kx, app_lat * ky]  # only to find candidate neighbours (a 1 % wider radius)
    near = cKDTree(xy).query_ball_point(xy[sample], r=spacing * 1.01 + 1)
    apps = np.unique(np.concatenate([sample, *(np.asarray(p, np.int64) for p in near)]))
    sites = {kind: (d[f"{kind}_lon"], d[f"{kind}_lat"]) for kind in ("outlet", "station")}
    first = {"outlet": apps.size, "station": apps.size + sites["outlet"][0].size}
    graph, q, off, fwd = _oracle_graph(d, np.r_[app_lon[apps], sites["outlet"][0], sites["station"][0]],
                                       np.r_[app_lat[apps], sites["outlet"][1], sites["station"][1]])
    part = np.empty(graph.number_of_nodes(), np.int64)
    for label, nodes in enumerate(nx.connected_components(graph)):
        part[list(nodes)] = label
    at = np.searchsorted(apps, sample)
    found = {"rows": int(sample.size), "oracle_errors": int((off[at] > max_road).sum()), "max_err_m": 0.0,
             "finite_mismatch": 0}
    peer_err: list[np.ndarray] = []
    usable = (off[at] < max_road - TOL_M) & (ours["verdict"].to_numpy() != "error")
    unsure = np.abs(off[at] - max_road) <= TOL_M
    fail = {}
    for kind, minimum in (("outlet", profile.min_outlet_distance_m), ("station", profile.min_station_distance_m)):
        ks = first[kind] + np.arange(sites[kind][0].size)
        dist = nx.multi_source_dijkstra_path_length(graph, set((q + ks).tolist()), weight="w")
        walked = np.array([dist.get(q + k, np.inf) for k in at.tolist()])
        # Unreachable: a site closer than the rule in a straight line on another part of the network.
        near_sites, straight = _straight_near(app_lon[sample], app_lat[sample], *sites[kind], fwd)
        apart = part[q + at][:, None] != part[q + first[kind] + near_sites]
        fail[kind] = (walked < minimum) | ((straight < minimum) & apart).any(axis=1)
        unsure |= (np.abs(walked - minimum) <= TOL_M) | (apart & (np.abs(straight - minimum) <= TOL_M)).any(axis=1)
        metres = ours[f"nearest_{kind}_m"].to_numpy()
        both = usable & np.isfinite(metres) & np.isfinite(walked)
        if both.any():
            found["max_err_m"] = max(found["max_err_m"], float(np.max(np.abs(metres[both] - walked[both]))))
        found["finite_mismatch"] += int((usable & (np.isfinite(metres) != np.isfinite(walked))).sum())
        both = usable & np.isfinite(peer[f"{kind}_m"]) & np.isfinite(walked)
        peer_err.append(np.abs(peer[f"{kind}_m"][both] - walked[both]))
    for kind in fail:
        found[f"{kind}_fails"] = int((fail[kind] & ~unsure & usable).sum())
    found.update(_judge_rows(graph, q, off, apps, at, near, ours, fail, unsure, profile))
    peer_err_m = np.concatenate(peer_err)
    found["peer_err_m"] = {name: round(float(value), 1) for name, value in (
        ("median", np.median(peer_err_m)), ("p95", np.percentile(peer_err_m, 95)), ("max", peer_err_m.max()))}
    if found["finite_mismatch"]:
        found["max_err_m"] = float("inf")
    found["inserted_positions"] = int(q - d["node_lon"].size)
    return found
