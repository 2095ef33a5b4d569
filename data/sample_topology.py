"""Join the sample's drawn road lines into one walking network with clean topology.

Lines join where they cross or touch and nowhere else, at one shared vertex
with the same coordinates: GEOS nodes all walkable lines together with snap
rounding on a 5 cm grid (vertices 5 cm apart stay apart after rounding to
1e-7 degree, about 1 cm). Every noded segment is then given back to the line
it lies on and each line's segments are merged again, so the output keeps one
row per road with its junctions as shared vertices. Fragments the barriers
cut off are joined to the network by short connectors (never across the
river), tiny ones dropped; every post outlet, station and applicant more than
12 m from a walkable line gets a lane that ends a few metres from it.
"""

from __future__ import annotations

import numpy as np
import shapely
from sample_roads import Lines
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

GRID_M = 0.05  # snap-rounding grid of the noding, metres
TINY_M = 200.0  # a cut-off fragment shorter than this (in all) is dropped, not connected
SPUR_FROM_M = 12.0  # a site farther than this from a walkable line gets a lane


def node(geoms) -> tuple[np.ndarray, np.ndarray]:
    """All lines noded together: segment start and end coordinates, (n, 2) each, on the 5 cm grid."""
    merged = shapely.union_all(np.asarray(geoms, dtype=object), grid_size=GRID_M)
    coords, index = shapely.get_coordinates(shapely.get_parts(merged), return_index=True)
    same = index[1:] == index[:-1]
    return coords[:-1][same], coords[1:][same]


def owners(a: np.ndarray, b: np.ndarray, sources) -> np.ndarray:
    """For every segment, the source line it lies on (its middle within 10 cm; the first such line)."""
    tree = shapely.STRtree(np.asarray(sources, dtype=object))
    middles = shapely.points((a + b) / 2)
    found = tree.query(middles, predicate="dwithin", distance=0.1)
    owner = np.full(len(a), -1)
    owner[found[0][::-1]] = found[1][::-1]  # the first match wins where two lines are equally near
    if (owner < 0).any():
        raise RuntimeError(f"{int((owner < 0).sum())} noded segments lie on no source line")
    return owner


def components(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Connected component of every segment when segments join at identical (grid) vertices."""
    keys = np.round(np.vstack([a, b]) / GRID_M).astype(np.int64)
    _, node_id = np.unique(keys, axis=0, return_inverse=True)
    node_id = node_id.ravel()
    n, m = node_id.max() + 1, len(a)
    graph = coo_matrix((np.ones(m), (node_id[:m], node_id[m:])), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    return label[node_id[:m]]


def connect(a, b, label, river) -> tuple[np.ndarray, list[shapely.LineString]]:
    """Keep the network's main part and what can join it: drop tiny fragments, connect the others.

    Returns which segments are kept and the connectors (straight lanes to the nearest segment of the
    main part that do not cross the river)."""
    length = np.hypot(*(b - a).T)
    total = np.bincount(label, weights=length)
    main = int(np.argmax(total))
    keep = total[label] >= TINY_M
    segs = shapely.linestrings(np.stack([a, b], axis=1))
    target = np.flatnonzero(label == main)
    tree = shapely.STRtree(segs[target])
    connectors = []
    for part in np.flatnonzero(total >= TINY_M):
        if part == main:
            continue
        piece = shapely.multilinestrings(segs[label == part])
        connectors.append(_nearest_link(piece, segs[target], tree, river))
    return keep, connectors


def _nearest_link(geom, targets, tree, river) -> shapely.LineString:
    """The shortest straight link from geom to a target segment that does not cross the river."""
    for reach in (100.0, 400.0, 1500.0, 5000.0, 20000.0):
        near = tree.query(geom, predicate="dwithin", distance=reach)
        if near.size == 0:
            continue
        order = near[np.argsort(shapely.distance(geom, targets[near]), kind="stable")]
        for i in order[:50]:
            link = shapely.shortest_line(geom, targets[i])
            if not link.intersects(river):
                return link
    raise RuntimeError("a part of the network cannot reach the rest without crossing the river")


def spurs(sites: np.ndarray, segs, river, rng) -> list[shapely.LineString]:
    """A lane from the nearest walkable segment (same bank) to a few metres short of every far site."""
    tree = shapely.STRtree(segs)
    lanes = []
    for x, y in sites:
        site = shapely.Point(x, y)
        near = tree.query(site, predicate="dwithin", distance=2000.0)
        order = near[np.argsort(shapely.distance(site, segs[near]), kind="stable")]
        for i in order:
            link = shapely.shortest_line(segs[i], site)
            if link.intersects(river):
                continue
            (qx, qy), _ = link.coords
            gap = link.length
            if gap > SPUR_FROM_M:
                short = rng.uniform(2.0, 8.0) / gap
                lanes.append(shapely.LineString([(qx, qy), (x + (qx - x) * short, y + (qy - y) * short)]))
            break
        else:
            raise RuntimeError(f"no walkable line within 2 km of the site at {x:.0f}, {y:.0f}")
    return lanes


def assemble(a, b, owner):
    """One (multi)line per source from its segments, merged where they follow on; (geometries, source index)."""
    segs = shapely.linestrings(np.stack([a, b], axis=1))
    used, dense = np.unique(owner, return_inverse=True)
    order = np.argsort(dense, kind="stable")
    multi = shapely.multilinestrings(segs[order], indices=dense[order])
    merged = shapely.line_merge(np.asarray(multi, dtype=object))
    parts, index = shapely.get_parts(merged, return_index=True)
    return parts, used[index]


def join(lines: Lines, sites: np.ndarray, river, rng) -> tuple[Lines, dict]:
    """The drawn lines as one noded, connected network, with lanes to far sites; and a few counts."""
    a, b = node(lines.geoms)
    owner = owners(a, b, lines.geoms)
    label = components(a, b)
    keep, connectors = connect(a, b, label, river)
    kept = shapely.linestrings(np.stack([a[keep], b[keep]], axis=1))
    lanes = spurs(sites, np.concatenate([kept, np.asarray(connectors, dtype=object)]), river, rng)
    sources = Lines()
    order = np.argsort(owner[keep], kind="stable")
    starts = np.searchsorted(owner[keep][order], np.arange(1, len(lines.geoms)))
    sources.geoms = [shapely.multilinestrings(own) for own in np.split(kept[order], starts)]  # each line's kept
    sources.kinds, sources.names, sources.passes = list(lines.kinds), list(lines.names), list(lines.passes)
    n_lines = len(sources.geoms)
    sources.add(connectors, "lane", shortest=0.0)
    sources.add(lanes, "lane", shortest=0.0)
    geoms = np.asarray(sources.geoms, dtype=object)
    a, b = node(np.concatenate([kept, geoms[n_lines:]]))
    owner = owners(a, b, geoms)
    parts, source = assemble(a, b, owner)
    out = Lines()
    for part, i in zip(parts, source):
        out.add([part], sources.kinds[i], sources.names[i], shortest=0.0)
    counts = {"fragments_dropped": int(np.unique(label[~keep]).size),
              "connectors": len(connectors), "site_lanes": len(lanes),
              "walkable_components": int(np.unique(components(a, b)).size)}
    return out, counts


def join_fenced(fenced: Lines) -> Lines:
    """The expressways noded among themselves only (they share no vertex with a walkable line)."""
    a, b = node(fenced.geoms)
    parts, source = assemble(a, b, owners(a, b, fenced.geoms))
    out = Lines()
    for part, i in zip(parts, source):
        out.add([part], fenced.kinds[i], fenced.names[i], shortest=0.0)
    return out
