"""The SYNTHETIC walking network of the Shunyi sample district: which roads exist and where.

Everything is drawn in the district's Gauss-Krüger plane (metres) from the
sample's own files, with a fixed seed, and joined into one network by
data/sample_topology.py:

- every community: a jittered, slightly wavy grid of streets (every third
  line) and lanes over its whole polygon, blocks 80–200 m (smaller where
  communities are small, i.e. dense); some lanes are interrupted;
- every village: a rectangular core of lanes (blocks 100–160 m) sized by its
  population, a street around the core, field paths about 400 m apart over the
  rest of its polygon; the borders between areas are streets (in town) or
  lanes (in the country);
- arterials: the relative-neighbourhood graph of the town centres plus a
  1.1 km grid around the centre of Shunyi, gently curved;
- the Chaobai river (潮白河): a meandering line east of the centre, 90 m wide;
  nothing walkable crosses it except seven bridges, and a riverside path runs
  along both banks, so the banks are 90 m apart in a straight line but often
  kilometres apart on foot;
- two expressways (京承高速, 六环路), not walkable, fenced: local roads stop at a
  frontage road 20 m from the carriageway, arterials pass under.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely
from pyproj import CRS, Transformer
from scipy.spatial import Delaunay
from shapely import affinity

from planner.spatial.crs import metric_crs_for

CENTRE = (116.654, 40.130)  # Shunyi town centre (WGS84)
ROADS_SEED = 20261124
RIVER_HALF_WIDTH_M = 45.0
EXPRESSWAY_HALF_WIDTH_M = 20.0
BRIDGE_HALF_LENGTH_M = 500.0
# The Chaobai river's course through Shunyi, roughly (WGS84); meanders are added to it.
RIVER_WGS84 = ((116.760, 40.345), (116.712, 40.265), (116.690, 40.215), (116.676, 40.170),
               (116.669, 40.135), (116.676, 40.095), (116.694, 40.050), (116.716, 40.010), (116.740, 39.975))
EXPRESSWAYS_WGS84 = {
    "京承高速": ((116.480, 39.985), (116.540, 40.050), (116.600, 40.130), (116.655, 40.200),
             (116.730, 40.270), (116.800, 40.335)),
    "六环路": ((116.430, 40.085), (116.540, 40.092), (116.640, 40.078), (116.740, 40.066),
            (116.860, 40.082), (117.000, 40.105)),
}
BRIDGE_KM = (5.0, 9.0, 12.5, 16.0, 19.0, 24.5, 26.5)  # along the river inside the district, from the north


@dataclass
class Lines:
    """Road lines being drawn: geometry (metres), kind, name, and how barriers treat them."""

    geoms: list[shapely.LineString] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    passes: list[str] = field(default_factory=list)  # barriers it passes: "river", "expressway"

    def add(self, geoms, kind: str, name: str = "", passes: str = "", *, shortest: float = 1.0) -> None:
        """Add the LineString parts (at least `shortest` metres long) of each geometry."""
        for geom in geoms:
            for part in shapely.get_parts(shapely.get_parts(geom)):
                if part.geom_type == "LineString" and part.length >= shortest:
                    self.geoms.append(part)
                    self.kinds.append(kind)
                    self.names.append(name)
                    self.passes.append(passes)


def to_metric(coords, metric: CRS) -> np.ndarray:
    """WGS84 (lon, lat) pairs as (n, 2) metres in `metric`."""
    lon, lat = np.asarray(coords, dtype=float).T
    x, y = Transformer.from_crs(4326, metric, always_xy=True).transform(lon, lat)
    return np.column_stack([x, y])


def wobble(line: shapely.LineString, rng, *, step: float, amplitude: float, wavelength=(600.0, 2500.0)):
    """The line densified every `step` metres and bent sideways by smooth waves; its ends stay put."""
    line = shapely.segmentize(line, step)
    xy = shapely.get_coordinates(line)
    if len(xy) < 3 or amplitude <= 0:
        return line
    seg = np.diff(xy, axis=0)
    along = np.concatenate([[0.0], np.cumsum(np.hypot(seg[:, 0], seg[:, 1]))])
    tangent = np.gradient(xy, axis=0)
    normal = np.column_stack([-tangent[:, 1], tangent[:, 0]]) / np.hypot(*tangent.T)[:, None]
    offset = np.zeros(len(xy))
    for _ in range(3):
        lam = rng.uniform(*wavelength)
        offset += rng.uniform(0.3, 1.0) * np.sin(2 * np.pi * along / lam + rng.uniform(0, 2 * np.pi))
    offset *= amplitude / 3 * np.sin(np.pi * along / along[-1])  # zero at both ends
    return shapely.LineString(xy + normal * offset[:, None])


def river_line(metric: CRS) -> shapely.LineString:
    """The river's centre line in metres (deterministic: its own seed)."""
    rng = np.random.default_rng(ROADS_SEED + 1)
    base = shapely.LineString(to_metric(RIVER_WGS84, metric))
    return wobble(base, rng, step=50.0, amplitude=450.0, wavelength=(1800.0, 5000.0))


def plane() -> CRS:
    """The district's Gauss-Krüger plane, where the network is drawn."""
    return metric_crs_for([CENTRE[0]], [CENTRE[1]])


def river_wgs84() -> shapely.LineString:
    """The river's centre line in WGS84 longitude/latitude (the test reads it to find the banks)."""
    metric = plane()
    back = Transformer.from_crs(metric, 4326, always_xy=True)
    return shapely.transform(river_line(metric), lambda xy: np.column_stack(back.transform(xy[:, 0], xy[:, 1])))


def grid_lines(poly, block: float, rng, *, angle: float, wave: float, lane_gaps: float = 0.0):
    """A jittered, wavy grid over `poly`: (streets, lanes), every third line a street; some lanes have a gap."""
    centre = poly.centroid
    x0, y0, x1, y1 = affinity.rotate(poly, -angle, origin=centre).bounds
    streets, lanes = [], []
    for axis, (lo, hi, a0, a1) in enumerate([(y0, y1, x0, x1), (x0, x1, y0, y1)]):
        offsets = np.arange(lo + rng.uniform(0.2, 0.8) * block, hi, block)
        offsets = offsets + rng.uniform(-0.15, 0.15, offsets.size) * block
        # a bend every two blocks
        along = np.arange(a0 - 2 * block, a1 + 4 * block, 2 * block) - rng.uniform(0, 2 * block)
        for i, pos in enumerate(offsets):
            across = pos + rng.uniform(-wave, wave, along.size) * block
            xy = np.column_stack([along, across] if axis == 0 else [across, along])
            if i % 3 == 0:
                streets.append(shapely.LineString(xy))
            elif along.size > 3 and rng.random() < lane_gaps:  # one block left out: a dead end each side
                k = int(rng.integers(1, along.size - 2))
                lanes.append(shapely.MultiLineString([xy[: k + 1], xy[k + 1:]]))
            else:
                lanes.append(shapely.LineString(xy))
    return tuple(shapely.intersection(_rotate_all(group, angle, centre), poly) for group in (streets, lanes))


def _rotate_all(geoms, angle: float, origin) -> np.ndarray:
    """Rotate many geometries about one origin (degrees, anticlockwise)."""
    return np.array([affinity.rotate(g, angle, origin=origin) for g in geoms], dtype=object)


_NUMERALS = "一二三四五六七八九十"


def community_lines(lines: Lines, poly, name: str, rng) -> None:
    """A community's streets and lanes over its whole polygon; small (dense) communities get small blocks."""
    block = float(np.clip((75 + 55 * np.sqrt(poly.area / 1e6)) * rng.uniform(0.9, 1.1), 80, 200))
    streets, lanes = grid_lines(poly, block, rng, angle=rng.uniform(-25, 25), wave=0.06, lane_gaps=0.2)
    base = name.removesuffix("社区")
    for i, street in enumerate(streets):
        lines.add([street], "street", f"{base}{_NUMERALS[i % 10]}街")
    lines.add(lanes, "lane")


def village_lines(lines: Lines, poly, population: float, name: str, rng) -> None:
    """A village: a rectangular core of lanes sized by its people, a street around it, field paths elsewhere."""
    angle = rng.uniform(-30, 30)
    site = poly.representative_point()
    area, aspect = population / 7000 * 1e6, rng.uniform(1.0, 1.6)  # about 7,000 people per km² of village
    w, h = np.sqrt(area * aspect) / 2, np.sqrt(area / aspect) / 2
    core = affinity.rotate(shapely.box(site.x - w, site.y - h, site.x + w, site.y + h), angle, origin=site)
    core = _largest(core.intersection(poly.buffer(-20)))
    base = name.removesuffix("村")
    if core is None or core.area < 8000:  # too small for a core: lanes over the whole village
        core, ring = poly, None
    else:
        ring = shapely.LineString(core.exterior.coords)
    streets, lanes = grid_lines(core, rng.uniform(100, 160), rng, angle=angle, wave=0.1, lane_gaps=0.15)
    for i, street in enumerate(streets):
        lines.add([street], "street", f"{base}{_NUMERALS[i % 10]}街")
    lines.add(lanes, "lane")
    if ring is not None:
        lines.add([ring], "street", f"{base}环村路")
        for turn in (0, 90):  # the village's two main streets run through it to its borders
            cross = affinity.rotate(shapely.LineString([(site.x - 2e4, site.y), (site.x + 2e4, site.y)]),
                                    angle + turn, origin=site)
            lines.add([cross.intersection(poly)], "street", f"{base}大街")
        fields = poly.difference(core)
        paths = grid_lines(fields, rng.uniform(380, 450), rng, angle=angle + rng.uniform(-10, 10), wave=0.03)
        lines.add(np.concatenate(paths), "footpath")


def _largest(geom):
    parts = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon" and not p.is_empty]
    return max(parts, key=lambda p: p.area) if parts else None


def boundary_lines(lines: Lines, polys, community) -> None:
    """The borders between areas: streets where a community touches, field lanes elsewhere; not the district's edge."""
    rings = shapely.union_all(shapely.boundary(polys), grid_size=0.05)
    outer = shapely.union_all(polys, grid_size=0.05).boundary
    inner = shapely.line_merge(rings.difference(outer.buffer(1.0)))
    town = shapely.union_all(polys[community]).buffer(1.0)
    parts = shapely.get_parts(inner)
    middles = shapely.line_interpolate_point(parts, 0.5, normalized=True)
    in_town = shapely.intersects(town, middles)
    lines.add(parts[in_town], "street")
    lines.add(parts[~in_town], "lane")


def arterial_lines(lines: Lines, towns: np.ndarray, town_names, centre: np.ndarray, district, rng) -> None:
    """Arterials: the relative-neighbourhood graph of the town centres and a grid around the centre."""
    pairs = {tuple(sorted((int(a), int(b)))) for s in Delaunay(towns).simplices for a in s for b in s if a != b}
    for a, b in sorted(pairs):
        d = np.hypot(*(towns[a] - towns[b]))
        others = [c for c in range(len(towns)) if c not in (a, b)]
        if any(max(np.hypot(*(towns[a] - towns[c])), np.hypot(*(towns[b] - towns[c]))) < d for c in others):
            continue
        line = wobble(shapely.LineString([towns[a], towns[b]]), rng, step=150, amplitude=min(250.0, 0.08 * d))
        lines.add([line.intersection(district)], "arterial", f"{town_names[a][0]}{town_names[b][0]}路",
                  passes="expressway")
    disc = shapely.Point(centre).buffer(4500).intersection(district)
    for k in range(-4, 5):
        for axis, suffix in ((0, "路"), (1, "街")):
            offset = k * 1100 + rng.uniform(-150, 150)
            ends = np.array([[offset, -5000.0], [offset, 5000.0]])[:, ::-1 if axis else 1] + centre
            line = wobble(shapely.LineString(ends), rng, step=150, amplitude=60.0)
            side = "东西"[k < 0] if axis == 0 else "北南"[k < 0]
            lines.add([line.intersection(disc)], "arterial", f"新城{side}{_NUMERALS[abs(k)]}{suffix}",
                      passes="expressway")


def river_and_bridges(lines: Lines, river, district) -> shapely.Polygon:
    """The riverside paths and the bridges; returns the river's corridor, which nothing else may cross."""
    corridor = river.buffer(RIVER_HALF_WIDTH_M, cap_style="flat")
    lines.add([corridor.boundary.intersection(district)], "footpath", "潮白河滨河路", passes="river expressway")
    entry = river.project(shapely.Point(shapely.get_coordinates(river.intersection(district))[0]))
    for i, km in enumerate(BRIDGE_KM):
        s = entry + km * 1000
        p, q = river.interpolate(s - 20), river.interpolate(s + 20)
        t = np.array([q.x - p.x, q.y - p.y]) / p.distance(q)
        mid = np.array(river.interpolate(s).coords[0])
        normal = np.array([-t[1], t[0]]) * BRIDGE_HALF_LENGTH_M
        lines.add([shapely.LineString([mid - normal, mid + normal])], "arterial", f"潮白河{_NUMERALS[i]}号桥",
                  passes="river expressway")
    return corridor


def expressways(lines: Lines, fenced: Lines, metric: CRS, district, rng) -> shapely.Geometry:
    """The expressways (not walkable) and their frontage roads; returns their fenced corridor."""
    corridors = []
    for name, coords in EXPRESSWAYS_WGS84.items():
        line = wobble(shapely.LineString(to_metric(coords, metric)), rng, step=100, amplitude=300.0,
                      wavelength=(4000.0, 9000.0)).intersection(district.buffer(300))
        fenced.add([line], "expressway", name)
        corridor = line.buffer(EXPRESSWAY_HALF_WIDTH_M, cap_style="flat")
        lines.add([corridor.boundary.intersection(district)], "street", f"{name}辅路", passes="expressway")
        corridors.append(corridor)
    return shapely.union_all(corridors)


def apply_barriers(lines: Lines, river_corridor, expressway_corridor) -> None:
    """Cut every line the river or a fenced expressway stops (bridges and arterials pass as their flags say)."""
    geoms = np.array(lines.geoms, dtype=object)
    for word, corridor in (("river", river_corridor), ("expressway", expressway_corridor)):
        stopped = np.array([word not in p for p in lines.passes]) & shapely.intersects(geoms, corridor)
        geoms[stopped] = shapely.difference(geoms[stopped], corridor)
    lines.geoms = list(geoms)


def draw(areas, district, rng) -> tuple[Lines, Lines, shapely.LineString]:
    """Every road of the district (areas and district in the plane's metres): walkable lines, fenced
    expressways, and the river's centre line; not yet joined, the barriers already cut."""
    lines, fenced = Lines(), Lines()
    local = areas[areas["级别"].isin(["村", "社区"])]
    for geom, level, name, people in zip(local.geometry, local["级别"], local["名称"], local["人口"]):
        if level == "社区":
            community_lines(lines, geom, name, rng)
        else:
            village_lines(lines, geom, float(people), name, rng)
    boundary_lines(lines, local.geometry.values, (local["级别"] == "社区").to_numpy())
    towns = areas[~areas["级别"].isin(["村", "社区"])]
    town_xy = shapely.get_coordinates(towns.geometry.representative_point().values)
    centre = to_metric([CENTRE], plane())[0]
    arterial_lines(lines, town_xy, list(towns["名称"]), centre, district, rng)
    river = river_line(plane())
    river_corridor = river_and_bridges(lines, river, district)
    fenced_corridor = expressways(lines, fenced, plane(), district, rng)
    bridges = [g for g, name in zip(lines.geoms, lines.names) if name.endswith("号桥")]
    if shapely.intersects(fenced_corridor, bridges).any():
        raise RuntimeError("a bridge meets an expressway: move it (BRIDGE_KM)")
    apply_barriers(lines, river_corridor, fenced_corridor)
    return lines, fenced, river
